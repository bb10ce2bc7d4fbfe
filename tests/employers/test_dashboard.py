"""The officers' read models: the dashboard's lists, the audit search and pages, the outbox, and the vacancy review."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from core.audit import AuditEvent
from core.clock import utcnow
from employers import dashboard, review
from employers import offers as workflow
from employers import service as employers_service
from employers.models import OfferState, OutboxMessage, VacancyStatus
from employers.review import Filters
from profiles.models import TraineeProfile
from tests.employers.factories import account, offer_in, placement_row, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role


def test_a_code_typed_in_full_wins_over_codes_that_contain_it() -> None:
    rows = [(1, "V-1", ""), (2, "V-10", ""), (3, "V-2", "")]
    assert dashboard.matching_ids(rows, "v-1") == [1]
    assert dashboard.matching_ids(rows, "V-") == [1, 2, 3]
    assert dashboard.matching_ids(rows, "10") == [2]


def test_names_are_searched_without_accents_or_case() -> None:
    rows = [(1, "T-1", "Aïssata Traoré"), (2, "T-2", "Awa Diarra"), (3, "T-3", "Moussa TRAORE")]
    assert dashboard.matching_ids(rows, "traore") == [1, 3]
    assert dashboard.matching_ids(rows, "AISSATA") == [1]
    assert dashboard.matching_ids(rows, "Kone") == []


def test_dashboard_lists_are_capped_with_their_full_count(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm, seats=30)
    now = utcnow()
    for n in range(5):
        trainee = profile(session, full_name=f"Agent {n}")
        offer_in(session, post, trainee, OfferState.offered, by=officer, offered_at=now, expires_at=now + timedelta(days=n + 1))

    capped = dashboard.dashboard(session=session, now=now, limit=2)
    whole = dashboard.dashboard(session=session, now=now, limit=2, unlimited=["offers"])

    assert capped.waiting_answer.count == 5 and len(capped.waiting_answer.rows) == 2 and capped.waiting_answer.more
    assert [item.trainee.full_name for item in capped.waiting_answer.rows] == ["Agent 0", "Agent 1"]  # soonest to expire first
    assert len(whole.waiting_answer.rows) == 5 and not whole.waiting_answer.more
    assert len(whole.not_placed.rows) == 2  # the other lists stay capped


def test_overdue_offers_are_past_their_expiry_or_accepted_and_unconfirmed_too_long(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm, seats=10)
    now = utcnow()
    late, on_time, slow, recent = (profile(session, full_name=n) for n in ("En retard", "À l'heure", "Lente", "Récente"))
    offer_in(session, post, late, OfferState.offered, by=officer, expires_at=now - timedelta(minutes=1))
    offer_in(session, post, on_time, OfferState.offered, by=officer, expires_at=now + timedelta(minutes=1))
    offer_in(session, post, slow, OfferState.accepted, by=officer, answered_at=now - timedelta(days=3, minutes=1))
    offer_in(session, post, recent, OfferState.accepted, by=officer, answered_at=now - timedelta(days=2, hours=23))

    board = dashboard.dashboard(session=session, now=now)

    assert [i.trainee.full_name for i in board.past_expiry.rows] == ["En retard"]
    assert [i.trainee.full_name for i in board.unconfirmed.rows] == ["Lente"]
    assert board.waiting_answer.count == 2


def test_trainees_without_an_offer_in_progress_come_first(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm)
    busy, idle, done = (profile(session, full_name=n) for n in ("Occupée", "Libre", "Placée"))
    offer_in(session, post, busy, OfferState.shortlisted, by=officer)
    offer = offer_in(session, post, done, OfferState.confirmed, by=officer)
    session.add(placement_row(session, offer, start_date=date(2026, 2, 1),
                          salary_fcfa_month=50000, confirmed_by=officer.id or 0))  # fmt: skip
    session.commit()

    found = dashboard.trainees_not_placed(session=session)

    assert [(w.trainee.full_name, w.in_progress) for w in found.rows] == [("Libre", 0), ("Occupée", 1)]


def test_trainees_not_placed_keep_their_order_and_total_whatever_the_limit(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    posts = [stored_vacancy(session, firm) for _ in range(2)]
    trainees = [profile(session, full_name=f"Agent {n}") for n in range(5)]
    dropped = profile(session, full_name="Partie")
    dropped.dropped_out_on = date(2026, 1, 5)
    session.add(dropped)
    for post in posts:  # two offers in progress for the first, one for the third
        offer_in(session, post, trainees[0], OfferState.shortlisted, by=officer)
    offer_in(session, posts[0], trainees[2], OfferState.offered, by=officer)
    session.commit()
    codes = [t.code for t in trainees]
    free = sorted(c for n, c in enumerate(codes) if n not in (0, 2))
    busy = sorted([(codes[0], 2), (codes[2], 1)])
    expected = [(c, 0) for c in free] + busy
    for limit in (None, 2, 3, 4, 5, 9):
        found = dashboard.trainees_not_placed(session=session, limit=limit)
        assert [(w.trainee.code, w.in_progress) for w in found.rows] == expected[:limit], limit
        assert found.count == 5, limit


def test_the_audit_search_pages_newest_first_and_keeps_to_the_last_page(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm)
    for n in range(5):
        trainee = profile(session, full_name=f"Agent {n}")
        workflow.shortlist(session=session, vacancy_id=post.id or 0, trainee_id=trainee.id or 0, by=officer.actor)
    session.commit()

    first = dashboard.search_audit(session=session, search=dashboard.AuditSearch(), per_page=2)
    beyond = dashboard.search_audit(session=session, search=dashboard.AuditSearch(), page=9, per_page=2)
    one = dashboard.search_audit(session=session, search=dashboard.AuditSearch(trainee="agent 3"))

    assert (first.total, first.pages, [line.trainee.full_name for line in first.rows]) == (5, 3, ["Agent 4", "Agent 3"])
    assert beyond.number == 3 and [line.trainee.full_name for line in beyond.rows] == ["Agent 0"]
    assert [(line.actor_name, line.event.to_state) for line in one.rows] == [("officer test", "shortlisted")]


def test_the_system_is_named_by_no_one(session: Session) -> None:
    firm = employer(session)
    trainee = profile(session)
    post = stored_vacancy(session, firm)
    officer = account(session, Role.officer)
    made = offer_in(session, post, trainee, OfferState.expired, by=officer)
    session.add(AuditEvent(actor_id=None, entity="offer", entity_id=made.id or 0, from_state="offered", to_state="expired",
                           vacancy_id=post.id or 0, trainee_id=trainee.id or 0, employer_id=firm.id or 0))  # fmt: skip
    session.commit()

    (line,) = dashboard.search_audit(session=session, search=dashboard.AuditSearch(employer=firm.name)).rows

    assert line.actor_name is None and line.employer_name == firm.name


def test_the_outbox_is_filtered_by_sent_or_pending(session: Session) -> None:
    staff = account(session, Role.officer)
    texts = {"sms_text": "SMS", "email_subject": "Sujet", "email_body": "Corps"}
    pending = OutboxMessage(kind="offer_made.trainee", recipient_phone="+22376000000", **texts)
    sent = OutboxMessage(kind="offer_accepted.officer", recipient_user_id=staff.id, sent_at=utcnow(), attempts=1, **texts)
    session.add_all([pending, sent])
    session.commit()

    assert dashboard.outbox_counts(session=session) == {"pending": 1, "sent": 1}
    assert [line.message.kind for line in dashboard.outbox(session=session, sent=False).rows] == ["offer_made.trainee"]
    (line,) = dashboard.outbox(session=session, sent=True).rows
    assert line.recipient_name == "officer test" and line.sent_at is not None and line.sent_at.tzinfo is not None


# ---------------------------------------------------------------- the review


def test_the_review_ranks_every_trainee_not_placed_consenting_or_not(session: Session) -> None:
    firm = employer(session)
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm, min_experience_years=2)
    other = stored_vacancy(session, firm)
    profile(session, full_name="Partage", consent=True)
    profile(session, full_name="Discrète", consent=False)
    profile(session, full_name="Débutant", experience=[])
    busy = profile(session, full_name="En poste")
    offer = offer_in(session, other, busy, OfferState.confirmed, by=officer)
    session.add(placement_row(session, offer, start_date=date(2026, 2, 1),
                          salary_fcfa_month=50000, confirmed_by=officer.id or 0))  # fmt: skip
    broken = TraineeProfile(code="T-BROKEN", full_name="Profil cassé", home_town="Bamako", literacy="???")
    session.add(broken)
    session.commit()

    found = review.review(session=session, vacancy=post)

    assert {r.full_name for r in found.eligible} == {"Partage", "Discrète"}
    assert [r.rank for r in found.eligible] == [1, 2] and all(r.score is not None and r.components for r in found.eligible)
    assert not next(r for r in found.eligible if r.full_name == "Discrète").shares_profile
    assert [(r.full_name, r.readable) for r in found.ineligible] == [("Débutant", True), ("Profil cassé", False)]
    assert found.ineligible[0].reasons and "2 requis" in found.ineligible[0].reasons[0]
    assert found.placed_count == 1


def test_filters_keep_ranks_and_scores(session: Session) -> None:
    firm = employer(session)
    post = stored_vacancy(session, firm)
    profile(session, full_name="Bamako A", training={"cohort": "2025-B", "overall": 18})
    profile(session, full_name="Kati B", home_town="Kati", mobility="country", certifications=["PSC1"],
            training={"cohort": "2026-A", "overall": 10})  # fmt: skip
    whole = review.review(session=session, vacancy=post)

    narrowed = whole.filtered(Filters(town="Kati"))

    (kept,) = narrowed.eligible
    assert kept == next(r for r in whole.eligible if r.full_name == "Kati B")
    assert whole.choices().towns == ("Bamako", "Kati") and whole.choices().cohorts == ("2026-A", "2025-B")
    assert "PSC1" in whole.choices().certifications
    assert whole.filtered(Filters(cohort="2025-B", certification="CYNO")).eligible == ()
    assert Filters.of({"town": " Kati ", "level": ""}).active() == {"town": "Kati"}


def test_vacancy_lines_count_offers_in_progress_and_requests(session: Session) -> None:
    firm = employer(session, name="Sahel Garde")
    officer = account(session, Role.officer)
    post = stored_vacancy(session, firm)
    stored_vacancy(session, firm, status=VacancyStatus.closed)
    offer_in(session, post, profile(session), OfferState.offered, by=officer)
    offer_in(session, post, profile(session), OfferState.withdrawn, by=officer)

    (line,) = review.vacancy_lines(session=session, status=VacancyStatus.open)

    assert (line.employer_name, line.offers, line.in_progress, line.requests, line.free_seats) == ("Sahel Garde", 2, 1, 0, 1)
    assert review.status_counts(session) == {"draft": 0, "open": 1, "filled": 0, "closed": 1}
    assert review.vacancy_count(session) == 2


def test_the_trainees_companies_asked_for_wait_until_an_officer_acts(session: Session) -> None:
    firm = employer(session)
    boss, officer = account(session, Role.employer, employer_id=firm.id), account(session, Role.officer)
    post = stored_vacancy(session, firm, seats=5)
    asked, also_asked, by_officer = (profile(session, full_name=n) for n in ("Demandé", "Aussi demandé", "Présélection"))
    for trainee in (asked, also_asked):
        employers_service.request_candidate(session=session, vacancy_id=post.id or 0, trainee_code=trainee.code, by=boss.actor)
    workflow.shortlist(session=session, vacancy_id=post.id or 0, trainee_id=by_officer.id or 0, by=officer.actor)
    session.commit()
    listed = dashboard.dashboard(session=session).requested
    assert [item.trainee.full_name for item in listed.rows] == ["Demandé", "Aussi demandé"]  # not the officer's shortlist
    workflow.propose_offer(session=session, vacancy_id=post.id or 0, trainee_id=asked.id or 0, by=officer.actor)
    session.commit()
    assert [item.trainee.full_name for item in dashboard.dashboard(session=session).requested.rows] == ["Aussi demandé"]
