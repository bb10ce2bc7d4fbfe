"""Issue #13, in a real browser: an employer works through 200 candidates with the compact list — sorts it, filters it,
goes to page 2, ticks candidates and compares them side by side, opens a full card.

The application is the real one (uvicorn on a migrated SQLite file); the data is seeded directly: one approved
company with its account, an open vacancy, and 260 consenting synthetic trainees (fixed seed), at least 200 of them
eligible. The list shows up to 200 (RDVM_RANKING_TOP). No script is needed: every step is a link or a GET form, and
the browser runs none; axe-core checks each page shown in a scripted twin with the same cookies (conftest.py).
Screenshots at phone and desktop widths go to var/screenshots/issue13-employer-NN-<step>-{phone,desktop}.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from employers import candidates
from matching import exchange, synth
from matching.taxonomy import get_taxonomy
from profiles.service import import_trainees
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.employers.factories import stored_vacancy
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role
from web.config import get_settings

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

SEED = 13
TRAINEES = 260
LISTED = 200
COMPANY = "Faso Garde Sécurité SARL"


@pytest.fixture
def top_200() -> Iterator[None]:
    """List up to 200 candidates per vacancy for this test (the served application reads the same settings)."""
    settings = get_settings()
    before = settings.ranking_top
    settings.ranking_top = LISTED
    yield
    settings.ranking_top = before


def seed(engine: Engine) -> tuple[str, int]:
    """Store the company, its account, an open guard vacancy in Bamako and consenting trainees; return login and vacancy."""
    trainees, _ = synth.generate(trainees=TRAINEES, vacancies=0, seed=SEED)
    records = exchange.parse_text(json.dumps({"trainees": trainees}), kind="trainees", source="synth", fmt="json").records
    with Session(engine) as session:
        company = employer(session, name=COMPANY, town="Bamako")
        account = user(session, Role.employer, employer_id=company.id)
        import_trainees(session=session, records=records, consent=True)
        session.commit()
        vacancy = stored_vacancy(session, company, title="Agent de sécurité — entrepôt", town="Bamako", level="guard")
        login, vacancy_id = account.login, vacancy.id or 0
    candidates.invalidate()  # profiles were stored behind the application's back
    return login, vacancy_id


def shoot(page: Page, name: str) -> None:
    """Save the page at phone and at desktop width, then go back to the desktop width."""
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(page, f"{name}-desktop")


def ranks(page: Page) -> list[int]:
    """Return the engine ranks of the table's rows, in order."""
    return [int(text) for text in page.locator("table.candidates > tbody > tr > td:nth-child(2)").all_inner_texts()]


def column(page: Page, number: int) -> list[str]:
    """Return the texts of one column of the table's cells (td: 1 the tick, 2 the rank, 3 the score, 4 the town, 5 the
    experience, 6 the levels, 7 the certifications)."""
    return page.locator(f"table.candidates > tbody > tr > td:nth-of-type({number})").all_inner_texts()


def test_employer_sorts_filters_pages_and_compares_200_candidates(
    live_server: str, browser_engine: Engine, chromium: Browser, top_200: None
) -> None:
    login, vacancy_id = seed(browser_engine)
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)  # type: ignore[arg-type]  # no script needed
    page = context.new_page()
    page.set_default_timeout(15000)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        journey(page, live_server, login, vacancy_id)
    finally:
        context.close()  # axe-core checks the last page, in the scripted twin (tests/browser/conftest.py)
    assert failed == [], failed
    urls = [re.sub(r"^https?://[^/]+", "", url) for url in chromium.axe.pages]  # type: ignore[attr-defined]
    vacancy = f"/employer/vacancies/{vacancy_id}"
    paths = {url.split("?")[0] for url in urls}
    assert {"/signin", "/employer", vacancy, f"{vacancy}/compare", "/employer/company"} <= paths, paths
    assert any(p.startswith(f"{vacancy}/candidates/") for p in paths), paths
    assert {f"{vacancy}?sort=experience", f"{vacancy}?sort=experience&town=&level=&certification=SST&available=now"} <= set(urls)
    assert any("page=2" in url for url in urls), urls


def journey(page: Page, base: str, login: str, vacancy_id: int) -> None:
    vacancy_url = f"{base}/employer/vacancies/{vacancy_id}"
    page.goto(f"{base}/signin")
    page.get_by_label("E-mail ou téléphone").fill(login)
    page.get_by_label("Mot de passe ou code").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name=COMPANY)).to_be_visible()  # the company's name in the header

    # ---- the compact list: 200 ranked candidates, 25 a page, best first
    page.goto(vacancy_url)
    expect(page.get_by_text(f"{LISTED} candidats classés.", exact=True)).to_be_visible()
    expect(page.get_by_text("Page 1 sur 8", exact=True)).to_be_visible()
    assert ranks(page) == list(range(1, 26))
    shoot(page, "issue13-employer-01-list")

    # ---- sort by experience: the column heading is a link, the order said to screen readers
    page.get_by_role("link", name="Expérience", exact=True).click()
    expect(page).to_have_url(f"{vacancy_url}?sort=experience")
    expect(page.get_by_role("columnheader", name=re.compile("^Expérience"))).to_have_attribute("aria-sort", "descending")
    years = [float(text.split()[0].replace(",", ".")) for text in column(page, 5)]
    assert years == sorted(years, reverse=True) and years[0] > years[-1], years

    # ---- filter: a certification (its holders' higher ones too) and availability, keeping the order
    page.get_by_label("Certification").select_option("SST")
    page.get_by_label("Disponibilité").select_option("now")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(
        re.compile(rf"^{re.escape(vacancy_url)}\?sort=experience&town=&level=&certification=SST&available=now$")
    )
    counted = page.get_by_text(re.compile(r"^\d+ candidats? sur 200 avec ces filtres\.$"))
    expect(counted).to_be_visible()
    kept = int(counted.inner_text().split()[0])
    assert 25 < kept < LISTED, kept  # enough for a second page, fewer than all
    holders = get_taxonomy().holders_of("SST")
    assert all(holders & set(text.split(", ")) for text in column(page, 7)), column(page, 7)
    first_page = ranks(page)
    shoot(page, "issue13-employer-02-filtered")

    # ---- page 2 keeps the sort and the filters
    page.get_by_role("link", name=re.compile("^Suivante")).click()
    expect(page).to_have_url(re.compile(r"certification=SST.*page=2|page=2.*certification=SST"))
    expect(page.get_by_text(re.compile(r"^Page 2 sur \d+$"))).to_be_visible()
    second_page = ranks(page)
    assert second_page and set(second_page).isdisjoint(first_page)
    years_2 = [float(text.split()[0].replace(",", ".")) for text in column(page, 5)]
    assert years_2 == sorted(years_2, reverse=True)
    shoot(page, "issue13-employer-03-page-2")

    # ---- tick three candidates and compare them side by side
    rows = page.locator("table.candidates > tbody > tr")
    codes = [rows.nth(i).get_attribute("id") or "" for i in (0, 2, 4)]
    for code in codes:
        page.get_by_role("checkbox", name=f"Comparer {code}").check()
    page.get_by_role("button", name="Comparer les candidats cochés (2 à 4)").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(vacancy_url)}/compare\?code=.+&code=.+&code=.+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer des candidats")
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert [h.split()[-1] for h in headers] == codes, headers
    expect(page.get_by_role("rowheader", name="Score", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Demander ce candidat")).to_have_count(3)
    shoot(page, "issue13-employer-04-compare")

    # ---- the full card on demand, from the comparison
    page.get_by_role("link", name=re.compile(re.escape(codes[1]))).click()
    expect(page).to_have_url(f"{vacancy_url}/candidates/{codes[1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^\d+\. .+ {re.escape(codes[1])}$"))
    expect(page.get_by_label("Détail du score")).to_be_visible()
    expect(page.locator("ul.reasons > li").first).to_be_visible()
    shoot(page, "issue13-employer-05-card")

    # ---- the company's page, from its name in the header: its details, its people, the invitation form
    page.get_by_role("link", name=COMPANY).click()
    expect(page).to_have_url(f"{base}/employer/company")
    expect(page.get_by_role("heading", level=1)).to_have_text(COMPANY)
    expect(page.get_by_role("button", name="Envoyer l'invitation")).to_be_visible()
    shoot(page, "issue13-employer-06-company")
