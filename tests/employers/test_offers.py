"""The placement workflow (employers.offers, employers.outbox, employers.notices), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from core.clock import utcnow
from employers import notices, offers, outbox
from employers import service as employers_service
from employers.exceptions import (
    ActionNotAllowed,
    AlreadyPlaced,
    EmployerError,
    InvalidEnding,
    InvalidOfferTransition,
    InvalidPlacement,
    InvalidVacancy,
    OfferExpired,
    OfferNotFound,
    OverrideReasonRequired,
    PlacementEnded,
    PlacementNotFound,
    ReasonRequired,
    TraineeIneligible,
    VacancyFull,
    VacancyNotFound,
    VacancyNotOpen,
)
from employers.lifecycle import SYSTEM, Actor, Party
from employers.models import (
    CandidateRequest,
    DeclineReason,
    Employer,
    EndReason,
    Offer,
    OfferCause,
    OfferOrigin,
    OfferState,
    OutboxMessage,
    Placement,
    Vacancy,
    VacancyStatus,
)
from profiles.exceptions import TraineeNotFound
from profiles.models import TraineeProfile
from tests.employers.factories import account, offer_in, placement_row, profile, stored_vacancy
from tests.web.factories import employer
from web.auth.models import Role, User
from web.db import make_engine
from web.migrate import alembic_config, upgrade

START = date(2027, 1, 4)
SALARY = 65_000
#: A valid end of a placement starting on START (not started yet: it may end on its start day only).
ENDING: dict[str, Any] = {"end_date": START, "reason": "resigned"}


@dataclass
class Scene:
    """A company with an open vacancy, its employer, a rival company's employer, an officer and an admin."""

    company: Employer
    vacancy: Vacancy
    boss: User
    rival: User
    officer: User
    admin: User
    trainee_account: User

    def trainee(self, session: Session, **overrides: Any) -> tuple[TraineeProfile, Actor]:
        """Store a consenting, eligible trainee (unless overridden) and return it with its user."""
        row = profile(session, phone=f"+2237{uuid.uuid4().int % 10**7:07d}", **overrides)
        return row, Actor(Party.trainee, user_id=self.trainee_account.id, trainee_id=row.id)


@pytest.fixture
def scene(session: Session) -> Scene:
    company, other = employer(session), employer(session)
    return Scene(
        company=company, vacancy=stored_vacancy(session, company, seats=50),
        boss=account(session, Role.employer, employer_id=company.id),
        rival=account(session, Role.employer, employer_id=other.id), officer=account(session, Role.officer),
        admin=account(session, Role.admin), trainee_account=account(session, Role.trainee),
    )  # fmt: skip


def ids(session: Session, model: type[Any], **where: Any) -> list[int]:
    session.expire_all()
    query = select(model.id).order_by(model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return list(session.exec(query))


def messages(session: Session, offer_id: int | None = None) -> list[OutboxMessage]:
    session.expire_all()
    query = select(OutboxMessage).order_by(col(OutboxMessage.id))
    if offer_id is not None:
        query = query.where(OutboxMessage.offer_id == offer_id)
    return list(session.exec(query))


def kinds(session: Session, offer_id: int) -> list[str]:
    return [m.kind for m in messages(session, offer_id)]


def trail(session: Session, **where: Any) -> list[tuple[str, str | None, str]]:
    return [(e.entity, e.from_state, e.to_state) for e in offers.audit_trail(session=session, **where)]


# ---------------------------------------------------------------- the table of transitions

#: action: (the states it moves an offer from — None: no offer yet —, the state it leads to, the one party allowed).
EXPECTED = {
    "shortlist": ({None}, "shortlisted", "officer"),
    "offer": ({None, "shortlisted", "interview", "expired", "withdrawn"}, "offered", "officer"),
    "accept": ({"offered"}, "accepted", "trainee"),
    "decline": ({"offered"}, "declined", "trainee"),
    "confirm": ({"accepted"}, "confirmed", "employer"),
    "reject": ({"interview", "offered", "accepted"}, "rejected_by_employer", "employer"),
    "withdraw": ({"shortlisted", "interview", "offered", "accepted"}, "withdrawn", "officer"),
    "expire": ({"offered"}, "expired", "system"),
}
STATES: list[OfferState | None] = [None, *OfferState]
PARTIES = ("officer", "employer", "trainee")


def test_the_table_of_transitions_is_the_documented_one() -> None:
    found = {
        action.value: ({s.value if s else None for s in rule.sources}, rule.target.value, *rule.parties)
        for action, rule in offers.TRANSITIONS.items()
        if action != offers.Action.interview  # two parties may set an interview: tests/web/test_employer_interview.py
    }
    assert found == EXPECTED
    interview = offers.TRANSITIONS[offers.Action.interview]
    assert (interview.sources, interview.target, interview.parties) == (
        {OfferState.shortlisted}, OfferState.interview, {Party.officer, Party.employer})  # fmt: skip
    assert offers.allowed(offers.Action.confirm, Party.employer, OfferState.accepted)
    assert not offers.allowed(offers.Action.confirm, Party.officer, OfferState.accepted)
    assert not offers.allowed(offers.Action.accept, Party.trainee, OfferState.accepted)


#: The placements' table: action: (the states it moves a placement from, the state it leads to, the parties allowed).
PLACEMENT_EXPECTED = {"end": ({"active"}, "ended", {"officer", "employer"})}


def test_the_table_of_placements_is_the_documented_one() -> None:
    found = {
        action.value: ({s.value for s in rule.sources if s}, rule.target.value, {p.value for p in rule.parties})
        for action, rule in offers.PLACEMENT_TRANSITIONS.items()
    }
    assert found == PLACEMENT_EXPECTED


@pytest.mark.parametrize("party", ["officer", "employer", "trainee", "system"])
def test_every_state_of_a_placement_for_each_party_ending_it(session: Session, scene: Scene, party: str) -> None:
    sources, target, parties = PLACEMENT_EXPECTED["end"]
    for state in offers.PlacementState:
        trainee, trainee_user = scene.trainee(session)
        accepted = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        terms = {"start_date": START, "salary_fcfa_month": SALARY}
        placed = offers.confirm_placement(session=session, offer_id=accepted.id or 0, by=scene.boss.actor, **terms)
        if state == offers.PlacementState.ended:
            offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.officer.actor, **ENDING)
        session.commit()
        by = {"officer": scene.officer.actor, "employer": scene.boss.actor, "trainee": trainee_user, "system": SYSTEM}[party]
        before, case = trail(session, trainee_id=trainee.id), f"end by {party} on {state.value}"
        if party in parties and state.value in sources:
            ended = offers.end_placement(session=session, placement_id=placed.id or 0, by=by, **ENDING)
            session.commit()
            assert ended.ended_at is not None and ended.ended_by == by.user_id, case
            assert trail(session, trainee_id=trainee.id) == [*before, ("placement", state.value, target)], case
            continue
        with pytest.raises(ActionNotAllowed if party not in parties else PlacementEnded):
            offers.end_placement(session=session, placement_id=placed.id or 0, by=by, **ENDING)
        session.rollback()
        assert trail(session, trainee_id=trainee.id) == before, case


def act(action: str, session: Session, scene: Scene, trainee: TraineeProfile, offer: Offer | None, by: Any) -> Offer:
    """Take an action through its service function and return the offer it concerns."""
    pair = {"session": session, "vacancy_id": scene.vacancy.id or 0, "trainee_id": trainee.id or 0, "by": by}
    one = {"session": session, "offer_id": offer.id if offer else 0, "by": by}
    calls: dict[str, Callable[[], Any]] = {
        "shortlist": lambda: offers.shortlist(**pair),
        "offer": lambda: offers.propose_offer(**pair),
        "accept": lambda: offers.accept(**one),
        "decline": lambda: offers.decline(**one, reason=DeclineReason.salary),
        "confirm": lambda: offers.confirm_placement(**one, start_date=START, salary_fcfa_month=SALARY),
        "reject": lambda: offers.reject_by_employer(**one, reason="profil retenu ailleurs"),
        "withdraw": lambda: offers.withdraw_offer(**one, reason="poste supprimé"),
    }
    result = calls[action]()
    found = session.get(Offer, result.offer_id if isinstance(result, Placement) else result.id)
    assert found is not None
    return found


def expected_outcome(action: str, party: str, state: OfferState | None) -> str | type[EmployerError]:
    sources, target, allowed_party = EXPECTED[action]
    if party != allowed_party:
        return ActionNotAllowed
    if party in ("trainee", "employer") and state == OfferState.shortlisted:
        return OfferNotFound  # only officers see their shortlist
    if (state.value if state else None) in sources:
        return target
    if state is not None and state.value == target:
        return "unchanged"
    return InvalidOfferTransition


@pytest.mark.parametrize("action", [a for a in EXPECTED if a != "expire"])
def test_every_state_and_party_for_each_action(session: Session, scene: Scene, action: str) -> None:
    """Each party tries the action on an offer in each state: exactly the table's moves happen, audited."""
    for state in STATES:
        if state is None and action not in ("shortlist", "offer"):
            continue
        for party in PARTIES:
            trainee, trainee_user = scene.trainee(session)
            offer = offer_in(session, scene.vacancy, trainee, state, by=scene.officer) if state else None
            if state == OfferState.confirmed and offer is not None:
                session.add(
                    placement_row(session, offer, start_date=START, salary_fcfa_month=SALARY, confirmed_by=scene.boss.id or 0)
                )
                session.commit()
            by = {"officer": scene.officer.actor, "employer": scene.boss.actor, "trainee": trainee_user}[party]
            expected, case = expected_outcome(action, party, state), f"{action} by {party} on {state}"
            if isinstance(expected, str):
                moved = act(action, session, scene, trainee, offer, by)
                session.commit()
                audited = trail(session, trainee_id=trainee.id)
                if expected == "unchanged":
                    assert moved.state == state and audited == [], case
                else:
                    assert moved.state == expected, case
                    assert audited[0] == ("offer", state.value if state else None, expected), case
                    assert len(audited) == (2 if action == "confirm" else 1), case
            else:
                with pytest.raises(expected):
                    act(action, session, scene, trainee, offer, by)
                session.rollback()
                assert trail(session, trainee_id=trainee.id) == [], case
                if offer is not None:
                    session.refresh(offer)
                    assert offer.state == state, case


def test_an_admin_acts_as_an_officer(session: Session, scene: Scene) -> None:
    trainee, trainee_user = scene.trainee(session)
    made = offers.propose_offer(
        session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0, by=scene.admin.actor
    )
    assert made.state == OfferState.offered and made.created_by == scene.admin.id
    with pytest.raises(ActionNotAllowed):
        offers.accept(session=session, offer_id=made.id or 0, by=scene.admin.actor)
    withdrawn = offers.withdraw_offer(session=session, offer_id=made.id or 0, by=scene.admin.actor, reason="erreur de saisie")
    assert withdrawn.state == OfferState.withdrawn and withdrawn.reason == "erreur de saisie"


def test_an_actor_must_be_a_saved_user(session: Session, scene: Scene) -> None:
    trainee, _ = scene.trainee(session)
    with pytest.raises(ValueError, match="no id"):
        offers.shortlist(session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0, by=Actor(Party.officer))


# ---------------------------------------------------------------- who sees what


class TestVisibility:
    def test_another_company_or_trainee_finds_nothing(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        _, stranger = scene.trainee(session)
        offered = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer)
        accepted = offer_in(session, scene.vacancy, scene.trainee(session)[0], OfferState.accepted, by=scene.officer)
        with pytest.raises(OfferNotFound):
            offers.accept(session=session, offer_id=offered.id or 0, by=stranger)
        with pytest.raises(OfferNotFound):
            offers.confirm_placement(session=session, offer_id=accepted.id or 0, by=scene.rival.actor, start_date=START,
                                     salary_fcfa_month=SALARY)  # fmt: skip
        with pytest.raises(OfferNotFound):
            offers.reject_by_employer(session=session, offer_id=accepted.id or 0, by=scene.rival.actor, reason="non")
        with pytest.raises(OfferNotFound):
            offers.get_offer(session=session, offer_id=10**6, by=scene.officer.actor)

    def test_lists_show_each_party_its_own(self, session: Session, scene: Scene) -> None:
        trainee, trainee_user = scene.trainee(session)
        listed = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer)
        other_vacancy = stored_vacancy(session, scene.company)
        shortlisted = offer_in(session, other_vacancy, trainee, OfferState.shortlisted, by=scene.officer)
        someone_elses = offer_in(session, scene.vacancy, scene.trainee(session)[0], OfferState.offered, by=scene.officer)

        def seen(by: Actor, **where: Any) -> set[int | None]:
            return {o.id for o in offers.list_offers(session=session, by=by, **where)}

        assert seen(scene.officer.actor) == {listed.id, shortlisted.id, someone_elses.id}
        assert seen(scene.boss.actor, vacancy_id=scene.vacancy.id) == {listed.id, someone_elses.id}
        assert seen(scene.boss.actor, states=[OfferState.shortlisted]) == set()  # the shortlist is the officers' own
        assert seen(trainee_user) == {listed.id}  # not the shortlist
        assert seen(scene.rival.actor) == set() and seen(SYSTEM) == set()
        assert seen(scene.officer.actor, trainee_id=trainee.id) == {listed.id, shortlisted.id}

    def test_a_placement_is_seen_by_officers_its_company_and_its_trainee(self, session: Session, scene: Scene) -> None:
        trainee, trainee_user = scene.trainee(session)
        accepted = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        placed = offers.confirm_placement(session=session, offer_id=accepted.id or 0, by=scene.boss.actor, start_date=START,
                                          salary_fcfa_month=SALARY)  # fmt: skip
        session.commit()
        for by in (scene.officer.actor, scene.boss.actor, trainee_user):
            assert offers.get_placement(session=session, placement_id=placed.id or 0, by=by).id == placed.id
        for by in (scene.rival.actor, scene.trainee(session)[1]):
            with pytest.raises(PlacementNotFound):
                offers.get_placement(session=session, placement_id=placed.id or 0, by=by)


# ---------------------------------------------------------------- offering


class TestProposeOffer:
    def propose(self, session: Session, scene: Scene, trainee: TraineeProfile, **kwargs: Any) -> Offer:
        return offers.propose_offer(session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0,
                                    by=scene.officer.actor, **kwargs)  # fmt: skip

    def test_an_ineligible_trainee_is_refused_with_the_engines_reasons(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session, certifications=[])
        scene.vacancy.required_certifications = ["SSIAP1"]
        session.add(scene.vacancy)
        session.commit()
        with pytest.raises(TraineeIneligible) as refused:
            self.propose(session, scene, trainee)
        assert refused.value.reasons == ("certification requise manquante : SSIAP1",)
        assert ids(session, Offer) == [] and messages(session) == []

    @pytest.mark.parametrize("reason", [None, "", "   "])
    def test_an_override_needs_a_written_reason(self, session: Session, scene: Scene, reason: str | None) -> None:
        trainee, _ = scene.trainee(session, home_town="Gao")  # far from Bamako: outside the mobility
        with pytest.raises(OverrideReasonRequired) as refused:
            self.propose(session, scene, trainee, override=True, override_reason=reason)
        assert [(p.field, p.code) for p in refused.value.problems] == [("override_reason", "override_reason_required")]
        assert ids(session, Offer) == []

    def test_an_override_with_a_reason_offers_an_ineligible_trainee_and_records_why(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session, home_town="Gao")
        made = self.propose(session, scene, trainee, override=True, override_reason="  déménage à Bamako en janvier ")
        assert (made.state, made.override, made.override_reason) == (OfferState.offered, True, "déménage à Bamako en janvier")
        assert [(e.to_state, e.reason) for e in offers.audit_trail(session=session)] == [
            ("offered", "déménage à Bamako en janvier")
        ]

    def test_an_eligible_trainee_needs_no_override(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        made = self.propose(session, scene, trainee, override=True, override_reason="par précaution")
        assert (made.override, made.override_reason) == (False, None)

    def test_an_offer_is_made_for_answer_days_and_tells_the_trainee(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        made = self.propose(session, scene, trainee, answer_days=5)
        assert made.offered_at is not None and made.expires_at is not None
        assert made.expires_at - made.offered_at == timedelta(days=5)
        assert made.origin == OfferOrigin.officer and made.candidate_request_id is None
        [notice] = messages(session, made.id)
        assert (notice.kind, notice.recipient_phone, notice.recipient_user_id) == ("offer_made.trainee", trainee.phone, None)
        assert scene.company.name in notice.sms_text and made.expires_at.strftime("%d/%m/%Y") in notice.sms_text

    def test_an_offer_asked_for_by_the_employer_links_the_request(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        request = CandidateRequest(vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0, requested_by=scene.boss.id or 0)
        session.add(request)
        session.commit()
        made = self.propose(session, scene, trainee)
        assert (made.origin, made.candidate_request_id) == (OfferOrigin.employer_request, request.id)

    def test_offering_twice_is_one_offer_one_audit_one_message(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        first, again = self.propose(session, scene, trainee), self.propose(session, scene, trainee)
        assert first.id == again.id and len(trail(session)) == 1 and len(messages(session)) == 1

    def test_only_an_open_vacancy_of_a_known_trainee(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        for status in (VacancyStatus.draft, VacancyStatus.closed, VacancyStatus.filled):
            closed = stored_vacancy(session, scene.company, status=status)
            with pytest.raises(VacancyNotOpen):
                offers.propose_offer(
                    session=session, vacancy_id=closed.id or 0, trainee_id=trainee.id or 0, by=scene.officer.actor
                )
        with pytest.raises(VacancyNotFound):
            offers.shortlist(session=session, vacancy_id=10**6, trainee_id=trainee.id or 0, by=scene.officer.actor)
        with pytest.raises(TraineeNotFound):
            offers.propose_offer(session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=10**6, by=scene.officer.actor)

    def test_a_placed_trainee_is_not_offered_another_job(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        accepted = offer_in(session, stored_vacancy(session, scene.company), trainee, OfferState.accepted, by=scene.officer)
        offers.confirm_placement(session=session, offer_id=accepted.id or 0, by=scene.boss.actor, start_date=START,
                                 salary_fcfa_month=SALARY)  # fmt: skip
        session.commit()
        with pytest.raises(AlreadyPlaced):
            self.propose(session, scene, trainee)


# ---------------------------------------------------------------- answering


class TestAnswer:
    def test_accepting_tells_the_employer_and_the_officer(self, session: Session, scene: Scene) -> None:
        trainee, trainee_user = scene.trainee(session)
        offered = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer)
        answered = offers.accept(session=session, offer_id=offered.id or 0, by=trainee_user)
        assert answered.answered_at is not None
        employer_notice, officer_notice = messages(session, offered.id)
        assert (employer_notice.kind, employer_notice.recipient_email, employer_notice.recipient_phone) == (
            "offer_accepted.employer", scene.company.email, scene.company.phone)  # fmt: skip
        assert (officer_notice.kind, officer_notice.recipient_user_id) == ("offer_accepted.officer", scene.officer.id)
        assert trainee.code in employer_notice.sms_text and trainee.full_name not in employer_notice.email_body

    @pytest.mark.parametrize(("reason", "label"), [(DeclineReason.distance, "trop loin"), (None, "non précisé")])
    def test_declining_records_the_reason_code(
        self, session: Session, scene: Scene, reason: DeclineReason | None, label: str
    ) -> None:
        trainee, trainee_user = scene.trainee(session)
        offered = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer)
        answered = offers.decline(session=session, offer_id=offered.id or 0, by=trainee_user, reason=reason)
        assert (answered.state, answered.decline_reason) == (OfferState.declined, reason)
        assert [e.reason for e in offers.audit_trail(session=session)] == [reason.value if reason else None]
        assert kinds(session, offered.id or 0) == ["offer_declined.employer", "offer_declined.officer"]
        assert f"motif : {label}" in messages(session, offered.id)[1].sms_text

    def test_the_decline_reasons_are_a_short_list(self) -> None:
        assert [r.value for r in DeclineReason] == ["distance", "salary", "schedule", "other_job", "other"]
        assert set(notices.DECLINE_REASONS) == {r.value for r in DeclineReason}

    def test_the_employer_and_the_officer_say_why_they_turn_an_offer_down(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        accepted = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        with pytest.raises(ReasonRequired):
            offers.reject_by_employer(session=session, offer_id=accepted.id or 0, by=scene.boss.actor, reason=" ")
        with pytest.raises(ReasonRequired):
            offers.withdraw_offer(session=session, offer_id=accepted.id or 0, by=scene.officer.actor, reason="")
        rejected = offers.reject_by_employer(
            session=session, offer_id=accepted.id or 0, by=scene.boss.actor, reason="casier judiciaire"
        )
        assert (rejected.state, rejected.reason) == (OfferState.rejected_by_employer, "casier judiciaire")
        assert kinds(session, accepted.id or 0) == ["offer_rejected.officer"]

    def test_a_withdrawn_offer_is_told_to_a_trainee_who_knew_of_it(self, session: Session, scene: Scene) -> None:
        shortlisted = offer_in(session, scene.vacancy, scene.trainee(session)[0], OfferState.shortlisted, by=scene.officer)
        offered = offer_in(session, scene.vacancy, scene.trainee(session)[0], OfferState.offered, by=scene.officer)
        for offer in (shortlisted, offered):
            offers.withdraw_offer(session=session, offer_id=offer.id or 0, by=scene.officer.actor, reason="poste annulé")
        assert kinds(session, shortlisted.id or 0) == [] and kinds(session, offered.id or 0) == ["offer_withdrawn.trainee"]


# ---------------------------------------------------------------- placements


class TestConfirmPlacement:
    def confirm(self, session: Session, scene: Scene, offer: Offer, **terms: Any) -> Placement:
        terms = {"start_date": START, "salary_fcfa_month": SALARY, **terms}
        return offers.confirm_placement(session=session, offer_id=offer.id or 0, by=scene.boss.actor, **terms)

    def accepted(self, session: Session, scene: Scene, vacancy: Vacancy | None = None) -> Offer:
        return offer_in(session, vacancy or scene.vacancy, scene.trainee(session)[0], OfferState.accepted, by=scene.officer)

    def test_a_placement_takes_a_seat_and_the_last_seat_fills_the_vacancy(self, session: Session, scene: Scene) -> None:
        two_seats = stored_vacancy(session, scene.company, seats=2)
        first, second, third = (self.accepted(session, scene, two_seats) for _ in range(3))
        placed = self.confirm(session, scene, first)
        assert (placed.offer_id, placed.start_date, placed.salary_fcfa_month, placed.confirmed_by) == (
            first.id, START, SALARY, scene.boss.id)  # fmt: skip
        session.refresh(two_seats)
        assert (two_seats.filled_seats, two_seats.status) == (1, VacancyStatus.open)
        self.confirm(session, scene, second)
        session.commit()
        session.refresh(two_seats)
        assert (two_seats.filled_seats, two_seats.status) == (2, VacancyStatus.filled)
        with pytest.raises(VacancyFull):
            self.confirm(session, scene, third)
        session.commit()  # the refusal left nothing to commit
        session.refresh(third)
        assert third.state == OfferState.accepted and ids(session, Placement, offer_id=third.id) == []
        assert trail(session, trainee_id=third.trainee_id) == []

    def test_confirming_twice_makes_one_placement(self, session: Session, scene: Scene) -> None:
        offer = self.accepted(session, scene)
        first, again = self.confirm(session, scene, offer), self.confirm(session, scene, offer, salary_fcfa_month=1)
        assert first.id == again.id and again.salary_fcfa_month == SALARY
        assert len(ids(session, Placement)) == 1 and len(trail(session)) == 2
        assert kinds(session, offer.id or 0) == ["placement_confirmed.trainee", "placement_confirmed.officer"]

    def test_a_trainee_holds_one_active_placement(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        here = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        there = offer_in(session, stored_vacancy(session, scene.company), trainee, OfferState.accepted, by=scene.officer)
        self.confirm(session, scene, here)
        session.commit()
        with pytest.raises(AlreadyPlaced):
            self.confirm(session, scene, there)
        session.refresh(there)
        assert there.state == OfferState.withdrawn and len(ids(session, Placement)) == 1

    def test_the_database_refuses_a_second_active_placement(self, session: Session, scene: Scene) -> None:
        """The partial unique index itself: a second active placement fails, an ended one does not count."""
        trainee, _ = scene.trainee(session)
        rows = [offer_in(session, stored_vacancy(session, scene.company), trainee, OfferState.confirmed, by=scene.officer)
                for _ in range(3)]  # fmt: skip

        def place(offer: Offer, ended: datetime | None = None) -> None:
            session.add(placement_row(session, offer, start_date=START, salary_fcfa_month=SALARY, confirmed_by=scene.boss.id or 0,
                                  ended_at=ended))  # fmt: skip
            session.commit()

        place(rows[0], ended=utcnow())
        place(rows[1])
        with pytest.raises(Exception, match="(?i)unique"):
            place(rows[2])
        session.rollback()

    def test_a_closed_vacancy_takes_no_placement(self, session: Session, scene: Scene) -> None:
        vacancy = stored_vacancy(session, scene.company)
        offer = self.accepted(session, scene, vacancy)
        vacancy.status = VacancyStatus.closed
        session.add(vacancy)
        session.commit()
        with pytest.raises(VacancyNotOpen):
            self.confirm(session, scene, offer)

    @pytest.mark.parametrize("salary", [0, -5])
    def test_the_terms_are_checked(self, session: Session, scene: Scene, salary: int) -> None:
        with pytest.raises(InvalidPlacement) as refused:
            self.confirm(session, scene, self.accepted(session, scene), salary_fcfa_month=salary)
        assert [(p.field, p.code) for p in refused.value.problems] == [("salary_fcfa_month", "field_at_least")]

    def test_ending_a_placement_frees_its_seat_once(self, session: Session, scene: Scene) -> None:
        one_seat = stored_vacancy(session, scene.company, seats=1)
        offer = self.accepted(session, scene, one_seat)
        placed = self.confirm(session, scene, offer)
        session.commit()
        session.refresh(one_seat)
        assert one_seat.status == VacancyStatus.filled
        with pytest.raises(InvalidEnding):
            offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.boss.actor, end_date=START, reason="")
        with pytest.raises(ActionNotAllowed):
            offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.trainee(session)[1], **ENDING)
        with pytest.raises(PlacementNotFound):
            offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.rival.actor, **ENDING)
        ended = offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.boss.actor, end_date=START,
                                     reason="trial_failed", note="  absent trois jours  ")  # fmt: skip
        session.commit()
        assert (ended.end_date, ended.end_reason, ended.end_note) == (START, EndReason.trial_failed, "absent trois jours")
        assert ended.ended_by == scene.boss.id and ended.ended_at is not None
        session.refresh(one_seat)
        assert (one_seat.filled_seats, one_seat.status) == (0, VacancyStatus.open)
        with pytest.raises(PlacementEnded):
            offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.officer.actor, **ENDING)
        assert trail(session)[-1] == ("placement", "active", "ended")
        assert kinds(session, offer.id or 0)[-1] == "placement_ended.officer"

    def test_after_a_placement_ends_the_trainee_can_be_placed_again(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        first = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        placed = self.confirm(session, scene, first)
        offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.officer.actor, **ENDING)
        second = offer_in(session, stored_vacancy(session, scene.company), trainee, OfferState.accepted, by=scene.officer)
        assert self.confirm(session, scene, second).trainee_id == trainee.id


# ---------------------------------------------------------------- expiry


class TestExpiry:
    def offered(self, session: Session, scene: Scene, ago: timedelta, state: OfferState = OfferState.offered) -> Offer:
        made = utcnow() - ago
        return offer_in(session, scene.vacancy, scene.trainee(session)[0], state, by=scene.officer, offered_at=made,
                        expires_at=made + timedelta(days=7))  # fmt: skip

    def test_unanswered_offers_expire_after_the_days_given_and_are_reminded_a_day_before(
        self, session: Session, scene: Scene
    ) -> None:
        fresh = self.offered(session, scene, timedelta(days=5))
        due_tomorrow = self.offered(session, scene, timedelta(days=6, hours=2))
        late = self.offered(session, scene, timedelta(days=7, minutes=1))
        answered = self.offered(session, scene, timedelta(days=30), OfferState.accepted)
        listed = self.offered(session, scene, timedelta(days=30), OfferState.shortlisted)
        run = offers.expire_offers(session=session, now=utcnow(), days=7)
        session.commit()
        assert run == offers.ExpiryRun(expired=(late.id or 0,), reminded=(due_tomorrow.id or 0,))
        for offer, state in ((fresh, "offered"), (due_tomorrow, "offered"), (late, "expired"), (answered, "accepted"),
                             (listed, "shortlisted")):  # fmt: skip
            session.refresh(offer)
            assert offer.state == state
        assert kinds(session, late.id or 0) == ["offer_expired.officer"]
        [reminder] = messages(session, due_tomorrow.id)
        assert reminder.kind == "offer_expiring.trainee" and "expire le" in reminder.sms_text
        assert [(e.actor_id, e.from_state, e.to_state) for e in offers.audit_trail(session=session)] == [
            (None, "offered", "expired")
        ]
        assert offers.expire_offers(session=session, now=utcnow(), days=7) == offers.ExpiryRun((), ())  # nothing twice

    def test_the_number_of_days_is_the_callers(self, session: Session, scene: Scene) -> None:
        offer = self.offered(session, scene, timedelta(days=3))
        assert offers.expire_offers(session=session, now=utcnow(), days=3).expired == (offer.id,)

    def test_an_expired_offer_can_no_longer_be_accepted(self, session: Session, scene: Scene) -> None:
        trainee, trainee_user = scene.trainee(session)
        made = utcnow() - timedelta(days=8)
        offer = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer, offered_at=made)
        offers.expire_offers(session=session, now=utcnow(), days=7)
        session.commit()
        with pytest.raises(InvalidOfferTransition) as refused:
            offers.accept(session=session, offer_id=offer.id or 0, by=trainee_user)
        assert (refused.value.action, refused.value.state) == ("accept", "expired")


# ---------------------------------------------------------------- the audit trail


def test_a_whole_journey_is_audited_and_notified(session: Session, scene: Scene) -> None:
    trainee, trainee_user = scene.trainee(session)
    other, _ = scene.trainee(session)
    pair = {"session": session, "vacancy_id": scene.vacancy.id or 0, "by": scene.officer.actor}
    offers.shortlist(**pair, trainee_id=other.id or 0)
    offers.shortlist(**pair, trainee_id=trainee.id or 0)
    offer = offers.propose_offer(**pair, trainee_id=trainee.id or 0)
    offers.accept(session=session, offer_id=offer.id or 0, by=trainee_user)
    placed = offers.confirm_placement(session=session, offer_id=offer.id or 0, by=scene.boss.actor, start_date=START,
                                      salary_fcfa_month=SALARY)  # fmt: skip
    offers.end_placement(session=session, placement_id=placed.id or 0, by=scene.boss.actor, end_date=START,
                         reason=EndReason.contract_ended)  # fmt: skip
    session.commit()
    events = offers.audit_trail(session=session, trainee_id=trainee.id)
    assert [(e.entity, e.entity_id, e.from_state, e.to_state, e.actor_id) for e in events] == [
        ("offer", offer.id, None, "shortlisted", scene.officer.id),
        ("offer", offer.id, "shortlisted", "offered", scene.officer.id),
        ("offer", offer.id, "offered", "accepted", trainee_user.user_id),
        ("offer", offer.id, "accepted", "confirmed", scene.boss.id),
        ("placement", placed.id, None, "active", scene.boss.id),
        ("placement", placed.id, "active", "ended", scene.boss.id),
    ]
    assert {(e.vacancy_id, e.employer_id, e.reason) for e in events[-1:]} == {
        (scene.vacancy.id, scene.company.id, "contract_ended")
    }
    assert len(offers.audit_trail(session=session, vacancy_id=scene.vacancy.id)) == 7
    assert len(offers.audit_trail(session=session, employer_id=scene.company.id, trainee_id=other.id)) == 1
    assert offers.audit_trail(session=session, employer_id=scene.rival.employer_id) == []
    assert kinds(session, offer.id or 0) == [
        "offer_made.trainee", "offer_accepted.employer", "offer_accepted.officer", "placement_confirmed.trainee",
        "placement_confirmed.officer", "placement_ended.officer",
    ]  # fmt: skip
    assert offers.placement_of(session=session, offer_id=offer.id or 0) == placed


# ---------------------------------------------------------------- notices and the outbox

LONGEST = {"employer": "Société de Gardiennage et de Sécurité Privée Kénédougou Sûreté Internationale SARL " * 2,
           "title": "Agent de sécurité incendie et d'assistance à personnes, chef d'équipe de nuit " * 2,
           "town": "Bamako Commune VI — quartier Sénou, près de l'aéroport", "vacancy_code": "V-" + "9" * 62,
           "trainee_code": "T-" + "7" * 62, "initials": "A. B. C. D. E. F. G.", "name": "Aïssata Ténin Coulibaly",
           "deadline": "31/12/2026", "start_date": "04/01/2027", "end_date": "28/02/2027", "salary": "125 000",
           "office_phone": "+223 76 12 34 56 78", "due": "31/12/2026", "month": "12",
           "smig_note": " (sous le SMIG de 40 000 FCFA)", "minutes": "60", "link": "https://emploi.rdvmali.org/o/zzzzzz",
           "pay": ", 125 000 F/mois", "code": "123456", "when": "04/01/2027 à 09:30",
           "place": "Siège de la société, rue 311, porte 42, Hamdallaye ACI 2000, Bamako, à côté de la pharmacie",
           "reason": "le candidat a trouvé un autre emploi plus près de chez lui, à Kati, avec un meilleur salaire"}  # fmt: skip


@pytest.mark.parametrize("key", sorted(notices.NOTICES))
def test_every_sms_fits_one_gsm_message(key: str) -> None:
    for values in (LONGEST, dict.fromkeys(LONGEST, "x")):
        notice = notices.render(key, values)
        assert len(notice.sms) <= 160 and all(c in notices.GSM_BASIC for c in notice.sms), notice.sms
        assert notice.sms.startswith("RDV Mali : ") and len(notice.subject) <= 200 and notice.body.endswith("L'équipe RDV Mali")
    assert "{" not in notices.render(key, LONGEST).body


def test_letters_outside_the_gsm_alphabet_lose_their_accent_only() -> None:
    assert notices.gsm("Kénédougou Sûreté, Ségou — l’aîné à Çà") == "Kénédougou Sureté, Ségou - l'ainé à Çà"
    assert notices.gsm("中") == "?"


class TestOutbox:
    def queue(self, session: Session, n: int = 2) -> list[OutboxMessage]:
        queued = [outbox.queue(session=session, key="offer_made.trainee", recipient=outbox.Recipient(phone=f"+2237600000{i}"),
                               values={k: str(v) for k, v in LONGEST.items()}, offer_id=None) for i in range(n)]  # fmt: skip
        session.commit()
        return queued

    def test_the_file_sender_writes_json_lines_and_each_message_is_sent_once(self, session: Session, tmp_path: Path) -> None:
        first, second = self.queue(session)
        sender = outbox.FileSender(tmp_path / "out" / "messages.jsonl")
        delivered = outbox.deliver_pending(session=session, sender=sender)
        session.commit()
        assert delivered == outbox.Delivery(sent=(first.id or 0, second.id or 0), failed=())
        lines = [json.loads(line) for line in sender.path.read_text("utf-8").splitlines()]
        assert [(m["id"], m["recipient_phone"], m["kind"]) for m in lines] == [
            (first.id, "+22376000000", "offer_made.trainee"), (second.id, "+22376000001", "offer_made.trainee")]  # fmt: skip
        assert lines[0]["sms_text"] == first.sms_text and "Société" in lines[0]["email_body"]
        assert outbox.deliver_pending(session=session, sender=sender) == outbox.Delivery((), ())
        assert all(m.sent_at is not None and m.attempts == 1 for m in messages(session))

    def test_a_failing_sender_leaves_the_message_pending_with_its_error(self, session: Session) -> None:
        [message] = self.queue(session, 1)

        class Down:
            def send(self, message: OutboxMessage) -> None:
                raise ConnectionError("gateway unreachable")

        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            assert outbox.deliver_pending(session=session, sender=Down()).failed == (message.id,)
            session.commit()
            session.refresh(message)
            assert (message.sent_at, message.attempts) == (None, attempt)
            assert message.last_error == "ConnectionError: gateway unreachable"
        assert outbox.deliver_pending(session=session, sender=Down()) == outbox.Delivery((), ())  # left for a person

    def test_the_console_sender_writes_what_would_be_sent(self, session: Session) -> None:
        [message] = self.queue(session, 1)
        stream = io.StringIO()
        outbox.ConsoleSender(stream).send(message)
        assert stream.getvalue().startswith("--- offer_made.trainee → +22376000000\nSMS: RDV Mali : ")


# ---------------------------------------------------------------- the migration


def test_the_migration_goes_down_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url, "125469f898b5")
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:  # a vacancy from before the workflow
            connection.execute(text("insert into employer (name, licence_number, town, contact_name, phone, email, status, "
                                    "created_at) values ('A', 'L-1', 'Bamako', 'C', '+22376000000', 'a@b.ml', 'approved', "
                                    "'2026-01-01')"))  # fmt: skip
            connection.execute(text("insert into vacancy (code, employer_id, title, level, town, seats, required_certifications,"
                                    " preferred_certifications, required_skills, preferred_skills, required_languages, "
                                    "min_experience_years, status, created_at, updated_at) select 'V-1', id, 'Agent', 'guard', "
                                    "'Bamako', 2, '[]', '[]', '[]', '[]', '[]', 0, 'open', '2026-01-01', '2026-01-01' from "
                                    "employer"))  # fmt: skip
        upgrade(fresh_url)
        with engine.connect() as connection:
            assert connection.execute(text("select filled_seats from vacancy")).scalar_one() == 0
        command.downgrade(alembic_config(fresh_url), "125469f898b5")
        engine.dispose()  # a pooled SQLite connection reflects the schema it first read
        assert not {"offer", "placement", "audit_event", "outbox_message"} & set(inspect(engine).get_table_names())
        assert "filled_seats" not in {c["name"] for c in inspect(engine).get_columns("vacancy")}
        upgrade(fresh_url)
        engine.dispose()
        indexes = {i["name"]: i for i in inspect(engine).get_indexes("placement")}
        assert indexes["uq_placement_active_trainee"]["unique"]
    finally:
        engine.dispose()


# ---------------------------------------------------------------- what the system settles on its own


class TestSettledBySystem:
    def test_an_expired_or_withdrawn_offer_can_be_made_again_afresh(self, session: Session, scene: Scene) -> None:
        trainee, trainee_user = scene.trainee(session)
        expired = offer_in(session, scene.vacancy, trainee, OfferState.expired, by=scene.officer)
        session.exec(update_offer(expired.id or 0, reminded_at=utcnow(), answered_at=utcnow(), reason="vieux motif"))
        again = offers.propose_offer(
            session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0, by=scene.officer.actor
        )
        assert again.id == expired.id and again.state == OfferState.offered
        assert (again.reminded_at, again.answered_at, again.reason) == (None, None, None)
        assert trail(session, trainee_id=trainee.id)[-1] == ("offer", "expired", "offered")
        assert offers.accept(session=session, offer_id=again.id or 0, by=trainee_user).state == OfferState.accepted

    def test_declined_and_turned_down_offers_stay_final(self, session: Session, scene: Scene) -> None:
        for state in (OfferState.declined, OfferState.rejected_by_employer):
            trainee, _ = scene.trainee(session)
            offer_in(session, scene.vacancy, trainee, state, by=scene.officer)
            with pytest.raises(InvalidOfferTransition):
                offers.propose_offer(session=session, vacancy_id=scene.vacancy.id or 0, trainee_id=trainee.id or 0,
                                     by=scene.officer.actor)  # fmt: skip

    def test_an_offer_past_its_deadline_cannot_be_answered_even_before_the_expiry_job(
        self, session: Session, scene: Scene
    ) -> None:
        trainee, trainee_user = scene.trainee(session)
        offer = offer_in(session, scene.vacancy, trainee, OfferState.offered, by=scene.officer)
        session.exec(update_offer(offer.id or 0, expires_at=utcnow() - timedelta(minutes=1)))
        session.commit()
        with pytest.raises(OfferExpired):
            offers.accept(session=session, offer_id=offer.id or 0, by=trainee_user)
        with pytest.raises(OfferExpired):  # issue 13: declining past the deadline was still recorded
            offers.decline(session=session, offer_id=offer.id or 0, by=trainee_user)
        session.expire_all()
        assert session.get_one(Offer, offer.id).state == OfferState.offered  # the expiry job will expire it

    def test_closing_a_vacancy_withdraws_its_open_offers_and_tells_the_trainees_who_knew(
        self, session: Session, scene: Scene
    ) -> None:
        states = (OfferState.shortlisted, OfferState.offered, OfferState.accepted, OfferState.declined)
        made = {state: offer_in(session, scene.vacancy, scene.trainee(session)[0], state, by=scene.officer) for state in states}
        employers_service.close(session=session, vacancy_id=scene.vacancy.id or 0, by=scene.boss.actor)
        session.expire_all()
        after = {state: session.get(Offer, offer.id) for state, offer in made.items()}
        assert {state: o.state for state, o in after.items() if o} == {
            OfferState.shortlisted: OfferState.withdrawn, OfferState.offered: OfferState.withdrawn,
            OfferState.accepted: OfferState.withdrawn, OfferState.declined: OfferState.declined,
        }  # fmt: skip
        assert (after[OfferState.offered].cause, after[OfferState.offered].reason) == (OfferCause.vacancy_closed, None)  # type: ignore[union-attr]
        assert "offer_withdrawn.trainee" in kinds(session, made[OfferState.offered].id or 0)
        assert kinds(session, made[OfferState.shortlisted].id or 0) == []
        events = offers.audit_trail(session=session, vacancy_id=scene.vacancy.id)
        assert [(e.actor_id, e.cause, e.reason) for e in events if e.to_state == "withdrawn"] == [
            (None, OfferCause.vacancy_closed, None)
        ] * 3

    def test_a_confirmed_placement_withdraws_the_trainees_other_open_offers(self, session: Session, scene: Scene) -> None:
        trainee, _ = scene.trainee(session)
        elsewhere = stored_vacancy(session, scene.company, seats=2)
        third = stored_vacancy(session, scene.company, seats=2)
        chosen = offer_in(session, scene.vacancy, trainee, OfferState.accepted, by=scene.officer)
        other = offer_in(session, elsewhere, trainee, OfferState.accepted, by=scene.officer)
        done = offer_in(session, third, trainee, OfferState.declined, by=scene.officer)
        offers.confirm_placement(session=session, offer_id=chosen.id or 0, by=scene.boss.actor, start_date=START,
                                 salary_fcfa_month=SALARY)  # fmt: skip
        session.expire_all()
        assert session.get(Offer, other.id).state == OfferState.withdrawn  # type: ignore[union-attr]
        assert session.get(Offer, done.id).state == OfferState.declined  # type: ignore[union-attr]
        with pytest.raises(AlreadyPlaced):  # its employer, confirming now, is told why plainly
            offers.confirm_placement(session=session, offer_id=other.id or 0, by=scene.boss.actor, start_date=START,
                                     salary_fcfa_month=SALARY)  # fmt: skip

    def test_seats_cannot_be_cut_below_the_placements_confirmed(self, session: Session, scene: Scene) -> None:
        two = stored_vacancy(session, scene.company, seats=2)
        for _ in range(2):
            accepted = offer_in(session, two, scene.trainee(session)[0], OfferState.accepted, by=scene.officer)
            offers.confirm_placement(session=session, offer_id=accepted.id or 0, by=scene.boss.actor, start_date=START,
                                     salary_fcfa_month=SALARY)  # fmt: skip
        session.commit()
        two.status = VacancyStatus.open  # reopened by hand: editable again
        session.add(two)
        session.commit()
        with pytest.raises(InvalidVacancy) as refused:
            employers_service.update_vacancy(session=session, vacancy_id=two.id or 0, employer_id=scene.company.id or 0,
                                             changes={"seats": 1})  # fmt: skip
        assert [(p.field, p.code) for p in refused.value.problems] == [("seats", "seats_below_filled")]


def update_offer(offer_id: int, **values: Any) -> Any:
    """Return an UPDATE of one offer's columns (to put it in a state the clock would)."""
    return sql_update(Offer).where(col(Offer.id) == offer_id).values(**values)
