"""After signing in, the browser goes back only to a page of this site, however the address is spelled."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.web.conftest import Client
from tests.web.factories import PASSWORD, user
from web.auth.models import Role
from web.security import same_site_path

ELSEWHERE = [
    "https://evil.example",
    "http://evil.example/officer",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%09/evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "javascript:alert(1)",
    "evil.example",
    " /officer",
    "/" + "a" * 3000,
    "",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_an_address_elsewhere_falls_back_home(target: str) -> None:
    assert same_site_path(target, "/officer") == "/officer"


@pytest.mark.parametrize("target", ["/officer", "/officer/trainees/T-0001", "/employer/vacancies/3?tab=offers", "/"])
def test_a_path_of_the_site_is_kept(target: str) -> None:
    assert same_site_path(target, "/home") == target


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example", "/%5Cevil", "/\t/evil"])
def test_signing_in_never_leaves_the_site(target: str, client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    form = {"login": officer.login, "secret": PASSWORD, "next": target, "csrf_token": client.csrf()}
    response = client.post("/signin", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/officer"


def test_signing_in_goes_back_to_the_page_asked_for(client: Client, session: Session) -> None:
    officer = user(session, Role.officer)
    asked = client.get("/officer/trainees", follow_redirects=False)
    assert asked.headers["location"] == "/signin?next=/officer/trainees"
    form = {"login": officer.login, "secret": PASSWORD, "next": "/officer/trainees", "csrf_token": client.csrf()}
    response = client.post("/signin", data=form, follow_redirects=False)
    assert response.headers["location"] == "/officer/trainees"


def test_the_form_does_not_carry_an_address_elsewhere(client: Client) -> None:
    page = client.get("/signin", params={"next": "/\\evil.example"})
    assert 'name="next" value=""' in page.text
