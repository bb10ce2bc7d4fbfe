"""The CSRF token is bound to the session: signing in rotates it, and one session's token fails in another."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from sqlmodel import Session

from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from web.auth.models import Role

NEW_PASSWORD = "a brand new password"


def page_token(page: str) -> str:
    """Return the CSRF token of a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return html.unescape(found.group(1))


def change_password(client: Client, token: str, current: str = PASSWORD, new: str = NEW_PASSWORD) -> int:
    """Post the password form with a given token; return the status."""
    data = {"current": current, "new": new, "csrf_token": token}
    return int(client.post("/account/password", data=data).status_code)


def test_signing_in_rotates_the_token(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    before = client.csrf()
    client.sign_in(officer.login, PASSWORD)
    after = client.csrf()
    assert after != before
    assert change_password(client, before) == 403
    assert change_password(client, after) == 200


def test_one_session_token_fails_in_another_session(new_client: Callable[[], Client], session: Session) -> None:
    officer = user(session, Role.officer)
    first, second = new_client(), new_client()
    first.sign_in(officer.login, PASSWORD)
    second.sign_in(officer.login, PASSWORD)
    assert first.csrf() != second.csrf()
    assert change_password(second, first.csrf()) == 403


def test_the_page_after_a_password_change_carries_the_new_session_token(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    page = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "csrf_token": client.csrf()})
    assert page.status_code == 200
    token = page_token(page.text)
    assert token == client.csrf()
    signed_out = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/signin"


def test_the_api_sign_in_answers_the_new_token(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    before = client.csrf()
    answer = client.post("/api/v1/session", json={"login": officer.login, "secret": PASSWORD}, headers={"X-CSRF-Token": before})
    token = answer.json()["csrf_token"]
    assert token != before and token == client.csrf()
    stale = client.delete("/api/v1/session", headers={"X-CSRF-Token": before})
    assert stale.status_code == 403
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": token}).json() == {"signed_out": True}
