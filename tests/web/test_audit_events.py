"""Every change writes its audit event: each action of the table below, run once on its own, writes exactly the
events it names (entity, action, actor, and the trainee, vacancy and company concerned), never a secret, on SQLite
and PostgreSQL. (Offer and placement moves have their own tests in tests/employers.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.names import display_name
from employers import imports, vacancy_status
from employers import service as employers_service
from employers.lifecycle import Actor, Party
from employers.models import Employer, EmployerStatus, Vacancy, VacancyStatus
from profiles import availability, cohorts, departures, school
from profiles import service as profiles_service
from profiles.models import Cohort, TraineeProfile
from tests.employers.factories import account, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer
from tests.web.test_officer_workspace import audit_rows, officer_in, text_of
from web.auth import service as auth_service
from web.auth.models import Role, User
from web.messages import message

TODAY = date(2026, 4, 15)
COHORT: dict[str, Any] = {
    "code": "2026-A", "centre": "Centre de Bamako", "training_start": "2026-03-02", "training_end": "2026-05-01",
    "modules": [{"name": "secourisme", "weight": 3}, {"name": "incendie", "weight": 1}],
}  # fmt: skip
APPLICATION = {"name": "Sahel Garde", "licence_number": "MSPC-2024-017", "town": "bamako", "contact_name": "Awa Diarra",
               "phone": "76 12 34 56", "email": "awa@sahelgarde.ml"}  # fmt: skip
TRAINEE_CSV = "id,full_name,home_town\nT-IMP-001,Fanta Keïta,Bamako\nT-IMP-002,Moussa Coulibaly,Kati\n"


@dataclass
class World:
    """What the actions act on: accounts of each role, companies, vacancies, a cohort and its trainee."""

    officer: User
    boss: User
    school: User
    company: Employer
    pending: Employer
    draft: Vacancy
    open: Vacancy
    cohort: Cohort
    trainee: TraineeProfile

    @property
    def boss_actor(self) -> Actor:
        return Actor(Party.employer, self.boss.id, employer_id=self.company.id)

    @property
    def officer_actor(self) -> Actor:
        return Actor(Party.officer, self.officer.id)


@pytest.fixture
def world(session: Session) -> World:
    company = employer(session)
    made = World(
        officer=account(session, Role.officer), boss=account(session, Role.employer, employer_id=company.id),
        school=account(session, Role.school), company=company, pending=employer(session, status=EmployerStatus.pending),
        draft=stored_vacancy(session, company, status=VacancyStatus.draft), open=stored_vacancy(session, company, seats=1),
        cohort=cohorts.create_cohort(session=session, data=COHORT), trainee=profile(session, phone="+22376000001",
                                                                                     consent=False),
    )  # fmt: skip
    made.trainee.cohort = made.cohort.code
    session.add(made.trainee)
    session.commit()
    return made


@dataclass(frozen=True)
class Expected:
    """An event an action must write: what and by whom, and which trainee, vacancy and company it concerns."""

    entity: str
    action: str
    actor: Callable[[World], int | None]
    trainee: Callable[[World], int | None] = lambda w: None
    vacancy: Callable[[World], int | None] = lambda w: None
    employer: Callable[[World], int | None] = lambda w: None


def officer(w: World) -> int | None:
    return w.officer.id


def boss(w: World) -> int | None:
    return w.boss.id


def trainer(w: World) -> int | None:
    return w.school.id


def system(w: World) -> int | None:
    return None


def the_trainee(w: World) -> int | None:
    return w.trainee.id


def the_company(w: World) -> int | None:
    return w.company.id


def stored(w: World, model: Any, **where: Any) -> int | None:
    """Return the id of the row the action created (found by its fields)."""
    session = Session.object_session(w.officer)
    assert isinstance(session, Session)
    return session.exec(select(model).filter_by(**where)).one().id


def trainee_event(action: str, actor: Callable[[World], int | None]) -> Expected:
    return Expected("trainee", action, actor, trainee=the_trainee)


def vacancy_event(action: str, actor: Callable[[World], int | None], vacancy: Callable[[World], int | None]) -> Expected:
    return Expected("vacancy", action, actor, vacancy=vacancy, employer=the_company)


def with_pin(session: Session, w: World) -> None:
    auth_service.issue_trainee_pin(session=session, trainee_id=w.trainee.id or 0, full_name="x", phone="+22376000001",
                                   by=w.officer.id)  # fmt: skip


def trainee_account(session: Session, w: World) -> User:
    found = auth_service.trainee_account(session=session, trainee_id=w.trainee.id or 0)
    assert found is not None
    return found


def departed(session: Session, w: World) -> None:
    typed = {"dropped_out_on": "2026-04-01", "dropout_reason": "remigrated"}
    departures.record_departure(session=session, profile_id=w.trainee.id or 0, typed=typed, today=TODAY, by=w.officer.id)


def trainee_data(w: World, **changes: Any) -> dict[str, Any]:
    return {"id": w.trainee.code, "full_name": "Awa Traoré", "home_town": "bamako", "phone": "+22376000001",
            "training": {"cohort": w.cohort.code}, **changes}  # fmt: skip


Action = Callable[[Session, World], Any]
#: name: (what is set up first, committed; the action; the events it must write)
CASES: dict[str, tuple[Action | None, Action, list[Expected]]] = {
    "company applies": (None, lambda s, w: employers_service.apply(session=s, **APPLICATION, by=w.officer.id),
                        [Expected("employer", "apply", officer, employer=lambda w: stored(w, Employer, name="Sahel Garde"))]),
    "officer approves a company": (None, lambda s, w: employers_service.approve(session=s, employer_id=w.pending.id or 0,
                                                                                by=w.officer_actor),
                                   [Expected("employer", "approve", officer, employer=lambda w: w.pending.id)]),
    "officer rejects a company": (None, lambda s, w: employers_service.reject(session=s, employer_id=w.pending.id or 0,
                                                                              by=w.officer_actor, reason="licence expirée"),
                                  [Expected("employer", "reject", officer, employer=lambda w: w.pending.id)]),
    "company creates a vacancy": (None, lambda s, w: employers_service.create_vacancy(
        session=s, employer_id=w.company.id or 0, data={"title": "Agent", "level": "guard", "town": "Bamako"}, by=w.boss.id),
        [vacancy_event("create", boss, lambda w: stored(w, Vacancy, title="Agent"))]),
    "company edits a vacancy": (None, lambda s, w: employers_service.update_vacancy(
        session=s, vacancy_id=w.open.id or 0, employer_id=w.company.id or 0, changes={"title": "Chef de poste"}, by=w.boss.id),
        [vacancy_event("edit", boss, lambda w: w.open.id)]),
    "company publishes a vacancy": (None, lambda s, w: employers_service.publish(session=s, vacancy_id=w.draft.id or 0,
                                                                                 by=w.boss_actor),
                                    [vacancy_event("publish", boss, lambda w: w.draft.id)]),
    "company closes a vacancy": (None, lambda s, w: employers_service.close(session=s, vacancy_id=w.open.id or 0,
                                                                            by=w.boss_actor),
                                 [vacancy_event("close", boss, lambda w: w.open.id)]),
    "the last seat fills a vacancy": (None, lambda s, w: vacancy_status.take_seat(session=s, vacancy_id=w.open.id or 0),
                                      [vacancy_event("fill", system, lambda w: w.open.id)]),
    "a freed seat reopens it": (lambda s, w: vacancy_status.take_seat(session=s, vacancy_id=w.open.id or 0),
                                lambda s, w: vacancy_status.release_seat(session=s, vacancy_id=w.open.id or 0),
                                [vacancy_event("reopen", system, lambda w: w.open.id)]),
    "officer creates a profile": (None, lambda s, w: profiles_service.create_profile(
        session=s, data=trainee_data(w, id="T-2026-NEW"), consent=True, by=w.officer.id),
        [Expected("trainee", "create", officer, trainee=lambda w: stored(w, TraineeProfile, code="T-2026-NEW"))]),
    "officer edits a profile": (None, lambda s, w: profiles_service.update_profile(
        session=s, profile_id=w.trainee.id or 0, data=trainee_data(w), consent=False, by=w.officer.id),
        [trainee_event("edit", officer)]),
    "consent given on the form": (None, lambda s, w: profiles_service.update_profile(
        session=s, profile_id=w.trainee.id or 0, data=trainee_data(w), consent=True, by=w.officer.id),
        [trainee_event("edit", officer), trainee_event("consent", officer)]),
    "consent recorded": (None, lambda s, w: profiles_service.set_consent(session=s, code=w.trainee.code, consent=True,
                                                                         by=w.officer.id),
                         [trainee_event("consent", officer)]),
    "trainee sets availability": (None, lambda s, w: availability.set_availability(
        session=s, trainee_id=w.trainee.id or 0, available_from="2026-05-01", shifts=["day"], today=TODAY, by=w.officer.id),
        [trainee_event("availability", officer)]),
    "officer issues a first PIN (the account)": (None, with_pin,
                                                 [Expected("user", "create", officer, trainee=the_trainee)]),
    "officer resets a PIN": (with_pin, with_pin, [Expected("user", "pin_reset", officer, trainee=the_trainee)]),
    "admin creates an account": (None, lambda s, w: auth_service.create_user(
        session=s, login="new@example.ml", full_name="N", role=Role.officer, secret=PASSWORD, by=w.officer.id),
        [Expected("user", "create", officer)]),
    "an account disabled": (None, lambda s, w: auth_service.set_active(session=s, user=w.boss, active=False, by=w.officer.id),
                            [Expected("user", "disable", officer, employer=the_company)]),
    "officer imports trainees": (None, lambda s, w: imports.import_text(
        session=s, text=TRAINEE_CSV, source="t.csv", fmt="csv", kind="trainees", by=w.officer.id),
        [Expected("import", "trainees", officer)]),
    "school takes the roll": (None, lambda s, w: school.record_attendance(
        session=s, cohort=w.cohort, trainees=[w.trainee], day="2026-04-14", label="matin", present={w.trainee.id or 0},
        today=TODAY, by=w.school.id), [Expected("cohort", "attendance", trainer)]),
    "school grades": (None, lambda s, w: school.record_grades(session=s, profile=w.trainee, cohort=w.cohort,
                                                              typed={"grade_0": "16"}, by=w.school.id),
                      [trainee_event("grades", trainer)]),
    "school awards a certification": (None, lambda s, w: school.award_certification(
        session=s, profile=w.trainee, typed={"code": "SSIAP1", "awarded_on": "2026-04-10", "certificate_number": "SS-1"},
        today=TODAY, by=w.school.id), [trainee_event("certification", trainer)]),
    "school marks the training completed": (None, lambda s, w: school.set_completed(session=s, profile=w.trainee,
                                                                                    completed=True, by=w.school.id),
                                            [trainee_event("training_completed", trainer)]),
    "officer creates a cohort": (None, lambda s, w: cohorts.create_cohort(
        session=s, data={**COHORT, "code": "2026-B"}, by=w.officer.id), [Expected("cohort", "create", officer)]),
    "officer edits a cohort": (None, lambda s, w: cohorts.update_cohort(
        session=s, cohort_id=w.cohort.id or 0, data={**COHORT, "training_end": "2026-05-08"}, by=w.officer.id),
        [Expected("cohort", "edit", officer)]),
    "a new training centre": (None, lambda s, w: cohorts.centre_named(session=s, name="Centre de Ségou", by=w.officer.id),
                              [Expected("training_centre", "create", officer)]),
    "officer records a departure": (None, departed, [trainee_event("departure", officer)]),
    "officer cancels a departure": (departed, lambda s, w: departures.cancel_departure(
        session=s, profile_id=w.trainee.id or 0, by=w.officer.id), [trainee_event("departure_cancelled", officer)]),
}  # fmt: skip


def events_after(session: Session, last: int) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(col(AuditEvent.id) > last).order_by(col(AuditEvent.id))))


def last_id(session: Session) -> int:
    return max([e for e in session.exec(select(AuditEvent.id)) if e is not None], default=0)


def described(event: AuditEvent) -> tuple[Any, ...]:
    return event.entity, event.action, event.actor_id, event.trainee_id, event.vacancy_id, event.employer_id


@pytest.mark.parametrize("name", list(CASES))
def test_each_change_writes_its_events(session: Session, world: World, name: str) -> None:
    setup, action, expected = CASES[name]
    if setup is not None:
        setup(session, world)
        session.commit()
    before = last_id(session)
    action(session, world)
    session.commit()
    written = events_after(session, before)
    wanted = [(e.entity, e.action, e.actor(world), e.trainee(world), e.vacancy(world), e.employer(world)) for e in expected]
    assert [described(event) for event in written] == wanted
    assert all(event.seq is not None for event in written)
    assert all((event.entity_id is None) == (event.entity == "import") for event in written)


def test_a_company_signing_up_is_recorded_as_its_contact(session: Session) -> None:
    company = employers_service.register_company(session=session, fields={**APPLICATION, "password": PASSWORD},
                                                 accounts=auth_service.EmployerContactAccounts())  # fmt: skip
    session.commit()
    contact = session.exec(select(User).where(User.employer_id == company.id)).one()
    written = events_after(session, 0)
    assert [described(e) for e in written] == [
        ("user", "create", None, None, None, company.id),
        ("employer", "apply", contact.id, None, None, company.id),
    ]
    assert PASSWORD not in json.dumps([e.model_dump(mode="json") for e in written])


def test_secrets_never_reach_the_trail(session: Session, world: World) -> None:
    _, pin = auth_service.issue_trainee_pin(session=session, trainee_id=world.trainee.id or 0, full_name="x",
                                            phone="+22376000001", by=world.officer.id)  # fmt: skip
    session.commit()
    user = trainee_account(session, world)
    auth_service.change_secret(session=session, user=user, current=pin, new="135790")
    session.commit()
    written = events_after(session, 0)
    assert [(e.entity, e.action, e.actor_id) for e in written][-2:] == [("user", "create", world.officer.id),
                                                                         ("user", "pin_change", user.id)]  # fmt: skip
    trail = json.dumps([e.model_dump(mode="json") for e in written])
    assert pin not in trail and "135790" not in trail


def test_an_import_is_one_event_with_its_counts(session: Session, world: World) -> None:
    outcome = imports.import_text(session=session, text=TRAINEE_CSV, source="t.csv", fmt="csv", kind="trainees")
    session.commit()
    (event,) = events_after(session, 0)[-1:]
    assert outcome.created == 2
    assert event.details == {"kind": "trainees", "source": "t.csv", "records": 2, "created": 2, "updated": 0,
                             "unchanged": 0, "consent": False}  # fmt: skip
    previewed = imports.import_text(session=session, text=TRAINEE_CSV, source="t.csv", fmt="csv", kind="trainees", keep=False)
    session.commit()
    assert previewed.updated == 2
    assert events_after(session, event.id or 0) == []  # a preview writes nothing, its event neither


def test_the_officers_trail_shows_events_about_no_vacancy_in_words(client: Client, session: Session, world: World) -> None:
    me = officer_in(client, session)
    imports.import_text(session=session, text=TRAINEE_CSV, source="t.csv", fmt="csv", kind="trainees", by=me.id)
    departed(session, world)
    employers_service.publish(session=session, vacancy_id=world.draft.id or 0, by=world.boss_actor)
    session.commit()

    rows = audit_rows(client, "")

    publish, departure, imported = rows[:3]
    assert "Publication" in publish and world.draft.code in publish and world.company.name in publish
    assert "Départ du programme" in departure and world.trainee.code in departure
    assert message("dropout_remigrated", "fr") in departure
    assert "Import d'agents" in imported and display_name(me.full_name) in imported
    assert "None" not in " ".join(rows)
    english = text_of(client.get("/officer/audit?lang=en").text)
    assert "Left the programme" in english and "Trainees imported" in english and "Published" in english
