"""Pages of an installation for Senegal (RDVM_COUNTRY=SN): its phone example, its towns and its minimum wage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from employers.models import Vacancy
from matching.country import DEFAULT_COUNTRY, use_country
from tests.web.conftest import Client
from tests.web.test_employers import VACANCY_FORM, signed_in_employer


@pytest.fixture
def senegal(app: object) -> Iterator[None]:
    """Serve the application for Senegal (after the app chose the settings' country), then for Mali again."""
    use_country("SN")
    try:
        yield
    finally:
        use_country(DEFAULT_COUNTRY)


@pytest.mark.usefixtures("senegal")
def test_the_application_form_gives_a_senegal_phone_example(client: Client) -> None:
    assert "Par exemple +221 77 123 45 67." in client.get("/employer/apply").text


@pytest.mark.usefixtures("senegal")
def test_a_dakar_vacancy_under_senegal_s_smig_is_saved_with_the_warning_in_fcfa(client: Client, session: Session) -> None:
    signed_in_employer(client, session, town="Dakar")
    form = client.get("/employer/vacancies/new").text
    assert "Le SMIG est de 64\u202f223 FCFA par mois." in form and 'value="Dakar"' in form
    saved = client.post_form(
        "/employer/vacancies/new", {**VACANCY_FORM, "town": "dakar", "salary_fcfa_month": "60000"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert "Ce salaire est inférieur au SMIG (64\u202f223 FCFA par mois)." in client.get(saved.headers["location"]).text
    vacancy = session.exec(select(Vacancy)).one()
    assert (vacancy.town, vacancy.salary_fcfa_month) == ("Dakar", 60_000)
