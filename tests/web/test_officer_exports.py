"""CSV export of every officer list (issue 13): each list as its page filters it, through the neutralising writer (a
cell a spreadsheet would run as a formula starts with an apostrophe), linked from its page; officers only."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import Session

from employers.models import OfferOrigin, OfferState, VacancyStatus
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_officer_workspace import officer_in
from web.auth.models import Role

FORMULA = '=HYPERLINK("http://evil.example","clic")'


def rows_of(client: Client, url: str) -> list[list[str]]:
    """Return a CSV export's rows, after checking it is one."""
    answer = client.get(url)
    assert answer.status_code == 200, url
    assert answer.headers["content-type"].startswith("text/csv") and "attachment" in answer.headers["content-disposition"]
    return list(csv.reader(io.StringIO(answer.text)))


def scene(client: Client, session: Session) -> dict[str, int]:
    officer = officer_in(client, session)
    firm = employer(session, name="Sahel Garde")
    post = stored_vacancy(session, firm, title=FORMULA, seats=2)
    stored_vacancy(session, firm, title="Fermée", status=VacancyStatus.closed)
    awa = profile(session, full_name="Awa Traoré", phone="+22376000001", training={"cohort": "2026-A"})
    bakary = profile(session, full_name="-Bakary Keita", phone="+22376000002")
    offer_in(session, post, awa, OfferState.offered, by=officer)
    offer_in(session, post, bakary, OfferState.shortlisted, by=officer, origin=OfferOrigin.employer_request)
    return {"post": post.id or 0, "awa": awa.id or 0}


def test_every_list_exports_with_formulas_neutralised(client: Client, session: Session) -> None:
    ids = scene(client, session)
    urls = ["/officer/trainees.csv", "/officer/vacancies.csv", f"/officer/vacancies/{ids['post']}/review.csv",
            "/officer/followups.csv", "/officer/audit.csv", "/officer/outbox.csv", "/officer/applications.csv",
            *(f"/officer/dashboard/{name}.csv" for name in
              ("vacancies", "requested", "trainees", "offers", "overdue", "accepted", "expiring"))]  # fmt: skip
    for url in urls:
        for row in rows_of(client, url):
            assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row), (url, row)
    trainees = rows_of(client, "/officer/trainees.csv")
    assert trainees[0][:3] == ["Code", "Nom", "Téléphone"]
    assert trainees[2][1:3] == ["'-Bakary Keita", "'+22376000002"]  # by code: Awa was stored first
    vacancies = rows_of(client, "/officer/vacancies.csv?status=open")
    assert len(vacancies) == 2 and vacancies[1][1] == "'" + FORMULA
    assert len(rows_of(client, "/officer/vacancies.csv")) == 3
    assert [r[1] for r in rows_of(client, "/officer/dashboard/offers.csv")[1:]] == ["'" + FORMULA]
    requested = rows_of(client, "/officer/dashboard/requested.csv")
    assert [r[4] for r in requested[1:]] == ["'-Bakary Keita"]
    review = rows_of(client, f"/officer/vacancies/{ids['post']}/review.csv")
    assert {r[2] for r in review[1:]} == {"Awa Traoré", "'-Bakary Keita"}
    assert len(rows_of(client, "/officer/trainees.csv?q=awa")) == 2
    assert client.get("/officer/dashboard/nothing.csv").status_code == 404


@pytest.mark.parametrize(("page", "link"), [("/officer/trainees", "/officer/trainees.csv?"),
                                            ("/officer/vacancies", "/officer/vacancies.csv"),
                                            ("/officer/followups", "/officer/followups.csv"),
                                            ("/officer/audit", "/officer/audit.csv?"),
                                            ("/officer/outbox", "/officer/outbox.csv"),
                                            ("/officer/applications", "/officer/applications.csv"),
                                            ("/officer", "/officer/dashboard/requested.csv"),
                                            ("/officer/plan", "/officer/plan.csv?method=optimal")])  # fmt: skip
def test_each_page_links_to_its_export(client: Client, session: Session, page: str, link: str) -> None:
    scene(client, session)
    assert f'href="{link}' in client.get(page).text


def test_a_company_cannot_export_the_officers_lists(client: Client, session: Session) -> None:
    firm = employer(session)
    client.sign_in(user(session, Role.employer, employer_id=firm.id).login, PASSWORD)
    assert client.get("/officer/trainees.csv").status_code == 403
    assert client.get("/officer/audit.csv").status_code == 403
