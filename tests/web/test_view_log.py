"""The view log covers lists and exports: every page or export that shows trainees' names or phones logs each trainee it
shows, once, in one insert; the auditor's view-log page filters by trainee, account and page; the personal export
(`rdvm trainee export`, as shipped) lists the views."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from core import audit
from core.clock import utcnow
from employers.models import OfferState, OutboxMessage
from profiles import cohorts
from profiles.models import ProfileView, TraineeProfile
from tests.employers.factories import account, offer_in, placement_row, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_commands_as_shipped import fresh_sqlite, run
from web import privacy
from web.auth.models import Role, User
from web.db import make_engine

__all__ = ["fresh_sqlite"]

#: Names and phones no page prints for any other reason (plain letters: found as typed in HTML, CSV and JSON).
PEOPLE = [("Awa Diarra", "+22370000101"), ("Bakary Sangare", "+22370000102"), ("Coumba Keita", "+22370000103"),
          ("Drissa Traore", "+22370000104"), ("Fanta Coulibaly", "+22370000105"), ("Hamidou Maiga", "+22370000106")]  # fmt: skip


@dataclass
class World:
    """The trainees (accepted, placed, offered, three waiting), the vacancy, the ids pages need, the links of accounts."""

    session: Session
    trainees: list[TraineeProfile]
    ids: dict[str, int]
    links: dict[str, dict[str, int]]

    def sign_in(self, client: Client, role: str) -> User:
        """Create an account of the role (hashing its password only now: it is slow) and sign the client in with it."""
        account = user(self.session, Role(role), **self.links.get(role, {}))
        client.sign_in(account.login, PASSWORD)
        return account


@pytest.fixture
def world(session: Session) -> World:
    company = employer(session)
    job = stored_vacancy(session, company, seats=3)
    trainees = [profile(session, full_name=name, phone=phone, birth_date="1995-05-01") for name, phone in PEOPLE]
    accepted, placed, offered = trainees[:3]
    officer = account(session, Role.officer)
    offer = offer_in(session, job, accepted, OfferState.accepted, by=officer)
    hired = offer_in(session, job, placed, OfferState.confirmed, by=officer)
    offer_in(session, job, offered, OfferState.offered, by=officer)
    start = utcnow().date() - timedelta(days=400)  # every follow-up fallen due
    placement = placement_row(session, hired, start_date=start, salary_fcfa_month=65_000, confirmed_by=officer.id or 0)
    session.add(placement)
    session.add(OutboxMessage(kind="test", recipient_phone=offered.phone, sms_text="Bonjour", email_subject="-", email_body="-"))
    audit.record(session, actor_id=officer.id, entity="offer", entity_id=offer.id, action="accept", trainee_id=accepted.id)
    dates = {"training_start": date(2026, 1, 5), "training_end": date(2026, 3, 27)}
    modules = [{"name": "secourisme", "weight": 1}]
    cohort = cohorts.create_cohort(session=session, data={"code": "2026-A", "centre": "Centre A", "modules": modules, **dates})
    session.add(
        User(login=accepted.phone or "", full_name="trainee", role=Role.trainee, password_hash="-", trainee_id=accepted.id)
    )
    session.commit()
    ids = {"vacancy": job.id or 0, "offer": offer.id or 0, "placement": placement.id or 0, "cohort": cohort.id or 0,
           "trainee": accepted.id or 0}  # fmt: skip
    links = {"school": {"centre_id": cohort.centre_id or 0}, "employer": {"employer_id": company.id or 0}}
    return World(session, trainees, ids, links)


#: Each page or export showing trainees' names or phones: the role that opens it, its address, its name in the log.
PAGES = [
    ("officer", "/officer/trainees", "officer_trainees"),
    ("officer", "/officer/trainees?q=Diarra", "officer_trainees"),
    ("officer", "/officer/trainees.csv", "officer_trainees_csv"),
    ("officer", "/officer/trainees/{trainee}", "officer_trainee"),
    ("officer", "/officer/trainees/{trainee}/edit", "officer_trainee_form"),
    ("officer", "/officer/trainees/{trainee}/export", "personal_export"),
    ("officer", "/officer/trainees/{trainee}/export.json", "personal_export"),
    ("officer", "/officer", "officer_dashboard"),
    ("officer", "/officer/dashboard/trainees.csv", "officer_dashboard_csv"),
    ("officer", "/officer/dashboard/accepted.csv", "officer_dashboard_csv"),
    ("officer", "/officer/followups", "officer_followups"),
    ("officer", "/officer/followups.csv", "officer_followups_csv"),
    ("officer", "/officer/placements/{placement}/followups/1", "officer_followup"),
    ("officer", "/officer/calendar", "officer_calendar"),
    ("officer", "/officer/plan", "officer_plan"),
    ("officer", "/officer/plan.csv", "officer_plan_csv"),
    ("officer", "/officer/vacancies/{vacancy}", "officer_review"),
    ("officer", "/officer/vacancies/{vacancy}/review.csv", "officer_review_csv"),
    ("officer", "POST /officer/sms/preview", "officer_sms_preview"),
    ("officer", "/officer/audit", "officer_audit"),
    ("officer", "/officer/outbox", "officer_outbox"),
    ("officer", "/officer/outbox.csv", "officer_outbox_csv"),
    ("officer", "/evaluation/people?figure=trainees", "evaluation_people"),
    ("admin", "/officer/accounts", "admin_accounts"),
    ("school", "/school/cohorts/{cohort}", "school_cohort"),
    ("school", "/school/cohorts/{cohort}/attendance", "school_attendance"),
    ("school", "/school/trainees/{trainee}", "school_trainee"),
    ("employer", "/employer/vacancies/{vacancy}", "company_vacancy"),
    ("employer", "/api/v1/vacancies/{vacancy}/offers", "company_offers_api"),
    ("employer", "/employer/offers/{offer}", "company_offer"),
]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Yield the SQL statements sent while the test runs (one entry per execute or executemany)."""
    sent: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    yield sent
    event.remove(engine, "before_cursor_execute", seen)


def opened(client: Client, address: str) -> str:
    """Open a page (or send the bulk SMS form to its preview) and return its text."""
    if address.startswith("POST "):
        response: Any = client.post_form(address[5:], {"text": "Réunion lundi à 9 h", "cohort": "2026-A", "scope": "all"})
    else:
        response = client.get(address)
    assert response.status_code == 200, response.text[:500]
    return str(response.text)


@pytest.mark.parametrize(("role", "address", "page"), PAGES, ids=[f"{r}:{a}" for r, a, _ in PAGES])
def test_a_page_showing_trainees_logs_each_of_them_once_in_one_insert(
    role: str, address: str, page: str, world: World, client: Client, session: Session, statements: list[str]
) -> None:
    world.sign_in(client, role)
    statements.clear()
    text = opened(client, address.format(**world.ids))
    shown = {p.id for p in world.trainees if p.full_name in text or (p.phone or "") in text}
    assert shown, "the page shows nobody: the world misses what it lists"
    session.expire_all()
    logged = [v.trainee_id for v in session.exec(select(ProfileView).where(ProfileView.page == page))]
    assert sorted(logged) == sorted(shown), f"{page}: logged {Counter(logged)}, shown {shown}"
    assert sum(s.lstrip().upper().startswith("INSERT INTO PROFILE_VIEW") for s in statements) == 1


def test_two_hundred_trainees_listed_are_one_insert(session: Session, engine: Engine, statements: list[str]) -> None:
    officer = user(session, Role.officer)
    many = [TraineeProfile(code=f"T-MANY-{n:03d}", full_name=f"Agent {n}", home_town="Bamako") for n in range(200)]
    session.add_all(many)
    session.commit()
    statements.clear()
    assert (
        privacy.log_views(session=session, trainee_ids=[p.id for p in many] * 2, viewer=officer, page="officer_trainees") == 200
    )
    session.commit()
    assert sum(s.lstrip().upper().startswith("INSERT INTO PROFILE_VIEW") for s in statements) == 1
    assert len(session.exec(select(ProfileView)).all()) == 200


def test_an_unknown_page_name_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="nowhere"):
        privacy.log_views(session=session, trainee_ids=[1], viewer=user(session, Role.officer), page="nowhere")


def test_the_auditor_filters_the_log_by_trainee_account_and_page(
    world: World, new_client: Callable[[], Client], session: Session
) -> None:
    officer, auditor = new_client(), new_client()
    world.sign_in(officer, "officer")
    assert officer.get("/officer/trainees").status_code == 200
    assert officer.get(f"/officer/trainees/{world.ids['trainee']}").status_code == 200
    world.sign_in(auditor, "auditor")
    first = world.trainees[0]
    by_page = auditor.get("/officer/views?shown=officer_trainees")
    assert by_page.status_code == 200 and "6 consultations" in by_page.text and first.full_name not in by_page.text
    by_trainee = auditor.get(f"/officer/views?trainee={first.code}")
    assert "2 consultations" in by_trainee.text
    viewer = session.exec(select(ProfileView.viewer_id).where(ProfileView.page == "officer_trainee")).one()
    by_account = auditor.get(f"/officer/views?viewer={viewer}&shown=officer_trainee")
    assert "1 consultations" in by_account.text
    assert "0 consultations" in auditor.get(f"/officer/views?viewer={viewer + 1000}").text


def test_the_personal_export_lists_the_list_views(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:
    seeded = run(fresh_sqlite, "demo", "--folder", tmp_path / "demo")
    assert seeded.returncode == 0, seeded.stderr
    engine = make_engine(fresh_sqlite["RDVM_DATABASE_URL"])
    with Session(engine) as db:
        officer = user(db, Role.officer)
        listed = db.exec(select(TraineeProfile).order_by(TraineeProfile.code).limit(3)).all()
        privacy.log_views(session=db, trainee_ids=[p.id for p in listed], viewer=officer, page="officer_trainees")
        db.commit()
        code, login = listed[0].code, officer.login
    engine.dispose()
    done = run(fresh_sqlite, "trainee", "export", code, tmp_path / "out.json")
    assert done.returncode == 0, done.stderr
    views = json.loads((tmp_path / "out.json").read_text("utf-8"))["views"]
    assert [(v["page"], v["viewer"], v["viewer_role"]) for v in views] == [("officer_trainees", login, "officer")]
