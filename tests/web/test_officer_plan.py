"""The seat-aware plan run on the live data from a page (issue 13): proposed offers, sent one by one or all at once
through the offer service; trainees with an offer waiting and the seats it holds are left out, and so are pairs that
cannot be offered again."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from employers import plan as plan_service
from employers.models import Offer, OfferState, VacancyStatus
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_officer_workspace import part, text_of
from web.auth.models import Role, User


class Scene:
    """Two open posts in Bamako (2 seats and 1), a post in Ségou needing SSIAP1 (1 seat), five trainees in Bamako."""

    def __init__(self, session: Session) -> None:
        firm = employer(session, name="Sahel Garde")
        self.officer = user(session, Role.officer)
        self.day = stored_vacancy(session, firm, title="Agent de jour", seats=2)
        self.night = stored_vacancy(session, firm, title="Agent de nuit", seats=1)
        self.segou = stored_vacancy(session, firm, title="Agent SSIAP", town="Ségou", required_certifications=["SSIAP1"])
        self.people = [profile(session, full_name=f"Agent {n}", certifications=["SST"]) for n in "ABCDE"]
        self.session = session

    def offers(self) -> list[Offer]:
        self.session.expire_all()
        return list(self.session.exec(select(Offer).order_by(col(Offer.id))))


def check_plan(found: plan_service.LivePlan, scene: Scene) -> None:
    """Each trainee once, each vacancy within its seats, only vacancies the trainees fit."""
    trainees = [p.trainee.id for p in found.proposals]
    assert len(trainees) == len(set(trainees))
    by_vacancy = [p.vacancy.id for p in found.proposals]
    assert by_vacancy.count(scene.day.id) <= 2 and by_vacancy.count(scene.night.id) <= 1
    assert scene.segou.id not in by_vacancy  # nobody holds SSIAP1 nor goes to Ségou
    assert all(0 < p.score <= 1 for p in found.proposals)


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_the_plan_fills_the_free_seats_with_eligible_trainees(session: Session, method: plan_service.Method) -> None:
    scene = Scene(session)
    found = plan_service.live_plan(session=session, method=method)
    check_plan(found, scene)
    assert len(found.proposals) == 3 and found.seats == 4 and found.seats_left == 1 and found.unplaced == 2


def test_waiting_offers_hold_their_trainee_and_seat_and_declined_pairs_are_not_planned(session: Session) -> None:
    scene = Scene(session)
    a, b, c, d, e = scene.people
    offer_in(session, scene.day, a, OfferState.offered, by=scene.officer)  # A waits: out, and one day seat held
    for person in (b, c, d):  # B, C and D turned the night post down: it goes to E alone
        offer_in(session, scene.night, person, OfferState.declined, by=scene.officer)
    found = plan_service.live_plan(session=session, method="optimal")
    check_plan(found, scene)
    assert a.id not in [p.trainee.id for p in found.proposals] and found.trainees == 4 and found.seats == 3
    night = [p.trainee.id for p in found.proposals if p.vacancy.id == scene.night.id]
    assert night == [e.id]
    assert len([p for p in found.proposals if p.vacancy.id == scene.day.id]) == 1


def signed_in(client: Client, account: User) -> Client:
    client.sign_in(account.login, PASSWORD)
    return client


def test_the_officer_sends_one_proposal_then_all_the_rest(client: Client, session: Session) -> None:
    scene = Scene(session)
    signed_in(client, scene.officer)
    page = client.get("/officer/plan?method=stable").text
    assert "3 propositions" in text_of(part(page, "plan-summary"))
    first = plan_service.live_plan(session=session, method="stable").proposals[0]
    sent = client.post_form("/officer/plan/offers", {"method": "stable", "pair": first.key}, follow_redirects=False)
    assert sent.status_code == 303 and "offered=1" in sent.headers["location"]  # type: ignore[attr-defined]
    made = scene.offers()
    assert [(o.vacancy_id, o.trainee_id, o.state, o.override) for o in made] == [
        (first.vacancy.id, first.trainee.id, OfferState.offered, False)
    ]  # fmt: skip
    page = client.get("/officer/plan?method=stable").text
    assert "2 propositions" in text_of(part(page, "plan-summary"))
    rest = [f"{v}:{t}" for v, t in plan_service.parse_pairs([*_pairs(part(page, "send-all"))])]
    assert len(rest) == 2 and first.key not in rest
    response = client.post_form("/officer/plan/offers", {"method": "stable", "pair": rest}, follow_redirects=True)  # type: ignore[dict-item]
    assert "2 propositions envoyées." in text_of(response.text)  # type: ignore[attr-defined]
    assert len([o for o in scene.offers() if o.state == OfferState.offered]) == 3
    assert "0 proposition" in text_of(part(client.get("/officer/plan").text, "plan-summary"))
    batches = session.exec(select(AuditEvent).where(AuditEvent.entity == "plan").order_by(col(AuditEvent.id))).all()
    assert [(e.actor_id, (e.details or {}).get("offered")) for e in batches] == [(scene.officer.id, 1), (scene.officer.id, 2)]


def _pairs(form: str) -> list[str]:
    return re.findall(r'name="pair" value="([^"]+)"', form)


def test_a_pair_refused_since_the_plan_ran_is_reported_and_the_others_are_sent(client: Client, session: Session) -> None:
    scene = Scene(session)
    signed_in(client, scene.officer)
    proposals = plan_service.live_plan(session=session).proposals
    scene.night.status = VacancyStatus.closed  # the company closed it after the plan ran
    session.add(scene.night)
    session.commit()
    keys = [p.key for p in proposals] + [f"{scene.night.id}:x"]  # a malformed pair is dropped
    sent = client.post_form("/officer/plan/offers", {"pair": keys}, follow_redirects=False)  # type: ignore[dict-item]
    assert "offered=2" in sent.headers["location"] and "refused=1" in sent.headers["location"]  # type: ignore[attr-defined]
    offered = [o for o in scene.offers() if o.state == OfferState.offered]
    assert len(offered) == 2 and all(o.vacancy_id == scene.day.id for o in offered)
    page = text_of(client.get(sent.headers["location"]).text)  # type: ignore[attr-defined]
    assert "1 n'a pas pu être envoyée" in page


def test_the_plan_exports_as_csv_with_formulas_neutralised(client: Client, session: Session) -> None:
    scene = Scene(session)
    scene.people[0].full_name = '=HYPERLINK("http://x")'
    session.add(scene.people[0])
    session.commit()
    signed_in(client, scene.officer)
    response = client.get("/officer/plan.csv?method=optimal")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["Offre", "Intitulé"] and len(rows) == 4
    assert all(not cell.startswith("=") for row in rows for cell in row)
