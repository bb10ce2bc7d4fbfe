"""Issue #3, in a real browser: an employer posts a vacancy, corrects the form, publishes, and asks for a ranked candidate.

The application is the real one (uvicorn on a migrated SQLite file); the data is seeded directly: one approved
company with its account, and 30 consenting synthetic trainees (fixed seed), most of them around Bamako. The
pages are French, the default language. Screenshots at phone and desktop widths go to var/screenshots/.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from employers import candidates
from matching import exchange, synth
from profiles.service import import_trainees
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Locator, Page, Request, Response, expect  # noqa: E402

SEED = 3
TRAINEES = 30
SEATS_ERROR = "Écrivez un nombre entier, sans virgule."
FORM_ERROR = "Certains champs sont à corriger : voyez les messages sous chaque champ."
TYPED = {
    "Intitulé du poste": "Agent de sécurité — résidence Hamdallaye",
    "Ville du poste": "Bamako",
    "Date de début": "2027-02-01",
    "Salaire mensuel (FCFA)": "75 000",
}


def seed(engine: Engine) -> str:
    """Store an approved company, its employer account and consenting trainees; return the account's login."""
    trainees, _ = synth.generate(trainees=TRAINEES, vacancies=0, seed=SEED)
    records = exchange.parse_text(json.dumps({"trainees": trainees}), kind="trainees", source="synth", fmt="json").records
    with Session(engine) as session:
        company = employer(session, name="Sahel Gardiennage SARL", town="Bamako")
        account = user(session, Role.employer, employer_id=company.id)
        created, updated = import_trainees(session=session, records=records, consent=True)
        session.commit()
        assert (created, updated) == (TRAINEES, 0)
        login = account.login
    candidates.invalidate()  # profiles were stored behind the application's back
    return login


def shoot(page: Page, name: str) -> None:
    """Save the page at phone and at desktop width, then go back to the phone width."""
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]


def field(page: Page, label: str) -> Locator:
    """Return the form field whose label starts with this text (labels also hold hints and errors)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(?:\s|$)(?!au moins)"))


def group(page: Page, legend: str) -> Locator:
    """Return a checkbox group (a fieldset named by its legend), opening its <details> first."""
    summary = page.locator("summary").filter(has_text=re.compile(rf"^\s*{re.escape(legend)}"))
    if summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()
    return page.get_by_role("group", name=legend, exact=True)


def test_employer_posts_a_vacancy_and_asks_for_a_candidate(live_server: str, browser_engine: Engine, chromium: Browser) -> None:
    login = seed(browser_engine)
    context = chromium.new_context(viewport=PHONE)  # type: ignore[arg-type]  # an en-US browser: the pages are French anyway
    page = context.new_page()
    page.set_default_timeout(5000)
    requested: list[str] = []
    failed: list[str] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    def on_response(response: Response) -> None:
        if response.status >= 400 and not (response.status == 422 and response.request.method == "POST"):
            failed.append(f"{response.status} {response.request.method} {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    # Chromium reports what the Content-Security-Policy blocked (an inline style, a script) on the console.
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        journey(page, live_server, login)
    finally:
        context.close()
    assert not blocked, f"{len(blocked)} things blocked by the Content-Security-Policy, the first: {blocked[0]}"
    assert requested, "the browser made no request"
    outside = [url for url in requested if not url.startswith(f"{live_server}/")]
    assert outside == [], f"requests to other hosts: {outside}"
    assert failed == [], f"failed requests: {failed}"
    assert any(url.endswith("/static/app.css") for url in requested)


def journey(page: Page, base: str, login: str) -> None:
    # ---- sign in through the form (French by default)
    page.goto(f"{base}/signin")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("E-mail ou téléphone").fill(login)
    page.get_by_label("Mot de passe ou code").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{base}/employer")
    expect(page.get_by_role("heading", name="Mes offres")).to_be_visible()

    # ---- new vacancy, with one invalid field (seats written in words)
    page.get_by_role("link", name="Nouvelle offre").click()
    expect(page).to_have_url(f"{base}/employer/vacancies/new")
    expect(page.get_by_role("heading", name="Nouvelle offre")).to_be_visible()
    for label, value in TYPED.items():
        field(page, label).fill(value)
    field(page, "Niveau").select_option(label="agent")
    field(page, "Horaires").select_option(label="nuit")
    field(page, "Nombre de postes").fill("zéro")
    group(page, "Compétences demandées").get_by_role("checkbox", name="rondes de surveillance", exact=True).check()
    page.get_by_role("button", name="Enregistrer").click()

    # ---- the error is next to the seats field; everything else is kept as typed
    expect(page.get_by_role("alert")).to_have_text(FORM_ERROR)
    seats = field(page, "Nombre de postes")
    expect(seats).to_have_value("zéro")
    expect(seats).to_have_attribute("aria-invalid", "true")
    expect(seats).to_have_accessible_description(SEATS_ERROR)
    expect(page.locator("label").filter(has=seats).locator(".field-error")).to_have_text(SEATS_ERROR)
    expect(page.locator("[aria-invalid='true']")).to_have_count(1)
    expect(page.locator(".field-error")).to_have_count(1)
    for label, value in TYPED.items():
        expect(field(page, label)).to_have_value(value)
    expect(field(page, "Niveau")).to_have_value("guard")
    expect(field(page, "Horaires")).to_have_value("night")
    skills = page.get_by_role("group", name="Compétences demandées", exact=True)
    expect(skills.get_by_role("checkbox", name="rondes de surveillance", exact=True)).to_be_checked()
    expect(skills.get_by_role("checkbox", checked=True)).to_have_count(1)
    expect(page.locator("details").filter(has=skills)).to_have_attribute("open", "")
    shoot(page, "issue3-01-form-error")

    # ---- fix it, save (a draft), publish
    seats.fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/employer/vacancies/\d+\?done=saved$"))
    expect(page.get_by_role("status")).to_have_text("L'offre est enregistrée.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TYPED["Intitulé du poste"])
    expect(page.get_by_text("Brouillon", exact=True)).to_be_visible()
    expect(page.get_by_text("Postes : 3", exact=True)).to_be_visible()
    vacancy_url = page.url.split("?")[0]
    page.get_by_role("button", name="Publier l'offre").click()
    expect(page).to_have_url(f"{vacancy_url}?done=published")
    expect(page.get_by_role("status")).to_have_text("L'offre est publiée : elle est proposée aux candidats.")
    expect(page.get_by_text("Publiée", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Publier l'offre")).to_have_count(0)

    # ---- the list of vacancies shows it published, with possible candidates; open it from there
    page.get_by_role("link", name="Mes offres").first.click()
    expect(page).to_have_url(f"{base}/employer")
    offer = page.locator("li").filter(has=page.get_by_role("link", name=TYPED["Intitulé du poste"]))
    expect(offer.get_by_text("Publiée", exact=True)).to_be_visible()
    expect(offer.get_by_text(re.compile(r"^Candidats possibles : [1-9]\d*$"))).to_be_visible()
    offer.get_by_role("link", name=TYPED["Intitulé du poste"]).click()
    expect(page).to_have_url(vacancy_url)

    # ---- ranked candidates, with scores, component bars and French reasons
    expect(page.get_by_role("heading", name="Candidats", exact=True)).to_be_visible()
    verb = r"rempli(?:t|ssent)"
    summary = page.get_by_text(re.compile(rf"^(\d+) agents? {verb} toutes les exigences ;\s+(\d+) ne les {verb} pas\.$"))
    counts = re.findall(r"\d+", summary.inner_text())
    eligible, ineligible = int(counts[0]), int(counts[1])
    assert eligible >= 3 and eligible + ineligible == TRAINEES, (eligible, ineligible)
    rows = page.locator("table.candidates > tbody > tr")
    expect(rows.first).to_be_visible()
    shown = rows.count()
    assert 3 <= shown <= eligible, (shown, eligible)
    ranks = [int(rows.nth(i).locator("td").nth(1).inner_text()) for i in range(shown)]
    assert ranks == list(range(1, shown + 1)), f"candidates not listed by rank: {ranks}"
    scores = [int(rows.nth(i).locator("td.number").first.inner_text()) for i in range(shown)]
    assert scores == sorted(scores, reverse=True), f"candidates not ranked by score: {scores}"
    expect(page.get_by_role("button", name="Demander ce candidat")).to_have_count(shown)
    shoot(page, "issue3-02-candidates")

    # ---- the full card of the first candidate: score, bars and French reasons
    first_code = rows.first.get_attribute("id") or ""
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(f"{vacancy_url}/candidates/{first_code}")
    candidate(page.locator("article.candidate-card"), rank=1)
    reasons = page.locator("ul.reasons > li").all_inner_texts()
    assert any(text.startswith("habite à ") for text in reasons), reasons
    page.go_back()

    # ---- ask for the second candidate: it is marked as asked, the others can still be asked for
    chosen = rows.nth(1)
    code = chosen.get_attribute("id") or ""
    assert code, "a candidate row has no code"
    chosen.get_by_role("button", name="Demander ce candidat").click()
    expect(page).to_have_url(f"{vacancy_url}?done=requested#{code}")
    expect(page.get_by_role("status")).to_have_text("Votre demande est transmise à l'agent de placement.")
    asked = page.locator(f"table.candidates tr[id='{code}']")
    expect(asked.get_by_text("✓ Demandé : l'agent de placement vous recontacte.")).to_be_visible()
    expect(asked.get_by_role("button", name="Demander ce candidat")).to_have_count(0)
    expect(page.get_by_role("button", name="Demander ce candidat")).to_have_count(shown - 1)
    expect(page.get_by_text("✓ Demandé", exact=False)).to_have_count(1)
    shoot(page, "issue3-03-asked")

    page.get_by_role("link", name="Mes offres").first.click()
    expect(offer.get_by_text("Demandés : 1", exact=True)).to_be_visible()


def candidate(card: Locator, *, rank: int) -> int:
    """Check one candidate card (rank, pseudonym, score, bars, reasons) and return its score out of 100."""
    expect(card.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{rank}\. (?:\w+\. ?)+ T-\d{{4}}-\d{{4}}$"))
    score = card.get_by_title("Score")
    expect(score).to_have_text(re.compile(r"^\d{1,3}/100$"))
    bars = card.get_by_label("Détail du score")
    meters = bars.locator("meter")
    assert meters.count() >= 3, f"candidate {rank}: too few score bars"
    values = bars.locator("span").all_inner_texts()
    names, numbers = values[0::2], values[1::2]
    assert "Proximité" in names and "Compétences demandées" in names and "Horaires souhaités" in names, names
    drawn: list[str | None] = [meters.nth(i).get_attribute("value") for i in range(meters.count())]
    assert drawn == numbers, (drawn, numbers)
    assert all(0 <= int(n) <= 100 for n in numbers), numbers
    expect(card.locator("ul.reasons > li").first).to_be_visible()
    return int(score.inner_text().split("/")[0])
