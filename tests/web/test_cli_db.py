"""The `rdvm` commands that use the database, on a SQLite file and on a PostgreSQL schema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import Session, SQLModel, col, func, select
from typer.testing import CliRunner, Result

from core.clock import utcnow
from employers.models import Employer, EmployerStatus, Offer, OfferState, OutboxMessage, Vacancy, VacancyStatus
from matching import exchange
from profiles.models import TraineeProfile
from tests.employers.factories import account, offer_in, stored_vacancy
from tests.employers.factories import profile as stored_profile
from tests.web.factories import employer
from web import demo as demo_data
from web.auth import service as auth_service
from web.auth.models import Role, User
from web.cli import app
from web.config import get_settings
from web.db import get_engine, make_engine

DATA = Path(__file__).parent.parent / "data"
README = Path(__file__).parent.parent.parent / "README.md"
TRAINEES = DATA / "trainees.json"
VACANCIES = DATA / "vacancies.json"
COMPANIES = ("Sahel Sécurité SARL", "Gardiennage du Mandé")
TABLES = (TraineeProfile, Vacancy, Employer, User)
TWICE = "a long password\na long password\n"


def use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the commands at a database, forgetting the settings and engine read before."""
    monkeypatch.setenv("RDVM_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()


def forget_database() -> None:
    """Close the commands' engine and forget it."""
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def db(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Yield the (empty, migrated) test database, the commands pointed at it."""
    use_database(monkeypatch, engine.url.render_as_string(hide_password=False))
    yield engine
    forget_database()


def rdvm(*args: str | Path, input: str | None = None) -> Result:
    """Run a command in this process and return its result (standard output and error apart)."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def count(engine: Engine, model: type[SQLModel]) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def counts(engine: Engine) -> dict[str, int]:
    return {model.__name__: count(engine, model) for model in TABLES}


def add_companies(engine: Engine, *names: str) -> None:
    with Session(engine) as session:
        for i, name in enumerate(names):
            session.add(Employer(name=name, licence_number=f"AGR-T-{i}", town="Bamako", contact_name="Awa Diarra",
                                 phone="+22376000000", email=f"c{i}@example.ml", status=EmployerStatus.approved))  # fmt: skip
        session.commit()


def profile(engine: Engine, code: str) -> TraineeProfile:
    with Session(engine) as session:
        found = session.exec(select(TraineeProfile).where(TraineeProfile.code == code)).one()
        session.expunge(found)
        return found


def bad_trainees_csv(folder: Path) -> Path:
    """Write a CSV of five trainees, two of them wrong in different fields."""
    path = folder / "trainees.csv"
    path.write_text(
        "id;full_name;home_town;mobility;birth_date\n"
        "T-1;Awa Traoré;Bamako;town;1990-04-12\n"
        "T-2;Moussa Keita;Kati;boss;\n"
        "T-3;Fatoumata Diallo;Sikasso;region;\n"
        "T-4;Ibrahim Maïga;Gao;country;1990-13-01\n"
        "T-5;Seydou Coulibaly;Kayes;town;\n",
        "utf-8",
    )
    return path


class TestDbUpgrade:
    def test_creates_every_table_and_can_run_again(self, fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        use_database(monkeypatch, fresh_url)
        try:
            first, again = rdvm("db", "upgrade"), rdvm("db", "upgrade")
        finally:
            forget_database()
        assert first.exit_code == 0, first.output
        assert again.exit_code == 0 and "up to date" in again.stderr
        engine = make_engine(fresh_url)
        try:
            tables = set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
        assert {"trainee_profile", "vacancy", "employer", "user", "alembic_version"} <= tables

    def test_runs_as_the_installed_command(self, tmp_path: Path) -> None:
        env = {**os.environ, "RDVM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
        done = subprocess.run([sys.executable, "-m", "web.cli", "db", "upgrade"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "cli.db").exists()


class TestImportTrainees:
    def test_a_valid_file_is_imported_and_counted(self, db: Engine) -> None:
        done = rdvm("import", "trainees", TRAINEES)
        assert done.exit_code == 0, done.output
        assert "6 trainees created, 0 updated" in done.stdout
        assert count(db, TraineeProfile) == 6
        assert not profile(db, "T-2020-001").consent_to_share

    def test_one_bad_record_among_good_ones_writes_nothing(self, db: Engine, tmp_path: Path) -> None:
        rdvm("import", "trainees", TRAINEES)
        before = counts(db)
        path = bad_trainees_csv(tmp_path)
        done = rdvm("import", "trainees", path)
        assert done.exit_code == 2
        assert f"{path}: row 3 (T-2), field 'mobility'" in done.stderr
        assert f"{path}: row 5 (T-4), field 'birth_date'" in done.stderr
        assert "2 error(s): nothing was imported" in done.stderr
        assert done.stdout == ""
        assert counts(db) == before

    def test_reimport_updates_instead_of_duplicating(self, db: Engine, tmp_path: Path) -> None:
        rdvm("import", "trainees", TRAINEES)
        document = json.loads(TRAINEES.read_text("utf-8"))
        document["trainees"][0]["full_name"] = "Awa Traoré Diarra"
        changed = tmp_path / "trainees.json"
        changed.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        done = rdvm("import", "trainees", changed)
        assert done.exit_code == 0, done.output
        assert "0 trainees created, 6 updated" in done.stdout
        assert count(db, TraineeProfile) == 6
        assert profile(db, "T-2020-001").full_name == "Awa Traoré Diarra"

    def test_consent_is_recorded_when_asked(self, db: Engine) -> None:
        done = rdvm("import", "trainees", TRAINEES, "--consent")
        assert done.exit_code == 0, done.output
        awa = profile(db, "T-2020-001")
        assert awa.consent_to_share and awa.consent_recorded_at is not None

    def test_warnings_are_printed_and_do_not_stop_the_import(self, db: Engine, tmp_path: Path) -> None:
        path = tmp_path / "trainees.json"
        path.write_text(json.dumps([{"id": "T-1", "full_name": "Awa", "home_town": "Atlantis"}]), "utf-8")
        done = rdvm("import", "trainees", path)
        assert done.exit_code == 0, done.output
        assert "warning" in done.stderr and "Atlantis" in done.stderr
        assert profile(db, "T-1").home_town == "Atlantis"

    def test_a_missing_file_is_reported(self, db: Engine, tmp_path: Path) -> None:
        done = rdvm("import", "trainees", tmp_path / "none.csv")
        assert done.exit_code == 2 and "cannot be read" in done.stderr


class TestImportVacancies:
    def test_a_valid_file_is_imported_and_updated_on_reimport(self, db: Engine) -> None:
        add_companies(db, *COMPANIES)
        done = rdvm("import", "vacancies", VACANCIES)
        assert done.exit_code == 0, done.output
        assert "4 vacancies created, 0 updated" in done.stdout
        again = rdvm("import", "vacancies", VACANCIES)
        assert "0 vacancies created, 4 updated" in again.stdout
        assert count(db, Vacancy) == 4

    def test_an_unknown_company_writes_nothing(self, db: Engine) -> None:
        add_companies(db, COMPANIES[0])
        done = rdvm("import", "vacancies", VACANCIES)
        assert done.exit_code == 2
        for where in ("index 1 (V-0002)", "index 3 (V-0004)"):
            assert f"{VACANCIES}: {where}, field 'employer': no company has the name 'Gardiennage du Mandé'" in done.stderr
        assert "2 error(s): nothing was imported" in done.stderr
        assert count(db, Vacancy) == 0

    def test_consent_applies_to_trainees_only(self, db: Engine) -> None:
        done = rdvm("import", "vacancies", VACANCIES, "--consent")
        assert done.exit_code == 2 and count(db, Vacancy) == 0


class TestExport:
    @pytest.mark.parametrize("suffix", [".json", ".csv"])
    def test_trainees_round_trip(self, db: Engine, tmp_path: Path, suffix: str) -> None:
        rdvm("import", "trainees", TRAINEES)
        path = tmp_path / f"out{suffix}"
        done = rdvm("export", "trainees", path)
        assert done.exit_code == 0, done.output
        assert "6 trainees written" in done.stdout
        assert exchange.load(path, "trainees").records == exchange.load(TRAINEES, "trainees").records
        again = rdvm("import", "trainees", path)
        assert "0 trainees created, 6 updated" in again.stdout

    def test_vacancies_round_trip(self, db: Engine, tmp_path: Path) -> None:
        add_companies(db, *COMPANIES)
        rdvm("import", "vacancies", VACANCIES)
        path = tmp_path / "vacancies.csv"
        assert rdvm("export", "vacancies", path).exit_code == 0
        assert exchange.load(path, "vacancies").records == exchange.load(VACANCIES, "vacancies").records

    def test_asks_for_migrations_on_a_database_without_tables(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        use_database(monkeypatch, f"sqlite:///{tmp_path / 'empty.db'}")
        try:
            done = rdvm("export", "trainees", tmp_path / "out.json")
        finally:
            forget_database()
        assert done.exit_code == 1 and "rdvm db upgrade" in done.stderr
        assert not (tmp_path / "out.json").exists()

    def test_refuses_an_unknown_extension(self, db: Engine, tmp_path: Path) -> None:
        done = rdvm("export", "trainees", tmp_path / "out.xlsx")
        assert done.exit_code == 2 and ".json or .csv" in done.stderr
        assert not (tmp_path / "out.xlsx").exists()


class TestUserCreate:
    def test_prompts_for_a_password(self, db: Engine) -> None:
        secret = "a long password"
        done = rdvm("user", "create", "--role", "officer", "--login", "Awa@Example.ml", "--name", "Awa", input=TWICE)
        assert done.exit_code == 0, done.output
        assert "created officer account awa@example.ml" in done.stdout
        with Session(db) as session:
            user = auth_service.authenticate(session=session, login="awa@example.ml", secret=secret, client="t")
            assert user.role == Role.officer

    def test_refuses_a_short_password_and_creates_nothing(self, db: Engine) -> None:
        done = rdvm("user", "create", "--role", "admin", "--login", "a@example.ml", "--name", "A", input="short\nshort\n")
        assert done.exit_code == 1
        assert "10 " in done.stderr  # at least 10 characters (the message is French until the English catalogue has it)
        assert count(db, User) == 0

    def test_prints_a_pin_for_a_trainee(self, db: Engine) -> None:
        rdvm("import", "trainees", TRAINEES)
        args = ("--login", "+223 76 12 34 56", "--name", "Awa", "--trainee-code", "T-2020-001")
        done = rdvm("user", "create", "--role", "trainee", *args)
        assert done.exit_code == 0, done.output
        pin = done.stdout.split("PIN ")[1][:6]
        with Session(db) as session:
            user = auth_service.authenticate(session=session, login="+22376123456", secret=pin, client="t")
        assert user.trainee_id == profile(db, "T-2020-001").id  # one session at a time: each holds SQLite's write lock

    def test_links_an_employer_account_to_its_company(self, db: Engine) -> None:
        add_companies(db, COMPANIES[0])
        with Session(db) as session:
            company_id = session.exec(select(Employer.id)).one()
        args = ("user", "create", "--role", "employer", "--login", "rh@sahel.ml", "--name", "RH")
        assert rdvm(*args, "--employer-id", str(company_id), input=TWICE).exit_code == 0
        assert rdvm(*args, input=TWICE).exit_code == 2
        assert rdvm(*args, "--employer-id", "999999", input=TWICE).exit_code == 1
        with Session(db) as session:
            assert session.exec(select(User.employer_id)).one() == company_id

    def test_refuses_a_taken_login(self, db: Engine) -> None:
        args = ("user", "create", "--role", "admin", "--login", "a@example.ml", "--name", "A")
        rdvm(*args, input=TWICE)
        done = rdvm(*args, input=TWICE)
        assert done.exit_code == 1 and "a@example.ml" in done.stderr
        assert count(db, User) == 1


class TestDemo:
    def test_seeds_once_and_reruns_without_duplicating(self, db: Engine, tmp_path: Path) -> None:
        first = rdvm("demo", "--folder", tmp_path)
        assert first.exit_code == 0, first.output
        seeded = counts(db)
        assert seeded == {"TraineeProfile": 30, "Vacancy": 8, "Employer": 3, "User": 10}
        assert "trainees 30 created, 0 updated; vacancies 8 created, 0 updated" in first.stdout
        assert (tmp_path / "trainees.json").exists() and (tmp_path / "vacancies.csv").exists()
        with Session(db) as session:  # the first demo trainee has an offer to answer
            [offered] = session.exec(select(Offer)).all()
            assert offered.state == OfferState.offered
            assert session.exec(select(User).where(User.trainee_id == offered.trainee_id)).one().login in first.stdout
        again = rdvm("demo", "--folder", tmp_path)
        assert again.exit_code == 0, again.output
        assert counts(db) == seeded and count(db, Offer) == 1
        assert "trainees 0 created, 30 updated; vacancies 0 created, 8 updated" in again.stdout
        for sign_in in [*demo_data.STAFF, *demo_data.TRAINEE_PINS]:
            assert (sign_in.login if isinstance(sign_in, demo_data.SignIn) else sign_in) in again.stdout

    def test_seeds_what_the_application_shows_and_the_readme_lists(self, db: Engine, tmp_path: Path) -> None:
        assert rdvm("demo", "--folder", tmp_path).exit_code == 0
        readme = README.read_text("utf-8")
        with Session(db) as session:
            for login, role in session.exec(select(User.login, User.role)):
                secret = next(s.secret for s in [*self.sign_ins(), *self.trainee_sign_ins(session)] if s.login == login)
                assert f"`{login}` | `{secret}` |" in readme, (role, login)
            assert all(v.status == VacancyStatus.open for v in session.exec(select(Vacancy)))
            assert all(e.status == EmployerStatus.approved for e in session.exec(select(Employer)))
            assert all(p.consent_to_share for p in session.exec(select(TraineeProfile)))
            per_company = session.exec(select(Vacancy.employer_id, func.count()).group_by(Vacancy.employer_id)).all()
            assert sorted(n for _, n in per_company) == [2, 3, 3]
            employers = session.exec(select(User).where(User.role == Role.employer)).all()
            assert len({u.employer_id for u in employers}) == 3

    def test_rerunning_resets_the_demo_passwords(self, db: Engine, tmp_path: Path) -> None:
        rdvm("demo", "--folder", tmp_path)
        admin = demo_data.STAFF[0]
        with Session(db) as session:
            user = session.exec(select(User).where(User.login == admin.login)).one()
            auth_service.set_secret(session=session, user=user, new="changed by someone")
            session.commit()
        assert rdvm("demo", "--folder", tmp_path).exit_code == 0
        for sign_in in self.sign_ins():
            with Session(db) as session:
                assert auth_service.authenticate(session=session, login=sign_in.login, secret=sign_in.secret, client="t")

    def test_refuses_a_database_with_other_accounts(self, db: Engine, tmp_path: Path) -> None:
        rdvm("user", "create", "--role", "admin", "--login", "real@example.ml", "--name", "A", input=TWICE)
        done = rdvm("demo", "--folder", tmp_path)
        assert done.exit_code == 1 and "not the demo's" in done.stderr
        assert counts(db) == {"TraineeProfile": 0, "Vacancy": 0, "Employer": 0, "User": 1}

    @staticmethod
    def trainee_sign_ins(session: Session) -> list[Any]:
        """The demo's trainee accounts: the PINs go to the trainees in order of their ids."""
        query = select(User.login).join(TraineeProfile, col(User.trainee_id) == TraineeProfile.id).order_by(TraineeProfile.code)
        logins = session.exec(query).all()
        return [demo_data.SignIn(Role.trainee, login, pin, "") for login, pin in zip(logins, demo_data.TRAINEE_PINS, strict=True)]

    @staticmethod
    def sign_ins() -> list[Any]:
        companies = [demo_data.SignIn(Role.employer, c.login, c.password, c.name) for c in demo_data.demo_companies("ML")]
        return [*demo_data.STAFF, *companies, demo_data.SCHOOL]


class TestJobs:
    def test_expires_overdue_offers_and_sends_the_outbox_once(self, db: Engine, tmp_path: Path) -> None:
        with Session(db) as session:
            company, officer = employer(session), account(session, Role.officer)
            vacancy = stored_vacancy(session, company)
            late = offer_in(session, vacancy, stored_profile(session, phone="+22376111111"), OfferState.offered, by=officer,
                            offered_at=utcnow() - timedelta(days=8))  # fmt: skip
            fresh = offer_in(session, vacancy, stored_profile(session, phone="+22376222222"), OfferState.offered, by=officer,
                             offered_at=utcnow() - timedelta(hours=1))  # fmt: skip
            late_id, fresh_id = late.id, fresh.id
        sent = tmp_path / "outbox.jsonl"
        first = rdvm("jobs", "--outbox-file", sent)
        assert first.exit_code == 0, first.output
        assert "offers: 1 expired, 0 reminded; outbox: 1 sent, 0 failed" in first.stderr
        with Session(db) as session:
            assert session.get(Offer, late_id).state == OfferState.expired  # type: ignore[union-attr]
            assert session.get(Offer, fresh_id).state == OfferState.offered  # type: ignore[union-attr]
            unsent = select(func.count()).select_from(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
            assert session.exec(unsent).one() == 0
        lines = [json.loads(line) for line in sent.read_text("utf-8").splitlines()]
        assert [(m["kind"], m["offer_id"]) for m in lines] == [("offer_expired.officer", late_id)]
        again = rdvm("jobs", "--outbox-file", sent)
        assert "offers: 0 expired, 0 reminded; outbox: 0 sent, 0 failed" in again.stderr
        assert len(sent.read_text("utf-8").splitlines()) == 1
