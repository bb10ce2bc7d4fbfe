"""The company's compact candidate list, served: sort, filters and pages by query parameters, the card, the comparison."""

from __future__ import annotations

import re

from sqlmodel import Session

from employers import candidates
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.test_employers import signed_in_employer


def rows_of(html: str) -> list[str]:
    """Return the trainee codes of the compact table's rows, in order."""
    return re.findall(r'<tr id="(T-[^"]+)">', html)


def seed(client: Client, session: Session, n: int = 30) -> int:
    company = signed_in_employer(client, session)
    for i in range(n):
        profile(session, home_town="Kati" if i % 3 == 0 else "Bamako", certifications=["SSIAP2"] if i % 5 == 0 else ["SST"],
                experience=[{"title": "agent", "years": i % 7, "sector": "security", "country": "FR"}])  # fmt: skip
    candidates.invalidate()
    return stored_vacancy(session, company).id or 0


def test_the_list_pages_sorts_and_filters_by_query_parameters(client: Client, session: Session) -> None:
    vacancy_id = seed(client, session)
    first = client.get(f"/employer/vacancies/{vacancy_id}")
    assert first.status_code == 200 and len(rows_of(first.text)) == 25 and "Page 1 sur 2" in first.text
    second = client.get(f"/employer/vacancies/{vacancy_id}?page=2")
    assert len(rows_of(second.text)) == 5 and set(rows_of(second.text)).isdisjoint(rows_of(first.text))
    kati = client.get(f"/employer/vacancies/{vacancy_id}?town=Kati")
    assert len(rows_of(kati.text)) == 10 and "10 candidats sur 30 avec ces filtres." in kati.text
    ssiap1 = client.get(f"/employer/vacancies/{vacancy_id}?certification=SSIAP1&sort=experience")
    assert len(rows_of(ssiap1.text)) == 6  # SSIAP 2 holders hold SSIAP 1
    years = [float(y.replace(",", ".")) for y in re.findall(r'<td class="number">([\d,]+) ans?</td>', ssiap1.text)]
    assert years == sorted(years, reverse=True) and 'aria-sort="descending"' in ssiap1.text


def test_the_card_and_the_comparison(client: Client, session: Session) -> None:
    vacancy_id = seed(client, session, n=6)
    codes = rows_of(client.get(f"/employer/vacancies/{vacancy_id}").text)
    card = client.get(f"/employer/vacancies/{vacancy_id}/candidates/{codes[2]}")
    assert card.status_code == 200 and "3. " in card.text and 'class="reasons"' in card.text
    assert client.get(f"/employer/vacancies/{vacancy_id}/candidates/T-NOPE").status_code == 409
    both = client.get(f"/employer/vacancies/{vacancy_id}/compare", params=[("code", codes[3]), ("code", codes[0])])
    assert both.status_code == 200 and both.text.index(codes[3]) < both.text.index(codes[0])
    assert client.get(f"/employer/vacancies/{vacancy_id}/compare", params={"code": codes[0]}).status_code == 422
    five = client.get(f"/employer/vacancies/{vacancy_id}/compare", params=[("code", c) for c in codes[:5]])
    assert five.status_code == 422 and "Cochez de 2 à 4 candidats" in five.text


def test_asking_from_page_two_returns_to_page_two(client: Client, session: Session) -> None:
    vacancy_id = seed(client, session)
    page = client.get(f"/employer/vacancies/{vacancy_id}?page=2&sort=town")
    code = rows_of(page.text)[0]
    asked = client.post_form(f"/employer/vacancies/{vacancy_id}/candidates/{code}/request",
                             {"back": f"/employer/vacancies/{vacancy_id}?sort=town&page=2"}, follow_redirects=False)  # fmt: skip
    assert asked.headers["location"] == f"/employer/vacancies/{vacancy_id}?sort=town&page=2&done=requested#{code}"
    elsewhere = client.post_form(f"/employer/vacancies/{vacancy_id}/candidates/{rows_of(page.text)[1]}/request",
                                 {"back": "https://evil.example/x"}, follow_redirects=False)  # fmt: skip
    assert elsewhere.headers["location"].startswith(f"/employer/vacancies/{vacancy_id}?done=requested#")


def test_the_list_the_card_and_the_comparison_in_english(client: Client, session: Session) -> None:
    vacancy_id = seed(client, session, n=4)
    listed = client.get(f"/employer/vacancies/{vacancy_id}?lang=en").text
    assert "4 candidates ranked." in listed and "Compare the ticked candidates (2 to 4)" in listed and "Rank" in listed
    codes = rows_of(listed)
    assert "Available: now" in client.get(f"/employer/vacancies/{vacancy_id}/candidates/{codes[0]}?lang=en").text
    both = client.get(f"/employer/vacancies/{vacancy_id}/compare?lang=en", params=[("code", codes[0]), ("code", codes[1])])
    assert "Compare candidates" in both.text and "Years in security" in both.text
