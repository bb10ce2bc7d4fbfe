"""Issue #13, in a real browser: an officer runs the seat-aware plan on the live data and sends its proposed offers, one
from its row, then all the rest at once; the dashboard then shows them waiting for the trainees' answers.

Seeded: a company's two open posts in Bamako (2 seats and 1) and five trainees in Bamako. The officer (desktop) opens
the plan from the navigation, looks at the stable plan then the optimal one, sends one proposal, then the remaining
two with the "send all" button; the plan then proposes nothing more. Screenshots go to
var/screenshots/issue13-plan-NN-<step>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from employers import candidates
from employers.models import Offer, OfferState
from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.browser.test_placement_journey import LOCALE, Traffic, section, shot, sign_in
from tests.employers.factories import profile, stored_vacancy
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

NAMES = ("Awa Traoré", "Bakary Keita", "Coumba Sow", "Drissa Diallo", "Fanta Camara")


def seed(engine: Engine) -> str:
    """Store the company's two open posts, five trainees and an officer; return the officer's login."""
    with Session(engine) as session:
        company = employer(session, name="Sahel Gardiennage SARL")
        stored_vacancy(session, company, title="Agent de jour — ACI 2000", seats=2)
        stored_vacancy(session, company, title="Agent de nuit — Badalabougou", seats=1)
        for name in NAMES:
            profile(session, full_name=name, certifications=["SST"])
        officer = user(session, Role.officer)
        session.commit()
        login = officer.login
    candidates.invalidate()  # stored behind the application's back
    return login


def offered(engine: Engine) -> int:
    """Return how many offers wait for a trainee's answer."""
    with Session(engine) as session:
        return len(session.exec(select(Offer).where(Offer.state == OfferState.offered)).all())


@pytest.fixture
def desk(chromium: Browser, live_server: str) -> Iterator[tuple[Page, Traffic]]:
    """Yield the officer's desktop page and the record of its requests."""
    traffic = Traffic(live_server)
    context = traffic.watch(chromium.new_context(viewport=DESKTOP, locale=LOCALE))  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page, traffic
    context.close()


def test_an_officer_runs_the_plan_and_sends_the_proposed_offers(
    live_server: str, browser_engine: Engine, desk: tuple[Page, Traffic]
) -> None:
    login = seed(browser_engine)
    page, traffic = desk
    sign_in(page, live_server, login, PASSWORD, "/officer")
    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Plan de placement")).to_be_visible()
    summary = page.locator("#plan-summary")
    expect(summary).to_contain_text("3 propositions")
    page.get_by_role("link", name="Stable").click()
    expect(page.get_by_role("link", name="Stable")).to_have_attribute("aria-current", "page")
    expect(summary).to_contain_text("3 propositions")
    shot(page, "issue13-plan-01-stable")
    page.get_by_role("link", name="Optimal").click()
    rows = page.locator("#proposals tbody tr")
    expect(rows).to_have_count(3)
    shot(page, "issue13-plan-02-optimal")

    first = rows.first
    trainee = first.locator("td").nth(3).get_by_role("link").inner_text()
    first.get_by_role("button", name="Proposer").click()
    expect(page.get_by_role("status")).to_contain_text("1 proposition envoyée.")
    expect(summary).to_contain_text("2 propositions")
    expect(page.locator("#proposals")).not_to_contain_text(trainee)
    assert offered(browser_engine) == 1
    shot(page, "issue13-plan-03-one-sent")

    page.get_by_role("button", name="Envoyer les 2 propositions").click()
    expect(page.get_by_role("status")).to_contain_text("2 propositions envoyées.")
    expect(summary).to_contain_text("0 proposition")
    assert offered(browser_engine) == 3
    shot(page, "issue13-plan-04-all-sent")

    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    waiting = section(page, re.compile(r"^Propositions en attente de réponse"))
    expect(waiting.get_by_role("heading", level=2)).to_have_text("Propositions en attente de réponse (3)")
    shot(page, "issue13-plan-05-dashboard", waiting)
    assert traffic.outside() == [], f"requests to other hosts: {traffic.outside()}"
    assert traffic.failed == [], f"failed requests: {traffic.failed}"


def seed_review(engine: Engine) -> tuple[str, int, int]:
    """Store a post asking for SSIAP1, forty holders (a long review) and one trainee without it; return the officer's
    login, the vacancy's and the trainee's ids."""
    with Session(engine) as session:
        company = employer(session, name="Garde du Sahel")
        post = stored_vacancy(session, company, title="Agent SSIAP — Hippodrome", required_certifications=["SSIAP1"], seats=3)
        for n in range(40):
            profile(session, full_name=f"Titulaire {n:02d}", certifications=["SSIAP1"])
        novice = profile(session, full_name="Sékou Konaté", certifications=["SST"])
        officer = user(session, Role.officer)
        session.commit()
        found = (officer.login, post.id or 0, novice.id or 0)
    candidates.invalidate()
    return found


def focused(page: Page) -> dict[str, str]:
    """Return what has the keyboard focus: its tag, name, id, whether it is inside <main>, and its outline."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   return {tag: e.tagName, name: e.getAttribute('name') || '', id: e.id, text: (e.innerText || '').trim(),
                           inMain: String(!!e.closest('main')), outline: s.outlineStyle, width: s.outlineWidth}; }"""
    )


def tabs_to_first_action(page: Page, *, skip: bool) -> int:
    """Return the Tab presses from the page's top to the first link or button of its content (Enter on the skip link)."""
    page.reload()  # focus starts from the top of a freshly loaded page
    for presses in range(1, 200):
        page.keyboard.press("Tab")
        now = focused(page)
        if skip and now["text"] == "Aller au contenu":
            page.keyboard.press("Enter")
            skip = False
            continue
        if now["inMain"] == "true" and now["tag"] in ("A", "BUTTON"):
            return presses
    raise AssertionError("Tab never reached the content")


def test_the_keyboard_reaches_the_content_and_a_refused_override_reloads_at_its_form(
    live_server: str, browser_engine: Engine, desk: tuple[Page, Traffic]
) -> None:
    login, vacancy_id, novice = seed_review(browser_engine)
    page, traffic = desk
    sign_in(page, live_server, login, PASSWORD, "/officer")
    through_header = tabs_to_first_action(page, skip=False)
    with_skip_link = tabs_to_first_action(page, skip=True)
    figures = [f"Tab presses to the dashboard's first action: {through_header - 1} through the header before the skip link "
               f"existed, {with_skip_link} with it (Tab, Enter, Tab)"]  # fmt: skip
    assert with_skip_link == 2 < through_header
    ring = focused(page)
    assert ring["outline"] != "none" and float(ring["width"].removesuffix("px")) >= 2, ring
    shot(page, "issue13-plan-06-focus-ring")

    page.goto(f"{live_server}/officer/vacancies/{vacancy_id}")
    card = page.locator(f"#t{novice}")
    card.get_by_text("Proposer par dérogation…").click()
    card.get_by_label("Motif montré à la société").fill("   ")
    card.get_by_label("Note privée (facultative)").fill("Vu en entretien : très motivé")
    card.get_by_role("button", name="Proposer par dérogation").click()
    expect(page).to_have_url(re.compile(rf"/offer#override-{novice}-reason$"))
    error = page.locator(f"#override-{novice}-error")
    expect(error).to_have_text("Écrivez pourquoi vous passez outre aux exigences de l'offre.")
    expect(error).to_be_in_viewport()
    assert focused(page)["id"] == f"override-{novice}-reason"
    expect(page.locator(f"#override-{novice} textarea[name=override_note]")).to_have_value("Vu en entretien : très motivé")
    height, top = page.evaluate("() => [document.documentElement.scrollHeight, Math.round(window.scrollY)]")
    figures.append(f"Refused override: the review is {height} px high; it reloads scrolled to {top} px, the error in view")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "issue13-keyboard.txt").write_text("\n".join(figures) + "\n", encoding="utf-8")
    page.screenshot(path=str(SCREENSHOTS / "issue13-plan-07-override-error.png"))  # the screen as it reloaded
    assert traffic.outside() == []
