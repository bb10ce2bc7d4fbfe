"""The demo's two cohorts and their year of history: dated from today, imported through the history pipeline, and
something on every page (ends with reasons, follow-ups with scores, departures, a cohort in training)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, func, select

from core.clock import utcnow
from employers import history_store
from employers.models import FollowUp, Offer, Placement
from profiles import indicators
from profiles.models import Cohort, TraineeProfile
from tests.web.conftest import Client
from web import demo
from web.auth.models import Role, User


def seeded(session: Session, folder: Path) -> demo.DemoResult:
    result = demo.seed(session=session, folder=folder)
    session.commit()
    return result


def test_two_cohorts_dated_from_today_with_a_year_of_history(session: Session, tmp_path: Path) -> None:
    result = seeded(session, tmp_path)
    today = utcnow().date()
    starts = demo.cohort_starts(today)
    previous, current = (session.exec(select(Cohort).where(Cohort.code == demo.cohort_code(starts[n]))).one()
                         for n in ("previous", "current"))  # fmt: skip
    assert previous.training_end == today - timedelta(days=390) and current.training_start == today - timedelta(days=35)
    assert current.training_start <= today <= current.training_end  # in training today
    school = session.exec(select(User).where(User.login == demo.SCHOOL.login)).one()
    assert previous.centre_id == current.centre_id == school.centre_id and previous.budget_eur and current.budget_eur
    placements = session.exec(select(Placement)).all()
    assert (result.placements, result.followups) == (
        len(placements),
        session.exec(select(func.count()).select_from(FollowUp)).one(),
    )
    assert {p.end_reason.value for p in placements if p.end_reason} == {"resigned", "dismissed", "remigrated", "trial_failed",
                                                                          "contract_ended"}  # fmt: skip
    assert all(p.offer_id is None and p.employer_id is not None for p in placements)
    scores = [s for f in session.exec(select(FollowUp)) for s in (f.economic, f.social, f.psychosocial) if s is not None]
    assert scores and all(0 <= s <= 1 for s in scores)
    assert set(session.exec(select(FollowUp.month))) == {1, 3, 6, 12}
    departed = session.exec(select(TraineeProfile).where(col(TraineeProfile.dropped_out_on).is_not(None))).all()
    assert {p.dropout_reason for p in departed} == {"remigrated", "other_job"}
    in_training = session.exec(select(TraineeProfile).where(TraineeProfile.cohort == current.code)).all()
    assert in_training and all(p.overall_from_modules for p in in_training)


def test_the_trainees_with_accounts_are_free_to_take_the_offer(session: Session, tmp_path: Path) -> None:
    seeded(session, tmp_path)
    with_account = {u.trainee_id for u in session.exec(select(User).where(User.role == Role.trainee))}
    active = {p.trainee_id for p in session.exec(select(Placement).where(col(Placement.ended_at).is_(None)))}
    assert len(with_account) == 3 and not with_account & active
    assert session.exec(select(func.count()).select_from(Offer)).one() == 1


def test_the_evaluation_has_figures_and_a_second_run_changes_no_count(session: Session, tmp_path: Path) -> None:
    seeded(session, tmp_path)
    stored = history_store.stored_history(session=session)
    assert stored.ok, [str(i) for i in stored.issues]
    figures = indicators.evaluate(trainees=stored.trainees, placements=stored.placements, followups=stored.followups,
                                  cohorts=stored.cohorts, as_of=utcnow().date())  # fmt: skip
    overall = figures["overall"]
    assert overall["placed"] == 9 and overall["dropped_out"] == 2 and overall["remigrated"] == 2
    assert overall["employed_at_12m_base"] > 0 and overall["reintegration_score_12m"] is not None
    assert overall["placements_below_minimum_wage"] == 1 and overall["cost_per_job_at_12m_eur"] is not None
    counts = {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in (Placement, FollowUp, Cohort)}
    seeded(session, tmp_path)
    assert {t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in (Placement, FollowUp, Cohort)} == counts


def test_the_pages_show_the_history(client: Client, session: Session, tmp_path: Path) -> None:
    seeded(session, tmp_path)
    codes = [c.code for c in session.exec(select(Cohort).order_by(col(Cohort.code)))]
    ended = session.exec(select(Placement).where(col(Placement.end_reason).is_not(None)).order_by(col(Placement.code))).first()
    assert ended is not None and len(codes) == 2
    officer = demo.STAFF[1]
    client.sign_in(officer.login, officer.secret)
    pages = ("/officer", "/officer/calendar", "/officer/cohorts", "/officer/trainees", f"/officer/trainees/{ended.trainee_id}")
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
    assert all(code in client.get("/officer/calendar").text for code in codes)
    client.post_form("/signout", {})
    client.sign_in(demo.SCHOOL.login, demo.SCHOOL.secret)
    assert all(code in client.get("/school").text for code in codes)
