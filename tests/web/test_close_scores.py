"""The candidate pages say what separates a candidate from the next one when their scores are close (issue 14)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_officer_workspace import fresh_candidates, part, text_of
from web.auth.models import Role

__all__ = ["fresh_candidates"]  # the officers' pages' autouse fixture: every test starts with an empty candidate cache


def stints(years: float) -> list[dict[str, Any]]:
    return [{"title": "vigile", "years": years, "sector": "security", "country": "ML"}]


def test_officer_and_employer_pages_show_ties_and_what_decided_them(client: Client, new_client: Any, session: Session) -> None:
    firm = employer(session)
    post = stored_vacancy(session, firm, town="Bamako")
    senior = profile(session, full_name="Awa Traoré", experience=stints(9))
    junior = profile(session, full_name="Bakary Keita", experience=stints(6))  # equal score: experience decides
    client.sign_in(user(session, Role.officer).login, PASSWORD)

    page = client.get(f"/officer/vacancies/{post.id}").text

    said = text_of(part(page, f"t{senior.id}"))
    assert "à égalité exacte avec le suivant, départagés par l'expérience (9 ans contre 6 ans)" in said
    assert "à égalité" not in text_of(part(page, f"t{junior.id}"))  # the last has no next one
    company = new_client()
    company.sign_in(user(session, Role.employer, employer_id=firm.id).login, PASSWORD)
    card = company.get(f"/employer/vacancies/{post.id}/candidates/{senior.code}").text  # the full card of the compact list
    assert "départagés par l'expérience (9 ans contre 6 ans)" in text_of(card)
