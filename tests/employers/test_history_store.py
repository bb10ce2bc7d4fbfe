"""The programme's history in the database: imported from INDICATORS.md's files (every bad record reported at once,
nothing written on error), exported back byte for byte, and evaluated from the database as from its export."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from core.audit import AuditEvent
from employers import history_store
from employers.imports import ImportOutcome, import_text
from employers.models import ContactChannel, Employer, EmployerStatus, EndReason, FollowUp, OfferState, Placement
from matching import exchange
from profiles import cohorts as cohorts_service
from profiles import history, indicators
from profiles.models import Cohort, TraineeProfile
from tests.conftest import empty_tables
from tests.employers.factories import account, offer_in, stored_vacancy
from tests.profiles.factories import PILOT_AS_OF, PROPERTIES, Records, pilot
from tests.profiles.reference import random_history
from web.auth.models import Role

Fmt = Literal["json", "csv"]
HISTORY: tuple[history.HistoryKind, ...] = ("cohorts", "placements", "followups")


def load(
    session: Session, kind: str, text: str, *, fmt: Fmt = "json", keep: bool = True, actor_id: int | None = None
) -> ImportOutcome:
    """Import a file's text through the one pipeline and commit (what `rdvm import` does)."""
    outcome = import_text(session=session, text=text, source=f"{kind}.{fmt}", fmt=fmt, kind=kind, keep=keep,  # type: ignore[arg-type]
                          by=actor_id)  # fmt: skip
    session.commit()
    return outcome


def texts(records: Records, fmt: Fmt) -> dict[str, str]:
    """Return the four files of a history as text."""
    return {
        "trainees": exchange.to_json_text(records.trainees, "trainees")
        if fmt == "json"
        else exchange.to_csv_text(records.trainees, "trainees"),
        "cohorts": history.to_text(records.cohorts, "cohorts", fmt),
        "placements": history.to_text(records.placements, "placements", fmt),
        "followups": history.to_text(records.followups, "followups", fmt),
    }


def load_all(session: Session, files: dict[str, str], fmt: Fmt) -> dict[str, ImportOutcome]:
    """Import a whole history in its order: cohorts, trainees, placements, follow-ups."""
    done = {kind: load(session, kind, files[kind], fmt=fmt) for kind in ("cohorts", "trainees", "placements", "followups")}
    assert all(o.ok for o in done.values()), {k: [str(i) for i in o.errors] for k, o in done.items()}
    return done


def exported(session: Session, kind: history.HistoryKind, fmt: Fmt) -> str:
    """Return the database's records of a kind as a history file's text."""
    stored = history_store.stored_records(session=session, kind=kind)
    assert stored.ok, [str(i) for i in stored.issues]
    return history.to_text(stored.records, kind, fmt)


def rows(session: Session) -> dict[str, int]:
    """Count the history's rows."""
    return {
        t.__name__: session.exec(select(func.count()).select_from(t)).one() for t in (Cohort, Placement, FollowUp, TraineeProfile)
    }


def errors(outcome: ImportOutcome) -> list[str]:
    return [str(i) for i in outcome.errors]


@pytest.fixture
def piloted(session: Session) -> Session:
    """The database holding the pilot history (tests/profiles/factories.py), imported from JSON."""
    load_all(session, texts(pilot(), "json"), "json")
    return session


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["json", "csv"])
    def test_export_gives_back_the_files_and_reimporting_it_changes_nothing(self, session: Session, fmt: Fmt) -> None:
        files = texts(pilot(), fmt)
        first = load_all(session, files, fmt)
        assert [(first[k].created, first[k].updated) for k in HISTORY] == [(2, 0), (8, 0), (13, 0)]
        before = rows(session)
        for kind in HISTORY:
            assert exported(session, kind, fmt) == files[kind], kind
        again = {kind: load(session, kind, exported(session, kind, fmt), fmt=fmt) for kind in HISTORY}
        assert [(o.created, o.updated, o.unchanged) for o in again.values()] == [(0, 0, 2), (0, 0, 8), (0, 0, 13)]
        assert rows(session) == before
        assert all(exported(session, kind, fmt) == files[kind] for kind in HISTORY)

    def test_a_changed_record_is_updated_by_its_id(self, piloted: Session) -> None:
        text = exported(piloted, "placements", "json").replace('"salary_fcfa_month": 45000', '"salary_fcfa_month": 46000', 1)
        done = load(piloted, "placements", text)
        assert (done.created, done.updated, done.unchanged) == (0, 1, 7)
        assert piloted.exec(select(Placement.salary_fcfa_month).where(Placement.code == "P1")).one() == 46_000

    def test_an_end_given_later_ends_the_placement(self, piloted: Session) -> None:
        ended = _placement(id="P1", trainee_id="T1", start_date="2026-01-31", end_date="2026-12-31", end_reason="remigrated")
        text = history.to_text([history.Placement.model_validate({**ended, "salary_fcfa_month": 45_000})], "placements", "json")
        assert load(piloted, "placements", text).updated == 1
        p1 = piloted.exec(select(Placement).where(Placement.code == "P1")).one()
        assert (p1.end_date, p1.end_reason, p1.ended_at is not None) == (date(2026, 12, 31), EndReason.remigrated, True)

    def test_one_audit_event_per_import_with_its_counts(self, session: Session) -> None:
        officer = account(session, Role.officer)
        load(session, "cohorts", texts(pilot(), "json")["cohorts"], actor_id=officer.id)
        [event] = session.exec(select(AuditEvent).where(AuditEvent.entity == "import")).all()
        assert (event.actor_id, event.entity_id) == (officer.id, None)
        assert event.details == {
            "kind": "cohorts",
            "source": "cohorts.json",
            "records": 2,
            "created": 2,
            "updated": 0,
            "unchanged": 0,
            "consent": False,
        }

    def test_what_a_file_cannot_say_is_kept(self, session: Session) -> None:
        officer = account(session, Role.officer)
        cohort = cohorts_service.create_cohort(session=session, data={"code": "2026-A", "centre": "Centre de Bamako",
                                                                      "modules": [{"name": "droit", "weight": 2}]})  # fmt: skip
        session.commit()
        load_all(session, texts(pilot(), "json") | {"cohorts": exported(session, "cohorts", "json")}, "json")
        p2 = session.exec(select(Placement).where(Placement.code == "P2")).one()
        session.add(FollowUp(placement_id=p2.id or 0, month=3, done_on=date(2026, 6, 2), reached=False,
                             channel=ContactChannel.visit, recorded_by=officer.id))  # fmt: skip
        session.commit()
        for kind in HISTORY:
            done = load(session, kind, exported(session, kind, "csv"), fmt="csv")
            assert done.ok and done.created == done.updated == 0, kind
        session.refresh(cohort)
        assert cohort.modules == [{"name": "droit", "weight": 2.0}] and cohort.centre_id is not None
        kept = session.exec(select(FollowUp).where(FollowUp.placement_id == p2.id, FollowUp.month == 3)).one()
        assert (kept.channel, kept.recorded_by) == (ContactChannel.visit, officer.id)

    def test_a_preview_writes_nothing(self, session: Session) -> None:
        done = load(session, "cohorts", texts(pilot(), "json")["cohorts"], keep=False)
        assert done.ok and done.created == 2
        assert rows(session)["Cohort"] == 0 and session.exec(select(func.count()).select_from(AuditEvent)).one() == 0


class TestLinks:
    def test_a_placement_names_its_vacancy_and_an_approved_company(self, piloted: Session) -> None:
        company = approved_company(piloted, "Gardiennage du Mandé")
        vacancy = stored_vacancy(piloted, company)
        record = {"id": "P-100", "trainee_id": "T8", "vacancy_id": vacancy.code, "employer": "gardiennage du mande",
                  "level": "guard", "start_date": "2026-02-01", "salary_fcfa_month": 50_000}  # fmt: skip
        unknown = {**record, "id": "P-101", "trainee_id": "T3", "vacancy_id": "V-NONE", "employer": "Inconnue SA"}
        done = load(
            piloted,
            "placements",
            history.to_text([history.Placement.model_validate(r) for r in (record, unknown)], "placements", "json"),
        )
        assert done.ok and done.created == 2
        assert [str(w) for w in done.warnings] == [
            "placements.json: index 1 (P-101), field 'vacancy_id': no vacancy of the database has the id 'V-NONE': "
            "the placement is stored without it"
        ]
        linked = piloted.exec(select(Placement).where(Placement.code == "P-100")).one()
        alone = piloted.exec(select(Placement).where(Placement.code == "P-101")).one()
        assert (linked.vacancy_id, linked.employer_id, linked.offer_id, linked.employer_name) == (
            vacancy.id,
            company.id,
            None,
            "gardiennage du mande",
        )
        assert (alone.vacancy_id, alone.employer_id) == (None, None)


class TestEvaluation:
    def test_the_database_gives_the_figures_of_its_files(self, piloted: Session) -> None:
        records = pilot()
        as_of = date.fromisoformat(PILOT_AS_OF)
        from_files = indicators.evaluate(trainees=records.trainees, placements=records.placements, followups=records.followups,
                                         cohorts=records.cohorts, as_of=as_of)  # fmt: skip
        stored = history_store.stored_history(session=piloted)
        assert stored.ok, [str(i) for i in stored.issues]
        from_database = indicators.evaluate(trainees=stored.trainees, placements=stored.placements, followups=stored.followups,
                                            cohorts=stored.cohorts, as_of=as_of)  # fmt: skip
        assert from_database == from_files
        assert (
            from_database["overall"]["placed"] == 5 and from_database["cohorts"]["2026-A"]["cost_per_job_at_12m_eur"] == 12_000.0
        )

    def test_a_trainee_of_a_cohort_without_record_is_reported_as_files_are(self, piloted: Session) -> None:
        piloted.delete(piloted.exec(select(Cohort).where(Cohort.code == "2026-B")).one())
        piloted.commit()
        stored = history_store.stored_history(session=piloted)
        assert [str(i) for i in stored.errors] == [
            "the database: trainee T6 (T6), field 'training.cohort': names cohort '2026-B', which the database does not hold",
            "the database: trainee T8 (T8), field 'training.cohort': names cohort '2026-B', which the database does not hold",
        ]


def _placement(**fields: Any) -> dict[str, Any]:
    return {"employer": "Sahel Sécurité", "level": "guard", "salary_fcfa_month": 50_000, **fields}


def approved_company(session: Session, name: str) -> Employer:
    """Store an approved company."""
    company = Employer(name=name, licence_number=f"L-{name}", town="Bamako", contact_name="C", phone="+22320000000",
                       email="c@example.ml", status=EmployerStatus.approved)  # fmt: skip
    session.add(company)
    session.commit()
    return company


PLACEMENTS_CSV = """id,trainee_id,employer,level,start_date,end_date,end_reason,salary_fcfa_month
P-20,T-99,Sahel Sécurité,guard,2026-03-01,,,45000
P-21,T1,Sahel Sécurité,guard,2026-06-01,,,45000
P-22,T4,Sahel Sécurité,guard,2025-12-01,2026-03-01,resigned,45000
P-23,T3,Sahel Sécurité,guard,2026-02-01,2026-03-01,,45000
P-24,T8,Sahel Sécurité,guard,2026-02-01,2026-08-01,resigned,45000
P-25,T8,Sahel Sécurité,guard,2026-07-01,,,45000
P-26,T3,Sahel Sécurité,chef,2026-04-01,,,45000
"""
FOLLOWUPS_CSV = """placement_id,month,done_on,reached,employment,economic
P1,5,2026-07-01,true,same_employer,
P-99,1,2026-04-01,false,,
P2,3,2026-06-01,true,other_job,
P2,6,2026-02-01,true,other_job,
P2,6,2026-09-01,true,other_job,
P3,1,2026-07-01,false,unemployed,
P3,12,2027-06-01,true,same_employer,1.5
"""


class TestBadRecords:
    """Every bad record of a file reported at once, naming its row, id and field; nothing written."""

    def test_placements(self, piloted: Session) -> None:
        before = rows(piloted)
        done = load(piloted, "placements", PLACEMENTS_CSV, fmt="csv")
        assert errors(done) == [
            "placements.csv: row 5 (P-23), field 'end_reason': is required when end_date is set",
            "placements.csv: row 8 (P-26), field 'level': must be one of 'guard', 'supervisor' or 'manager' (got 'chef')",
            "placements.csv: row 2 (P-20), field 'trainee_id': no trainee of the database has the id 'T-99'",
            "placements.csv: row 3 (P-21), field 'start_date': starts on 2026-06-01, but placement P1 of the same trainee "
            "(already in the database) has no end_date",
            "placements.csv: row 4 (P-22), field 'end_date': placement P4 of the same trainee (already in the database) "
            "starts on 2026-02-15, before this one ends (2026-03-01)",
            "placements.csv: row 7 (P-25), field 'start_date': starts on 2026-07-01, before placement P-24 of the same "
            "trainee ended (2026-08-01)",
        ]
        assert rows(piloted) == before and done.created == 0

    def test_follow_ups(self, piloted: Session) -> None:
        officer = account(piloted, Role.officer)
        p2 = piloted.exec(select(Placement).where(Placement.code == "P2")).one()
        piloted.add(FollowUp(placement_id=p2.id or 0, month=3, done_on=date(2026, 6, 2), reached=False,
                             channel=ContactChannel.call, recorded_by=officer.id))  # fmt: skip
        piloted.commit()
        before = rows(piloted)
        done = load(piloted, "followups", FOLLOWUPS_CSV, fmt="csv")
        assert errors(done) == [
            "followups.csv: row 2 (P1, month 5), field 'month': must be 1, 3, 6 or 12 (got 5)",
            "followups.csv: row 7 (P3, month 1), field 'employment': must be empty when reached is false (got 'unemployed')",
            "followups.csv: row 8 (P3, month 12), field 'economic': must be at most 1.0 (got '1.5')",
            "followups.csv: row 3 (P-99, month 1), field 'placement_id': no placement of the database has the id 'P-99'",
            "followups.csv: row 5 (P2, month 6), field 'done_on': is before the placement's start_date (2026-03-01)",
            "followups.csv: row 6 (P2, month 6), field 'month': is a second follow-up for placement P2, month 6 "
            "(the first: row 5)",
            "followups.csv: row 4 (P2, month 3), field 'month': is a second follow-up for placement P2, month 3: one was "
            "recorded in the application on 2026-06-02",
        ]
        assert rows(piloted) == before
        assert piloted.exec(select(func.count()).select_from(AuditEvent)).one() == 4  # the pilot's imports only

    def test_a_placement_confirmed_in_the_application_is_not_changed_by_a_file(self, piloted: Session) -> None:
        company = approved_company(piloted, "Askia Garde SA")
        officer = account(piloted, Role.officer)
        t8 = piloted.exec(select(TraineeProfile).where(TraineeProfile.code == "T8")).one()
        offer = offer_in(piloted, stored_vacancy(piloted, company), t8, OfferState.confirmed, by=officer)
        piloted.add(Placement(code="P-00009", offer_id=offer.id, vacancy_id=offer.vacancy_id, trainee_id=t8.id or 0,
                              employer_id=company.id, employer_name=company.name, level="guard", town="Bamako",
                              start_date=date(2026, 9, 1), salary_fcfa_month=55_000, confirmed_by=officer.id))  # fmt: skip
        piloted.commit()
        same = exported(piloted, "placements", "json")
        assert load(piloted, "placements", same).unchanged == 9
        changed = load(piloted, "placements", same.replace('"salary_fcfa_month": 55000', '"salary_fcfa_month": 60000'))
        assert errors(changed) == [
            "placements.json: index 0 (P-00009), field 'salary_fcfa_month': differs from the placement confirmed in the "
            "application, which a file may not change (end it on its page)"
        ]


def test_a_trainee_naming_a_cohort_without_record_is_imported_with_a_warning(piloted: Session) -> None:
    text = "id,full_name,home_town,training_cohort\nT-20,Awa Traoré,Bamako,2026-Z\nT-21,Ali Keita,Kati,2026-A\n"
    done = load(piloted, "trainees", text, fmt="csv")
    assert done.ok and done.created == 2
    assert [str(w) for w in done.warnings] == [
        "trainees.csv: row 2 (T-20), field 'training_cohort': names cohort '2026-Z', which the database does not hold: "
        "record it (the officers' cohorts page, or rdvm import cohorts) before evaluating the database"
    ]


class TestColumns:
    """The database read a column at a time (what `rdvm evaluate`, the pages and the benchmark use) gives the figures
    of its files, and names any problem as the record-by-record reading does."""

    def test_the_columns_give_the_figures_of_the_files(self, piloted: Session) -> None:
        records = pilot()
        as_of = date.fromisoformat(PILOT_AS_OF)
        from_files = indicators.evaluate(trainees=records.trainees, placements=records.placements, followups=records.followups,
                                         cohorts=records.cohorts, as_of=as_of)  # fmt: skip
        stored = history_store.stored_columns(session=piloted)
        assert stored.ok, [str(i) for i in stored.issues]
        assert indicators.evaluate_columns(stored.columns, as_of=as_of) == from_files

    def test_a_problem_is_named_as_the_records_name_it(self, piloted: Session) -> None:
        piloted.delete(piloted.exec(select(Cohort).where(Cohort.code == "2026-B")).one())
        piloted.commit()
        by_columns = history_store.stored_columns(session=piloted)
        assert [str(i) for i in by_columns.errors] == [str(i) for i in history_store.stored_history(session=piloted).errors]
        assert len(by_columns.errors) == 2

    def test_overlapping_placements_written_around_the_checks_are_found(self, piloted: Session) -> None:
        # P1 (T1, from 2026-01-31, still running) and a placement of T1 written straight into the table inside it
        second = piloted.exec(select(Placement).where(Placement.code == "P1")).one()
        later, end = second.start_date + timedelta(days=1), second.start_date + timedelta(days=2)
        piloted.add(Placement(code="P-late", trainee_id=second.trainee_id, employer_name="E", level="guard",
                              start_date=later, salary_fcfa_month=50_000, end_date=end,
                              end_reason=EndReason.resigned, ended_at=second.confirmed_at))  # fmt: skip
        piloted.commit()
        stored = history_store.stored_columns(session=piloted)
        assert [i.field for i in stored.errors] == ["start_date"]


@settings(PROPERTIES, max_examples=12, suppress_health_check=[*PROPERTIES.suppress_health_check,
                                                            HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_random_histories_read_as_columns_give_the_figures_of_their_files(engine: Engine, data: st.DataObject) -> None:
    """On random valid histories, the database read as columns gives exactly the figures of the files imported."""
    records, as_of = data.draw(random_history())
    empty_tables(engine)
    with Session(engine) as session:
        load_all(session, texts(records, "json"), "json")
        stored = history_store.stored_columns(session=session)
    assert stored.ok, [str(i) for i in stored.issues]
    expected = indicators.evaluate(trainees=records.trainees, placements=records.placements, followups=records.followups,
                                   cohorts=records.cohorts, as_of=as_of)  # fmt: skip
    assert indicators.evaluate_columns(stored.columns, as_of=as_of) == expected
