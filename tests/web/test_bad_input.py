"""Bad input is a refusal with a message, never a crash (security review, finding 5), on both databases.

Ids past the databases' integer range, NUL characters in texts, over-long logins, a huge CSV cell and a JSON
file nested a million deep each get a 4xx answer (or, for the files, an issue naming the row) — not a 500.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlmodel import Session, select

from employers.models import Employer, Vacancy
from matching import exchange
from tests.web.conftest import Client
from tests.web.factories import PASSWORD
from tests.web.test_commands_as_shipped import entry_point, run
from tests.web.test_employers import APPLICATION, api, count, signed_in_employer
from tests.web.test_officer_trainees import signed_in_officer, upload

#: The first id past SQLite's integers (2^63) and past PostgreSQL's (2^31), and the last within both.
PAST_SQLITE, PAST_POSTGRES, LARGEST_ID = 2**63, 2**31, 2**31 - 1
TRAINEE_HEADER = "id,full_name,home_town"


class TestIdsPastTheIntegerRange:
    """A path, query or body number no database can hold is a 4xx with a message."""

    @pytest.mark.parametrize("number", [PAST_SQLITE, PAST_POSTGRES, 10**30])
    def test_api_path_ids(self, client: Client, session: Session, number: int) -> None:
        signed_in_employer(client, session)
        calls = [("GET", f"/api/v1/vacancies/{number}"), ("PATCH", f"/api/v1/vacancies/{number}"),
                 ("POST", f"/api/v1/vacancies/{number}/publish"), ("GET", f"/api/v1/vacancies/{number}/offers")]  # fmt: skip
        for method, url in calls:
            answer = api(client, method, url, json={})
            assert answer.status_code in (404, 422), (method, url, answer.text)
            assert answer.json()["detail"]

    @pytest.mark.parametrize("number", [PAST_SQLITE, PAST_POSTGRES])
    def test_page_path_ids(self, client: Client, session: Session, number: int) -> None:
        signed_in_officer(client, session)
        page = client.get(f"/officer/trainees/{number}")
        assert page.status_code in (404, 422) and "<html" in page.text  # 2^31 is only "not found" on SQLite

    def test_the_largest_id_is_only_not_found(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        assert api(client, "GET", f"/api/v1/vacancies/{LARGEST_ID}").status_code == 404

    @pytest.mark.parametrize("number", [PAST_SQLITE, PAST_POSTGRES])
    def test_body_numbers(self, client: Client, session: Session, number: int) -> None:
        signed_in_employer(client, session)
        for field in ("seats", "salary_fcfa_month"):
            body = {"title": "Agent", "level": "guard", "town": "Bamako", field: number}
            answer = api(client, "POST", "/api/v1/vacancies", json=body)
            assert answer.status_code == 422, answer.text
            assert field in answer.json()["detail"]
        assert count(session, Vacancy) == 0

    def test_query_numbers(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        page = client.get(f"/officer/trainees?page={PAST_SQLITE}")
        assert page.status_code < 500


class TestNulCharacters:
    """A NUL character is dropped from every text before it reaches the database, the same on both kinds."""

    def test_in_a_json_body(self, client: Client, session: Session) -> None:
        answer = api(client, "POST", "/api/v1/employer-applications",
                     json={**APPLICATION, "name": "Sahel\x00 Garde", "town": "Bam\x00ako"})  # fmt: skip
        assert answer.status_code == 201, answer.text
        assert answer.json()["name"] == "Sahel Garde"
        session.expire_all()
        [company] = session.exec(select(Employer)).all()
        assert company.name == "Sahel Garde" and company.town == "Bamako"

    def test_in_a_form_and_a_query(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        assert client.get("/officer/trainees", params={"q": "Awa\x00"}).status_code == 200
        refused = client.post("/signin", data={"login": "a\x00b@example.ml", "secret": "x\x00y", "csrf_token": client.csrf()})
        assert refused.status_code in (400, 401)

    def test_in_a_sign_in(self, client: Client, session: Session) -> None:
        answer = api(client, "POST", "/api/v1/session", json={"login": "nobody\x00@example.ml", "secret": "x"})
        assert answer.status_code == 401 and answer.json()["detail"]


class TestLongLogins:
    """A login longer than an e-mail address may be is refused with a message."""

    def test_sign_in(self, client: Client, session: Session) -> None:
        login = "a" * 300 + "@example.ml"
        answer = api(client, "POST", "/api/v1/session", json={"login": login, "secret": PASSWORD})
        assert answer.status_code == 401 and answer.json()["detail"]
        page = client.post("/signin", data={"login": login, "secret": PASSWORD, "csrf_token": client.csrf()})
        assert page.status_code == 401

    def test_application(self, client: Client, session: Session) -> None:
        email = "a" * 300 + "@example.ml"
        answer = api(client, "POST", "/api/v1/employer-applications", json={**APPLICATION, "email": email})
        assert answer.status_code == 422 and "email" in answer.json()["detail"]
        assert count(session, Employer) == 0


class TestFiles:
    """A file that the CSV or JSON reader cannot take gets an issue naming the row, not a crash."""

    def test_a_huge_csv_cell(self) -> None:
        text = f"{TRAINEE_HEADER}\nT-1,Awa,Bamako\nT-2,{'x' * 4_900_000},Bamako\n"
        records, issues = exchange.read_raw(text, source="t.csv", fmt="csv", kind="trainees")
        assert [(i.where, i.severity) for i in issues] == [("row 3", "error")], issues
        assert "131072" in issues[0].message or "131 072" in issues[0].message

    def test_a_json_file_nested_a_million_deep(self) -> None:
        records, issues = exchange.read_raw("[" * 1_000_000, source="t.json", fmt="json", kind="trainees")
        assert records == [] and len(issues) == 1 and "nested" in issues[0].message

    def test_the_import_page(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        nested = upload(client, "stagiaires.json", "[" * 1_000_000)
        assert nested.status_code == 422 and "nested" in nested.text
        huge = upload(client, "stagiaires.csv", f"{TRAINEE_HEADER}\nT-2,{'x' * 4_900_000},Bamako\n")
        assert huge.status_code == 422 and "row 2" in huge.text


class TestCommands:
    """`rdvm validate` and `rdvm import`, run as shipped, name the problem and fail without a traceback."""

    @pytest.mark.parametrize("command", ["validate", "import"])
    def test_unreadable_files(self, command: str, tmp_path: Path) -> None:
        fresh_sqlite = {**os.environ, "RDVM_DATABASE_URL": f"sqlite:///{tmp_path / 'bad.db'}", "RDVM_SECRET_KEY": "test-only"}
        nested, huge = tmp_path / "nested.json", tmp_path / "huge.csv"
        nested.write_text("[" * 1_000_000, encoding="utf-8")
        huge.write_text(f"{TRAINEE_HEADER}\nT-2,{'x' * 4_900_000},Bamako\n", encoding="utf-8")
        if command == "import":
            assert run(fresh_sqlite, "db", "upgrade").returncode == 0
        for path, said in [(nested, "nested too deeply"), (huge, "row 2: has a cell longer than")]:
            done = run(fresh_sqlite, *([command, "trainees"] if command == "import" else [command]), path)
            assert done.returncode in (1, 2), (done.stdout, done.stderr)  # import: 2 for a file with errors
            assert said in done.stdout + done.stderr and "Traceback" not in done.stderr

    def test_an_overlong_login_is_refused_by_rdvm_user_create(self, tmp_path: Path) -> None:
        env = {**os.environ, "RDVM_DATABASE_URL": f"sqlite:///{tmp_path / 'users.db'}", "RDVM_SECRET_KEY": "test-only"}
        assert run(env, "db", "upgrade").returncode == 0
        login = "a" * 300 + "@example.ml"
        command = [entry_point(), "user", "create", "--role", "officer", "--login", login, "--name", "Awa"]
        typed = "a long enough password\n" * 2  # the password and its confirmation
        created = subprocess.run(command, env=env, input=typed, capture_output=True, text=True, timeout=300)
        assert created.returncode == 1 and "254 characters at most" in created.stderr, created.stderr
