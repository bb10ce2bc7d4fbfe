"""Learning on stored data: which placements lasted 6 months, weights versions adopted and rolled back, and their use."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import candidates, offers, review, weights
from employers.exceptions import WeightsNotAdoptable, WeightsVersionNotFound
from employers.models import FollowUp, OfferState, Placement
from employers.outcomes import lasted, stored_outcomes
from matching.config import DEFAULT_LEVEL_WEIGHTS, DEFAULT_WEIGHTS, ScoringConfig
from matching.learning import Learned, Reason, Why, verdict
from profiles.indicators import add_months
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role
from web.db import make_engine
from web.migrate import alembic_config, upgrade

TODAY = date(2027, 6, 30)
#: A proposal that meets the adoption rule: everything on proximity and level.
LEARNED = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"proximity": 0.6, "level": 0.4}
ADOPTABLE = Learned(400, LEARNED, 0.61, 0.74, True, verdict(400, 0.61, 0.74, 0.05), LEARNED)


def placed(start: date, end: date | None = None, **fields: object) -> Placement:
    """Return a placement (not stored) started on `start`, ended on `end`."""
    return Placement(code="P-1", trainee_id=1, employer_name="X", level="guard", start_date=start, salary_fcfa_month=60_000,
                     end_date=end, **fields)  # type: ignore[arg-type]  # fmt: skip


def six_months(reached: bool, employment: str | None) -> FollowUp:
    """Return a 6-month follow-up (not stored)."""
    return FollowUp(placement_id=1, month=6, done_on=TODAY, reached=reached, employment=employment)  # type: ignore[arg-type]


class TestLasted:
    def test_active_six_months_after_its_start_lasted(self) -> None:
        assert lasted(placed(add_months(TODAY, -6)), None, TODAY) == 1

    def test_ended_before_six_months_did_not(self) -> None:
        start = date(2026, 1, 31)
        assert lasted(placed(start, end=add_months(start, 6) - timedelta(days=1)), None, TODAY) == 0

    def test_ended_on_the_day_six_months_after_its_start_lasted(self) -> None:
        start = date(2026, 8, 31)  # + 6 months = 2027-02-28
        assert lasted(placed(start, end=date(2027, 2, 28)), None, TODAY) == 1

    def test_too_young_has_no_outcome_yet(self) -> None:
        assert lasted(placed(TODAY - timedelta(days=100)), None, TODAY) is None

    def test_a_six_month_follow_up_reached_and_employed_says_it_lasted(self) -> None:
        start = date(2026, 1, 1)
        assert lasted(placed(start, end=date(2026, 2, 1)), six_months(True, "other_security_job"), TODAY) == 1
        assert lasted(placed(start, end=date(2026, 2, 1)), six_months(True, "unemployed"), TODAY) == 0
        assert lasted(placed(start, end=date(2026, 2, 1)), six_months(False, None), TODAY) == 0


def test_stored_outcomes_pair_trainees_and_vacancies_by_code(session: Session) -> None:
    firm = employer(session)
    post = stored_vacancy(session, firm, seats=3)
    old, early, young = (profile(session) for _ in range(3))
    for who, start, end in ((old, date(2026, 1, 5), None), (early, date(2026, 1, 5), date(2026, 3, 1)), (young, TODAY, None)):
        session.add(Placement(code=f"P-{who.code}", trainee_id=who.id or 0, vacancy_id=post.id, employer_id=firm.id,
                              employer_name=firm.name, level=post.level, start_date=start, salary_fcfa_month=60_000,
                              end_date=end, ended_at=utcnow() if end else None))  # fmt: skip
    session.add(Placement(code="P-HIST", trainee_id=young.id or 0, employer_name="Ancienne", level="guard",
                          start_date=date(2025, 1, 1), end_date=date(2025, 12, 1), ended_at=utcnow(),
                          salary_fcfa_month=60_000))  # history: no vacancy, left out  # fmt: skip
    session.commit()
    found = stored_outcomes(session=session, as_of=TODAY)
    assert sorted((o.trainee_id, o.vacancy_id, o.outcome) for o in found.outcomes) == sorted(
        [(old.code, post.code, 1), (early.code, post.code, 0)]
    )
    assert {t.id for t in found.trainees} == {old.code, early.code} and [v.id for v in found.vacancies] == [post.code]
    assert weights.propose(session=session, as_of=TODAY).reason == "too few outcomes (2 < 200)"


class TestVersions:
    def test_the_defaults_are_version_0(self, session: Session) -> None:
        assert weights.version_in_use(session=session) == 0
        assert weights.current_config(session=session).weights == DEFAULT_WEIGHTS

    def test_adopt_stores_a_version_in_use_and_audits_it(self, session: Session) -> None:
        admin = account(session, Role.admin)
        made = weights.adopt(session=session, learned=ADOPTABLE, source=weights.DATABASE_SOURCE, by=admin.id)
        session.commit()
        assert weights.version_in_use(session=session) == made.id
        config = weights.current_config(session=session)
        assert config.weights["proximity"] == 0.6 and config.weights_version == made.id
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "weights")).one()
        assert (event.action, event.actor_id, event.from_state, event.to_state) == ("adopt", admin.id, "0", str(made.id))
        assert event.details is not None and event.details["weights"]["level"] == 0.4
        assert event.details["reason"] == "adopted"  # the code, not a sentence

    def test_a_proposal_that_fails_the_rule_is_refused(self, session: Session) -> None:
        kept = Learned(20, dict(DEFAULT_WEIGHTS), None, None, False, Why(Reason.TOO_FEW, {"n": 20, "min_outcomes": 200}))
        with pytest.raises(WeightsNotAdoptable):
            weights.adopt(session=session, learned=kept, source="x", by=None)
        assert weights.history(session=session) == []

    def test_roll_back_adds_a_copy_of_the_earlier_version(self, session: Session) -> None:
        admin = account(session, Role.admin)
        first = weights.adopt(session=session, learned=ADOPTABLE, source="database", by=admin.id)
        back = weights.roll_back(session=session, to=0, by=admin.id)
        session.commit()
        assert back.id == (first.id or 0) + 1 and back.restores == 0 and back.weights == dict(DEFAULT_WEIGHTS)
        again = weights.roll_back(session=session, to=first.id or 0, by=admin.id)
        assert again.weights == LEARNED and weights.version_in_use(session=session) == again.id
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "weights").order_by(col(AuditEvent.id)))
        assert list(actions) == ["adopt", "roll_back", "roll_back"]
        with pytest.raises(WeightsVersionNotFound):
            weights.roll_back(session=session, to=99, by=admin.id)


def test_the_application_ranks_and_offers_with_the_version_in_use(session: Session) -> None:
    firm = employer(session)
    post = stored_vacancy(session, firm, seats=2)
    near, far = profile(session), profile(session, home_town="Kati")
    officer = account(session, Role.officer)
    candidates.invalidate()
    before = candidates.candidates_for(session=session, vacancy=post)
    made = weights.adopt(session=session, learned=ADOPTABLE, source="database", by=None)
    session.commit()
    after = candidates.candidates_for(session=session, vacancy=post)
    for row in after.candidates:  # the score is the weighted mean with the adopted weights
        assert row.score == pytest.approx(sum(LEARNED[k] * v for k, v in row.components.items()), abs=2e-4)
    assert [r.score for r in before.candidates] != [r.score for r in after.candidates]
    reviewed = review.review(session=session, vacancy=post)
    assert reviewed.eligible and all(
        row.score == pytest.approx(sum(LEARNED[k] * v for k, v in row.components.items()), abs=2e-4) for row in reviewed.eligible
    )
    offer = offers.shortlist(session=session, vacancy_id=post.id or 0, trainee_id=near.id or 0, by=officer.actor)
    assert offer.weights_version == made.id
    old = offer_in(session, post, far, OfferState.shortlisted, by=officer)
    assert old.weights_version is None  # made outside the workflow: no version known
    candidates.invalidate()


def test_proposals_compare_with_the_scoring_in_use(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ScoringConfig] = []

    def learning(trainees: object, vacancies: object, outcomes: object, config: ScoringConfig) -> Learned:
        seen.append(config)
        return ADOPTABLE

    monkeypatch.setattr(weights, "learn", learning)
    weights.propose(session=session, as_of=TODAY)
    weights.adopt(session=session, learned=ADOPTABLE, source="database", by=None)
    weights.propose(session=session, as_of=TODAY)
    weights.roll_back(session=session, to=0, by=None)
    weights.propose(session=session, as_of=TODAY)
    defaults, adopted, restored = seen
    assert defaults.weights_by_level == DEFAULT_LEVEL_WEIGHTS == restored.weights_by_level  # each level its own
    assert adopted.weights_by_level is None and dict(adopted.weights) == LEARNED  # one set at every level


BEFORE = "83b71bd07820"  # the revision before weights versions


def test_the_migration_goes_down_and_up(fresh_url: str) -> None:
    upgrade(fresh_url)
    engine = make_engine(fresh_url)
    try:
        assert "weights_version" in inspect(engine).get_table_names()
        command.downgrade(alembic_config(fresh_url), BEFORE)
        engine.dispose()
        assert "weights_version" not in inspect(engine).get_table_names()
        assert "weights_version" not in {c["name"] for c in inspect(engine).get_columns("offer")}
        upgrade(fresh_url)
        engine.dispose()
        assert "weights_version" in {c["name"] for c in inspect(engine).get_columns("offer")}
        with Session(engine) as session:
            weights.roll_back(session=session, to=0, by=None)
            session.commit()
            assert weights.version_in_use(session=session) == 1
    finally:
        engine.dispose()
