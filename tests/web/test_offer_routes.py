"""Every offer action through its web route, by every party, from every state, on SQLite and PostgreSQL.

The expected answer of each (action, party, state) is derived from the same independent restatement of the
transition table as the domain's tests (tests/employers/test_offers.py EXPECTED): a move answers 303 and moves
the offer; a repeat of the move (a double submit) answers 303 and changes nothing; a state the action does not
start from answers 409 (the trainee's pages send back to the offer, which says it changed); a party other than
the action's answers 403; an offer the party may not see (the officers' shortlist, for an employer or a
trainee) answers 404. Nothing is written by a refused request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from core.audit import AuditEvent
from employers.models import Employer, Offer, OfferState, Placement, Vacancy
from profiles.models import TraineeProfile
from tests.employers.factories import offer_in, placement_row, profile, stored_vacancy
from tests.employers.test_offers import EXPECTED, SALARY, START, STATES
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role, User

PIN = "482913"


@dataclass(frozen=True)
class Route:
    """How a browser takes an action: the party's page that posts it, the address, and the form."""

    party: str
    path: str
    form: dict[str, str]


ROUTES = {
    "shortlist": Route("officer", "/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/shortlist", {}),
    "offer": Route("officer", "/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/offer", {}),
    "withdraw": Route("officer", "/officer/offers/{offer_id}/withdraw", {"reason": "poste supprimé"}),
    "accept": Route("trainee", "/trainee/offers/{offer_id}/accept", {}),
    "decline": Route("trainee", "/trainee/offers/{offer_id}/decline", {"reason": "salary"}),
    "confirm": Route(
        "employer", "/employer/offers/{offer_id}/confirm", {"start_date": START.isoformat(), "salary_fcfa_month": str(SALARY)}
    ),  # fmt: skip
    "reject": Route("employer", "/employer/offers/{offer_id}/reject", {"reason": "profil retenu ailleurs"}),
}
PARTIES = ("officer", "employer", "trainee")


@dataclass
class Stage:
    """A company with an open vacancy, and a signed-in browser for an officer, its employer and a trainee."""

    session: Session
    vacancy: Vacancy
    company: Employer
    browsers: dict[str, Client]
    trainee_account: User

    def trainee(self) -> TraineeProfile:
        """Store an eligible trainee and make it the signed-in trainee's profile."""
        row = profile(self.session, phone=f"+2236{uuid.uuid4().int % 10**7:07d}")
        self.session.exec(update(User).where(col(User.id) == self.trainee_account.id).values(trainee_id=row.id))
        self.session.commit()
        return row


@pytest.fixture
def stage(session: Session, new_client: Any) -> Stage:
    company = employer(session)
    accounts = {
        "officer": (user(session, Role.officer), PASSWORD),
        "employer": (user(session, Role.employer, employer_id=company.id), PASSWORD),
        "trainee": (user(session, Role.trainee, secret=PIN), PIN),
    }
    browsers = {}
    for party, (account, secret) in accounts.items():
        browsers[party] = new_client()
        browsers[party].sign_in(account.login, secret)
    vacancy = stored_vacancy(session, company, seats=500)
    return Stage(session, vacancy, company, browsers, accounts["trainee"][0])


def expected_answer(action: str, party: str, state: OfferState | None) -> tuple[int, str | None]:
    """Return the HTTP status and the offer's state afterwards (None: still no offer)."""
    sources, target, allowed_party = EXPECTED[action]
    before = state.value if state else None
    if party != allowed_party:
        return 403, before
    if party != "officer" and state == OfferState.shortlisted:
        return 404, before
    if before in sources or before == target:
        return 303, target
    return 409, before


def stored(stage: Stage, trainee: TraineeProfile, state: OfferState | None) -> Offer | None:
    """Store the trainee's offer of the vacancy in a state (with its placement when confirmed)."""
    if state is None:
        return None
    officer = stage.session.exec(select(User).where(User.role == Role.officer)).first()
    assert officer is not None
    offer = offer_in(stage.session, stage.vacancy, trainee, state, by=officer)
    if state == OfferState.confirmed:
        stage.session.add(
            placement_row(stage.session, offer, start_date=START, salary_fcfa_month=SALARY, confirmed_by=officer.id or 0)
        )
        stage.session.commit()
    return offer


def answered(response: Any) -> int:
    """Return the response's status, a trainee's page sending back to the offer "it changed" counting as a 409."""
    if response.status_code == 303 and "changed=1" in response.headers["location"]:
        return 409  # the trainee's pages show a refused answer on the offer itself, in plain words
    return int(response.status_code)


def audited(session: Session, trainee: TraineeProfile) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.trainee_id == trainee.id)).one())


def state_of(session: Session, trainee: TraineeProfile) -> str | None:
    session.expire_all()
    found = session.exec(select(Offer).where(Offer.trainee_id == trainee.id)).first()
    return found.state.value if found else None


@pytest.mark.parametrize("action", list(ROUTES))
def test_every_party_and_state_through_the_routes(stage: Stage, action: str) -> None:
    route = ROUTES[action]
    wrong = []
    for state in STATES:
        if state is None and action not in ("shortlist", "offer"):
            continue
        for party in PARTIES:
            trainee = stage.trainee()
            offer = stored(stage, trainee, state)
            path = route.path.format(vacancy_id=stage.vacancy.id, trainee_id=trainee.id, offer_id=offer.id if offer else 0)
            browser = stage.browsers[party]
            answer = browser.post(path, data={**route.form, "csrf_token": browser.csrf()}, follow_redirects=False)
            status, after = expected_answer(action, party, state)
            events = audited(stage.session, trainee)
            moved = after != (state.value if state else None)
            got = (answered(answer), state_of(stage.session, trainee), events > 0)
            if got != (status, after, moved):
                wrong.append(f"{action} by {party} on {state}: expected {(status, after, moved)}, got {got}")
            if status == 303:
                assert not answer.headers["location"].startswith("/signin")
    assert not wrong, "\n".join(wrong)


def test_a_placement_is_ended_by_its_company_or_an_officer_once(stage: Stage) -> None:
    for party in ("employer", "officer", "trainee"):
        trainee = stage.trainee()
        offer = stored(stage, trainee, OfferState.confirmed)
        placement = stage.session.exec(select(Placement).where(Placement.offer_id == offer.id)).one()  # type: ignore[union-attr]
        browser = stage.browsers[party]
        path = f"/{'officer' if party == 'officer' else 'employer'}/placements/{placement.id}/end"
        if party == "trainee":
            path = f"/employer/placements/{placement.id}/end"
        ending = {"end_date": START.isoformat(), "end_reason": "contract_ended"}
        first = browser.post(path, data={**ending, "csrf_token": browser.csrf()}, follow_redirects=False)
        if party == "trainee":
            assert first.status_code == 403
            continue
        assert first.status_code == 303, (party, first.text[:300])
        again = browser.post(path, data={**ending, "csrf_token": browser.csrf()}, follow_redirects=False)
        assert again.status_code == 409 and "déjà terminé" in again.text
        stage.session.expire_all()
        assert stage.session.get(Placement, placement.id).ended_at is not None  # type: ignore[union-attr]
