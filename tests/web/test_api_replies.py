"""The API's replies and requests (security review, finding 6): zoned timestamps, text where text is due, no yes/no
oracle at sign-in, and an Idempotency-Key that makes a retried creation safe — on both databases."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlmodel import Session

from employers.models import Employer, EmployerStatus, Vacancy
from tests.employers.factories import profile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_employers import APPLICATION, api, count, signed_in_employer
from web.auth.models import Role

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ZONED = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
VACANCY = {"title": "Vigile", "level": "guard", "town": "Bamako"}


def strings(value: Any) -> Iterator[str]:
    """Yield every string of a JSON value, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def signed_in_officer(new_client: Callable[[], Client], session: Session) -> Client:
    officer = new_client()
    officer.sign_in(user(session, Role.officer).login, PASSWORD)
    return officer


class TestTimestamps:
    def test_every_timestamp_of_the_api_carries_its_zone(
        self, client: Client, new_client: Callable[[], Client], session: Session
    ) -> None:
        profile(session)
        signed_in_employer(client, session)
        created = api(client, "POST", "/api/v1/vacancies", json=VACANCY).json()
        url = f"/api/v1/vacancies/{created['id']}"
        replies = [created, api(client, "POST", f"{url}/publish").json(), api(client, "GET", "/api/v1/vacancies").json(),
                   api(client, "GET", url).json()]  # fmt: skip
        applicant = new_client()
        replies.append(api(applicant, "POST", "/api/v1/employer-applications", json=APPLICATION).json())
        officer = signed_in_officer(new_client, session)
        replies.append(api(officer, "GET", "/api/v1/employer-applications").json())
        replies.append(api(officer, "POST", f"/api/v1/employer-applications/{replies[-2]['id']}/approve").json())
        stamps = [text for reply in replies for text in strings(reply) if TIMESTAMP.match(text)]
        assert len(stamps) >= 10
        assert [stamp for stamp in stamps if not ZONED.search(stamp)] == []


class TestTextFields:
    def test_a_number_where_a_reason_is_due_is_refused(self, new_client: Callable[[], Client], session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        officer = signed_in_officer(new_client, session)
        refused = api(officer, "POST", f"/api/v1/employer-applications/{company.id}/reject", json={"reason": 12345})
        assert refused.status_code == 422 and set(refused.json()["detail"]) == {"reason"}
        session.expire_all()
        assert session.get(Employer, company.id).status == EmployerStatus.pending  # type: ignore[union-attr]

    def test_a_number_in_an_application_text_is_refused(self, client: Client, session: Session) -> None:
        refused = api(client, "POST", "/api/v1/employer-applications", json={**APPLICATION, "name": 42, "town": 7})
        assert refused.status_code == 422 and {"name", "town"} <= set(refused.json()["detail"])
        assert count(session, Employer) == 0


class TestNoOracle:
    def test_a_pending_companys_right_password_answers_as_a_wrong_one(
        self, new_client: Callable[[], Client], session: Session
    ) -> None:
        company = employer(session, status=EmployerStatus.pending)
        contact = user(session, Role.employer, employer_id=company.id)
        answers = []
        for secret in (PASSWORD, "a wrong password"):
            browser = new_client()
            reply = api(browser, "POST", "/api/v1/session", json={"login": contact.login, "secret": secret})
            page = browser.post("/signin", data={"login": contact.login, "secret": secret, "csrf_token": browser.csrf()})
            answers.append((reply.status_code, reply.json(), page.status_code, page.text.replace(browser.csrf(), "")))
        assert answers[0] == answers[1]


class TestIdempotencyKey:
    def test_a_retried_creation_replays_the_first_answer(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        headers = {"Idempotency-Key": "c0ffee-1", "X-CSRF-Token": client.csrf()}
        first = client.post("/api/v1/vacancies", json=VACANCY, headers=headers)
        again = client.post("/api/v1/vacancies", json=VACANCY, headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json() and again.headers.get("Idempotency-Replayed") == "true"
        assert count(session, Vacancy) == 1
        other = client.post("/api/v1/vacancies", json=VACANCY, headers={**headers, "Idempotency-Key": "c0ffee-2"})
        assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
        without = client.post("/api/v1/vacancies", json=VACANCY, headers={"X-CSRF-Token": client.csrf()})
        assert without.status_code == 201
        assert count(session, Vacancy) == 3

    def test_the_same_key_with_another_body_is_refused(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        headers = {"Idempotency-Key": "k-1", "X-CSRF-Token": client.csrf()}
        assert client.post("/api/v1/vacancies", json=VACANCY, headers=headers).status_code == 201
        changed = client.post("/api/v1/vacancies", json={**VACANCY, "title": "Autre"}, headers=headers)
        assert changed.status_code == 422 and "Idempotency-Key" in changed.json()["detail"]
        assert count(session, Vacancy) == 1

    def test_keys_are_each_accounts_own(self, new_client: Callable[[], Client], session: Session) -> None:
        first, second = new_client(), new_client()
        signed_in_employer(first, session)
        signed_in_employer(second, session)
        for browser in (first, second):
            sent = browser.post(
                "/api/v1/vacancies", json=VACANCY, headers={"Idempotency-Key": "same", "X-CSRF-Token": browser.csrf()}
            )
            assert sent.status_code == 201 and sent.headers.get("Idempotency-Replayed") is None
        assert count(session, Vacancy) == 2

    def test_an_anonymous_application_retried_is_recorded_once(self, client: Client, session: Session) -> None:
        headers = {"Idempotency-Key": "apply-1", "X-CSRF-Token": client.csrf()}
        first = client.post("/api/v1/employer-applications", json=APPLICATION, headers=headers)
        again = client.post("/api/v1/employer-applications", json=APPLICATION, headers=headers)
        assert first.status_code == again.status_code == 201 and again.json() == first.json()
        assert count(session, Employer) == 1

    def test_a_refusal_is_not_kept(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        headers = {"Idempotency-Key": "fix-and-retry", "X-CSRF-Token": client.csrf()}
        wrong = client.post("/api/v1/vacancies", json={**VACANCY, "level": "chief"}, headers=headers)
        assert wrong.status_code == 422
        fixed = client.post("/api/v1/vacancies", json=VACANCY, headers=headers)
        assert fixed.status_code == 201 and count(session, Vacancy) == 1

    def test_an_overlong_key_is_refused(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        refused = client.post(
            "/api/v1/vacancies", json=VACANCY, headers={"Idempotency-Key": "k" * 300, "X-CSRF-Token": client.csrf()}
        )
        assert refused.status_code == 422 and "Idempotency-Key" in refused.json()["detail"]
        assert count(session, Vacancy) == 0

    def test_two_copies_sent_at_once_create_once(self, new_client: Callable[[], Client], session: Session) -> None:
        firm = employer(session)
        account = user(session, Role.employer, employer_id=firm.id)
        browsers = [new_client(), new_client()]
        for browser in browsers:
            browser.sign_in(account.login, PASSWORD)
        sent = [(browser, {"Idempotency-Key": "at-once", "X-CSRF-Token": browser.csrf()}) for browser in browsers]
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda pair: pair[0].post("/api/v1/vacancies", json=VACANCY, headers=pair[1]), sent))
        assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json()
        assert count(session, Vacancy) == 1
