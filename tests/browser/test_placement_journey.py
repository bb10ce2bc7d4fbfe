"""Issue #4, in a real browser: a vacancy goes from the employer's request to a confirmed hiring, seen by all three parties.

The employer (desktop) posts and publishes a vacancy and asks for its top-ranked candidate; an officer (desktop,
another browser) sees the request and proposes the offer; the trainee, on a phone, signs in with phone and PIN and
accepts it; the employer, now shown the trainee's name and phone, confirms the hiring; the officer's dashboard and
the audit trail show it. The application is the real one (uvicorn on a migrated SQLite file), the data seeded as in
test_employer_journey.py. Screenshots of each step go to var/screenshots/issue4-NN-<step>.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from core.names import display_name
from employers import candidates
from matching import exchange, synth
from profiles.models import TraineeProfile
from profiles.service import import_trainees
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, screenshot
from tests.browser.test_employer_journey import field, group
from tests.web.factories import PASSWORD, employer
from web.auth import service as auth_service
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, expect  # noqa: E402

SEED = 3
TRAINEES = 30
COMPANY = "Sahel Gardiennage SARL"
EMPLOYER_NAME = "Awa Diarra"
OFFICER_NAME = "Mariam Coulibaly"
PIN = "482913"
SEATS = 2
TITLE = "Agent de sécurité de nuit — Badalabougou"
TYPED = {
    "Intitulé du poste": TITLE,
    "Ville du poste": "Bamako",
    "Date de début": "2027-02-01",
    "Salaire mensuel (FCFA)": "75 000",
}
#: The hiring's terms, as the employer types them on confirming (they differ from the vacancy's own).
HIRED_ON, HIRED_SALARY = "2027-02-15", "80 000"
HIRED_SALARY_SHOWN = "80\u202f000"  # amounts are shown with a narrow no-break space
#: The browsers' language, as in Mali (navigator.language and Accept-Language; Chromium still draws date fields
#: in its own UI language, en-US here).
LOCALE = "fr-FR"
#: The heaviest a trainee's page may be (HTML only): they browse on slow, paid mobile data.
TRAINEE_PAGE_BYTES = 50_000


@dataclass(frozen=True)
class Cast:
    """The staff accounts' logins."""

    employer: str
    officer: str


@dataclass(frozen=True)
class Trainee:
    """The candidate the employer asks for (their name as the pages show it), and the account they sign in with."""

    id: int
    code: str
    name: str
    phone: str


class Traffic:
    """Every request the browsers make, and the answers that failed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.requested: list[str] = []
        self.failed: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        """Record this browser's requests and failed answers; return it."""
        context.on("request", lambda request: self.requested.append(request.url))
        context.on("response", self._answered)
        return context

    def _answered(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.request.method} {response.url}")

    def outside(self) -> list[str]:
        """Return the requests made to another host than the application's."""
        return [url for url in self.requested if not url.startswith(f"{self.base}/")]


def seed(engine: Engine) -> Cast:
    """Store an approved company with its account, an officer's account and consenting synthetic trainees."""
    trainees, _ = synth.generate(trainees=TRAINEES, vacancies=0, seed=SEED)
    records = exchange.parse_text(json.dumps({"trainees": trainees}), kind="trainees", source="synth", fmt="json").records
    with Session(engine) as session:
        company = employer(session, name=COMPANY, town="Bamako")
        boss = auth_service.create_user(session=session, login="rh@sahel-gardiennage.ml", full_name=EMPLOYER_NAME,
                                        role=Role.employer, secret=PASSWORD, employer_id=company.id)  # fmt: skip
        officer = auth_service.create_user(session=session, login="m.coulibaly@rdv-mali.ml", full_name=OFFICER_NAME,
                                           role=Role.officer, secret=PASSWORD)  # fmt: skip
        created, updated = import_trainees(session=session, records=records, consent=True)
        session.commit()
        assert (created, updated) == (TRAINEES, 0)
        cast = Cast(employer=boss.login, officer=officer.login)
    candidates.invalidate()  # profiles were stored behind the application's back
    return cast


def give_account(engine: Engine, code: str) -> Trainee:
    """Open the account of the trainee with this code: their phone as login, a 6-digit PIN."""
    with Session(engine) as session:
        profile = session.exec(select(TraineeProfile).where(TraineeProfile.code == code)).one()
        assert profile.phone, f"{code} has no phone to sign in with"
        auth_service.create_user(session=session, login=profile.phone, full_name=profile.full_name, role=Role.trainee,
                                 secret=PIN, trainee_id=profile.id)  # fmt: skip
        session.commit()
        return Trainee(id=profile.id or 0, code=profile.code, name=display_name(profile.full_name), phone=profile.phone)


@pytest.fixture
def traffic(live_server: str) -> Traffic:
    """Return the record of the browsers' requests to the application."""
    return Traffic(live_server)


@pytest.fixture
def desks(chromium: Browser, traffic: Traffic) -> Iterator[tuple[Page, Page]]:
    """Yield the employer's and the officer's pages: two desktop browsers, each with its own cookies."""
    contexts = [traffic.watch(chromium.new_context(viewport=DESKTOP, locale=LOCALE)) for _ in range(2)]  # type: ignore[arg-type]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(5000)
    yield pages[0], pages[1]
    for context in contexts:
        context.close()


@pytest.fixture
def phone(chromium: Browser, traffic: Traffic) -> Iterator[Page]:
    """Yield the trainee's page: a phone-sized touch screen."""
    context = traffic.watch(chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=LOCALE))  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


def test_vacancy_to_confirmed_placement(
    live_server: str, browser_engine: Engine, desks: tuple[Page, Page], phone: Page, traffic: Traffic
) -> None:
    """Request, offer, acceptance on a phone, confirmation: each party sees each step, and the officers' records show it."""
    cast = seed(browser_engine)
    boss, officer = desks
    vacancy_url, trainee = employer_asks(boss, live_server, cast.employer, browser_engine)
    deadline = officer_proposes(officer, live_server, cast.officer, trainee)
    employer_waits(boss, vacancy_url, trainee)
    trainee_accepts(phone, live_server, trainee, deadline)
    employer_confirms(boss, vacancy_url, trainee)
    trainee_is_hired(phone)
    officer_sees_placement(officer, live_server, trainee)
    assert traffic.requested, "the browsers made no request"
    assert traffic.outside() == [], f"requests to other hosts: {traffic.outside()}"
    assert traffic.failed == [], f"failed requests: {traffic.failed}"


# ---------------------------------------------------------------- helpers


def sign_in(page: Page, base: str, login: str, secret: str, home: str, *, touch: bool = False) -> None:
    """Sign in through the form and land on the account's home page."""
    page.goto(f"{base}/signin")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("E-mail ou téléphone").fill(login)
    page.get_by_label("Mot de passe ou code").fill(secret)
    press(page.get_by_role("button", name="Se connecter"), touch)
    expect(page).to_have_url(f"{base}{home}")


def press(target: Locator, touch: bool) -> None:
    """Tap (on a touch screen) or click a button or link."""
    if touch:
        target.tap()
    else:
        target.click()


def local_form(phone: str) -> str:
    """Write a stored Malian number (+223XXXXXXXX) the way a trainee types it: 76 12 34 56."""
    digits = phone.removeprefix("+223")
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def light(page: Page) -> None:
    """Check that the page shown has no script and that its HTML weighs less than TRAINEE_PAGE_BYTES."""
    expect(page.locator("script")).to_have_count(0)
    answer = page.request.get(page.url)  # the same request again, with the page's cookies
    assert answer.status == 200, (answer.status, page.url)
    body = answer.body()
    assert b"<script" not in body.lower(), f"{page.url} has a script"
    assert len(body) < TRAINEE_PAGE_BYTES, f"{page.url} weighs {len(body)} bytes"


def shot(page: Page, name: str, target: Locator | None = None) -> None:
    """Save the whole page; or, on long pages, the screen with `target` at its top (a 15 000-pixel image shows nothing)."""
    if target is None:
        screenshot(page, name)
        return
    target.evaluate("element => { element.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def section(page: Page, heading: str | re.Pattern[str]) -> Locator:
    """Return the <section> (or card) that a level-2 heading opens."""
    return page.locator("section").filter(has=page.get_by_role("heading", level=2, name=heading))


def dashboard_figures(page: Page) -> dict[str, str]:
    """Return the dashboard's "at a glance" tiles, as {label: number}."""
    tiles = page.get_by_role("list", name="En bref").get_by_role("listitem").all_inner_texts()
    return {text.split(maxsplit=1)[1]: text.split(maxsplit=1)[0] for text in tiles}


def vacancy_row(page: Page) -> Locator:
    """Return the dashboard's row of the journey's vacancy among the open vacancies."""
    return section(page, re.compile(r"^Offres ouvertes")).get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))


# ---------------------------------------------------------------- 1. the employer asks for a candidate


def employer_asks(page: Page, base: str, login: str, engine: Engine) -> tuple[str, Trainee]:
    """Post and publish a vacancy, ask for its top-ranked candidate; return the vacancy's URL and that trainee."""
    sign_in(page, base, login, PASSWORD, "/employer")
    page.get_by_role("link", name="Nouvelle offre").click()
    expect(page).to_have_url(f"{base}/employer/vacancies/new")
    for label, value in TYPED.items():
        field(page, label).fill(value)
    field(page, "Niveau").select_option(label="agent")
    field(page, "Horaires").select_option(label="nuit")
    field(page, "Nombre de postes").fill(str(SEATS))
    group(page, "Compétences demandées").get_by_role("checkbox", name="rondes de surveillance", exact=True).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text("L'offre est enregistrée.")
    vacancy_url = page.url.split("?")[0]
    page.get_by_role("button", name="Publier l'offre").click()
    expect(page).to_have_url(f"{vacancy_url}?done=published")
    hiring = page.get_by_role("region", name="Candidats proposés")
    expect(hiring.get_by_text(f"0 place pourvue sur {SEATS}", exact=True)).to_be_visible()
    expect(hiring.get_by_text("Aucun candidat ne vous est encore proposé.", exact=False)).to_be_visible()

    top = page.locator("table.candidates > tbody > tr").first
    expect(top.locator("td").nth(1)).to_have_text("1")
    code = top.get_attribute("id") or ""
    assert re.match(r"^T-\d{4}-\d{4}$", code), code
    trainee = give_account(engine, code)
    shot(page, "issue4-01-employer-candidates", hiring)

    top.get_by_role("button", name="Demander ce candidat").click()
    expect(page).to_have_url(f"{vacancy_url}?done=requested#{code}")
    expect(page.get_by_role("status")).to_have_text("Votre demande est transmise à l'agent de placement.")
    asked = page.locator(f"table.candidates tr[id='{code}']")
    expect(asked.get_by_text("✓ Demandé : l'agent de placement vous recontacte.")).to_be_visible()
    # The candidates are anonymous: neither the name nor the phone is anywhere on the page.
    expect(page.locator("body")).not_to_contain_text(trainee.name)
    expect(page.locator("body")).not_to_contain_text(trainee.phone)
    expect(page.locator("body")).not_to_contain_text(trainee.phone.removeprefix("+223"))
    shot(page, "issue4-02-employer-asked", asked)
    return vacancy_url, trainee


# ---------------------------------------------------------------- 2. the officer proposes the offer


def officer_proposes(page: Page, base: str, login: str, trainee: Trainee) -> str:
    """See the vacancy on the dashboard and the company's request on its review; propose it; return the answer's deadline
    as the trainee reads it (31/01/2027)."""
    sign_in(page, base, login, PASSWORD, "/officer")
    expect(page.get_by_role("heading", level=1, name="Tableau de bord")).to_be_visible()
    expect(vacancy_row(page).get_by_role("cell")).to_have_text([re.compile(rf"^{re.escape(TITLE)} V-"), COMPANY, "Bamako",
                                                                f"{SEATS} sur {SEATS}"])  # fmt: skip
    figures = dashboard_figures(page)
    assert figures["agents à placer"] == str(TRAINEES), figures
    assert figures["propositions sans réponse"] == "0", figures
    shot(page, "issue4-03-officer-dashboard")

    vacancy_row(page).get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/officer/vacancies/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    requests = section(page, "Demandés par la société (1)")
    request = requests.get_by_role("listitem")
    expect(request).to_have_count(1)
    expect(request).to_contain_text(f"{trainee.name} {trainee.code}")
    expect(request).to_contain_text(re.compile(rf"demandé le \d{{2}}/\d{{2}}/\d{{4}} par {EMPLOYER_NAME}"))
    expect(request.get_by_text("à traiter", exact=True)).to_be_visible()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=re.compile(rf"^\d+\. {re.escape(trainee.name)} {trainee.code}$"))
    )
    expect(card.get_by_text("demandé par la société", exact=True)).to_be_visible()
    expect(card.get_by_role("link", name=trainee.phone)).to_be_visible()  # the officer knows who it is
    shot(page, "issue4-04-officer-review-request", requests)

    card.get_by_role("button", name="Proposer").click()
    expect(page).to_have_url(re.compile(rf"\?done=offered#t{trainee.id}$"))
    expect(page.get_by_role("status")).to_have_text("La proposition est envoyée à l'agent.")
    expect(card.get_by_text("Proposée", exact=True)).to_be_visible()
    expect(card.get_by_role("button", name="Proposer")).to_have_count(0)
    expect(requests.get_by_role("listitem").get_by_text("Proposée", exact=True)).to_be_visible()
    offers = section(page, "Propositions et présélection (1)").get_by_role("listitem")
    expect(offers).to_contain_text(re.compile(rf"{re.escape(trainee.name)} {trainee.code}\s+Proposée\s+demandé par la société"))
    expect(offers).to_contain_text(f"par {EMPLOYER_NAME}")  # the company's request put it on the shortlist
    waiting = card.get_by_text(re.compile(r"^réponse attendue avant le \d{2}/\d{2}/\d{4} \d{2}:\d{2}$"))
    deadline = datetime.strptime(waiting.inner_text().removeprefix("réponse attendue avant le "), "%d/%m/%Y %H:%M")
    shot(page, "issue4-05-officer-proposed", card)
    return deadline.strftime("%d/%m/%Y")


def employer_waits(page: Page, vacancy_url: str, trainee: Trainee) -> None:
    """The employer sees the offer made, under the pseudonym: still no name or phone until the trainee accepts."""
    page.goto(vacancy_url)
    hiring = page.get_by_role("region", name="Candidats proposés")
    offer = hiring.get_by_role("listitem").filter(has_text=trainee.code)
    expect(offer.get_by_text("Proposée", exact=True)).to_be_visible()
    expect(offer).to_contain_text("Son nom et son téléphone s'afficheront s'il accepte.")
    expect(page.locator("body")).not_to_contain_text(trainee.name)
    expect(page.locator("body")).not_to_contain_text(trainee.phone)


# ---------------------------------------------------------------- 3. the trainee accepts, on a phone


def trainee_accepts(page: Page, base: str, trainee: Trainee, deadline: str) -> None:
    """Sign in with phone and PIN, read the offer card, open it and accept."""
    sign_in(page, base, local_form(trainee.phone), PIN, "/trainee", touch=True)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {display_name(trainee.name)}")  # one case
    card = page.get_by_role("article")
    expect(card).to_have_count(1)
    facts = [TITLE, COMPANY, "Bamako", "Travail de nuit", "75\u202f000 FCFA par mois", "Début le 01/02/2027"]
    expect(card.get_by_role("listitem")).to_have_text([re.compile(rf"^\W*{re.escape(fact)}$") for fact in facts])  # icon, words
    expect(card.locator(".deadline")).to_contain_text(f"Répondez dans 7 jours au plus tard ({deadline})")  # said in days
    light(page)
    shot(page, "issue4-06-trainee-home")

    press(card.get_by_role("link", name="Voir et répondre"), touch=True)
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/trainee/offers/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposition de travail")
    expect(page.get_by_role("article")).to_contain_text(TITLE)
    expect(page.get_by_role("link", name="Je refuse")).to_be_visible()
    light(page)
    shot(page, "issue4-07-trainee-offer")

    press(page.get_by_role("button", name="J'accepte"), touch=True)
    expect(page).to_have_url(f"{base}/trainee?done=accepted")
    expect(page.get_by_role("status")).to_have_text("Vous avez accepté. La société va confirmer votre embauche.")
    expect(page.get_by_text("Aucune autre proposition à répondre pour le moment.", exact=False)).to_be_visible()
    answered = page.get_by_role("article").filter(has=page.get_by_role("link", name=TITLE))
    expect(answered).to_contain_text(f"{COMPANY} · Bamako")
    expect(answered).to_contain_text("Vous avez accepté. La société va confirmer.")
    light(page)
    shot(page, "issue4-08-trainee-accepted")


# ---------------------------------------------------------------- 4. the employer confirms the hiring


def employer_confirms(page: Page, vacancy_url: str, trainee: Trainee) -> None:
    """Reload the vacancy: the trainee's name and phone are shown now; confirm the hiring on a start date and salary."""
    page.reload()
    hiring = page.get_by_role("region", name="Candidats proposés")
    offer = hiring.get_by_role("listitem").filter(has=page.get_by_role("heading", level=3, name=f"{trainee.name} {trainee.code}"))
    expect(offer.get_by_text("Acceptée", exact=True)).to_be_visible()
    expect(offer.get_by_role("link", name=trainee.phone)).to_have_attribute("href", f"tel:{trainee.phone}")
    expect(field(offer, "Date de début")).to_have_value(TYPED["Date de début"])  # the vacancy's own terms, to change
    expect(field(offer, "Salaire mensuel (FCFA)")).to_have_value("75000")
    field(offer, "Date de début").fill(HIRED_ON)
    field(offer, "Salaire mensuel (FCFA)").fill(HIRED_SALARY)
    shot(page, "issue4-09-employer-accepted", hiring)

    offer.get_by_role("button", name="Confirmer l'embauche").click()
    expect(page).to_have_url(f"{vacancy_url}?done=confirmed")
    expect(page.get_by_role("status")).to_have_text("L'embauche est confirmée.")
    expect(hiring.get_by_text(f"1 place pourvue sur {SEATS}", exact=True)).to_be_visible()
    expect(hiring.get_by_role("heading", level=3, name="Embauches")).to_be_visible()
    hired = hiring.get_by_role("listitem").filter(has_text=trainee.code)
    expect(hired).to_have_count(1)
    expect(hired.get_by_text("Embauche confirmée", exact=True)).to_be_visible()
    expect(hired).to_contain_text(f"Début : 15/02/2027 · {HIRED_SALARY_SHOWN} FCFA par mois")
    expect(hired.get_by_text("En poste", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l'embauche")).to_have_count(0)
    shot(page, "issue4-10-employer-confirmed", page.get_by_role("status"))
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    shot(page, "issue4-11-employer-confirmed-phone", page.get_by_role("status"))
    page.set_viewport_size(DESKTOP)  # type: ignore[arg-type]


def trainee_is_hired(page: Page) -> None:
    """The trainee's home and offer say the hiring is confirmed, on the terms the employer set."""
    page.reload()
    answered = page.get_by_role("article")
    expect(answered).to_contain_text(re.compile(r"Vous êtes embauché(?:e|·e)?\. Début le 15/02/2027\."))
    press(answered.get_by_role("link", name=TITLE), touch=True)
    expect(page.get_by_role("article").get_by_role("listitem")).to_contain_text(
        [f"{HIRED_SALARY_SHOWN} FCFA par mois", "Début le 15/02/2027"]
    )
    expect(page.get_by_role("button", name="J'accepte")).to_have_count(0)
    light(page)
    shot(page, "issue4-12-trainee-hired")


# ---------------------------------------------------------------- 5. the officer sees the placement


def officer_sees_placement(page: Page, base: str, trainee: Trainee) -> None:
    """The dashboard counts one seat and one trainee fewer; the audit trail lists each step and who took it."""
    page.goto(f"{base}/officer")
    expect(vacancy_row(page).get_by_role("cell").last).to_have_text(f"{SEATS - 1} sur {SEATS}")
    figures = dashboard_figures(page)
    assert figures["agents à placer"] == str(TRAINEES - 1), figures
    assert figures["propositions sans réponse"] == "0" and figures["en retard"] == "0", figures
    expect(page.get_by_role("heading", level=2, name=f"Agents pas encore placés ({TRAINEES - 1})")).to_be_visible()
    shot(page, "issue4-13-officer-dashboard-after")
    page.goto(f"{base}/officer?full=trainees#trainees")
    not_placed = section(page, re.compile(r"^Agents pas encore placés")).get_by_role("row")
    expect(not_placed).to_have_count(TRAINEES - 1 + 1)  # and the header
    expect(not_placed.filter(has_text=trainee.code)).to_have_count(0)

    page.get_by_role("link", name="Historique").click()
    expect(page).to_have_url(f"{base}/officer/audit")
    page.get_by_label("Agent (code ou nom)").fill(trainee.code)
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(rf"/officer/audit\?trainee={trainee.code}&"))
    expect(page.get_by_text(re.compile(r"^\d+ événements, du plus récent au plus ancien\.$"))).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    # Who, what, which trainee, which vacancy and company, which change — newest first (the time is left aside); the
    # offer's and the placement's moves (the trail also holds the trainee's profile and account events).
    every = [cells[1:6] for cells in (rows.nth(i).get_by_role("cell").all_inner_texts() for i in range(1, rows.count()))]
    lines = [line for line in every if line[1].split()[0] in ("Placement", "Proposition")]
    whats = [what.split()[0] for _, what, *_ in lines]
    changes = [change for *_, change in lines]
    assert whats == ["Placement", "Proposition", "Proposition", "Proposition", "Proposition"], lines
    assert changes == ["— → En poste", "Acceptée → Embauche confirmée", "Proposée → Acceptée", "Présélectionné → Proposée",
                       "— → Présélectionné"], lines  # fmt: skip
    assert [who for who, *_ in lines] == [EMPLOYER_NAME, EMPLOYER_NAME, trainee.name, OFFICER_NAME, EMPLOYER_NAME], lines
    assert all(agent.split("\n") == [trainee.name, trainee.code] for _, _, agent, _, _ in lines), lines
    assert all(offer.split("\n")[1] == COMPANY for *_, offer, _ in lines), lines
    shot(page, "issue4-14-officer-audit")
