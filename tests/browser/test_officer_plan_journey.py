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
from tests.browser.conftest import DESKTOP
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
