"""Issue #9, in a real browser: after a hiring is confirmed, the company answers "still employed" on its portal and an
officer records the 1-month follow-up from the dashboard; the follow-up leaves the dashboard's list.

The hiring is confirmed through the service (by the company's account) with a start 40 days ago, so that its
1-month follow-up fell due about ten days ago: no clock is shifted. The company (desktop) answers on its vacancy page;
the officer (desktop, another browser) opens the dashboard, follows the follow-up's link, sees the company's answer
prefilled, submits the form once with a missing field (the error shows next to it), then completely. Screenshots go to
var/screenshots/issue9-followup-NN-<step>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from core.clock import utcnow
from employers import candidates, offers
from employers.models import OfferState
from tests.browser.conftest import DESKTOP
from tests.browser.test_placement_journey import LOCALE, Traffic, section, shot, sign_in
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

TODAY = utcnow().date()
NAME = "Awa Traoré"


@dataclass(frozen=True)
class Cast:
    """The accounts' logins, the vacancy's and the placement's ids."""

    employer: str
    officer: str
    vacancy_id: int
    placement_id: int


def seed(engine: Engine) -> Cast:
    """Store a company's vacancy and the confirmed hiring of a trainee, started 40 days ago."""
    with Session(engine) as session:
        company = employer(session, name="Sahel Gardiennage SARL")
        vacancy = stored_vacancy(session, company, title="Agent de sécurité — Hippodrome", seats=2)
        boss, officer = user(session, Role.employer, employer_id=company.id), user(session, Role.officer)
        trainee = profile(session, id="T-2026-0101", full_name=NAME, phone="+22376101010")
        offer = offer_in(session, vacancy, trainee, OfferState.accepted, by=officer)
        placement = offers.confirm_placement(session=session, offer_id=offer.id or 0, by=boss.actor,
                                             start_date=TODAY - timedelta(days=40), salary_fcfa_month=70_000)  # fmt: skip
        session.commit()
        cast = Cast(boss.login, officer.login, vacancy.id or 0, placement.id or 0)
    candidates.invalidate()  # stored behind the application's back
    return cast


@pytest.fixture
def desks(chromium: Browser, live_server: str) -> Iterator[tuple[Page, Page, Traffic]]:
    """Yield the company's and the officer's desktop pages, and the record of their requests."""
    traffic = Traffic(live_server)
    contexts = [traffic.watch(chromium.new_context(viewport=DESKTOP, locale=LOCALE)) for _ in range(2)]  # type: ignore[arg-type]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(5000)
    yield pages[0], pages[1], traffic
    for context in contexts:
        context.close()


def test_an_officer_records_the_one_month_follow_up_from_the_dashboard(
    live_server: str, browser_engine: Engine, desks: tuple[Page, Page, Traffic]
) -> None:
    cast = seed(browser_engine)
    company, office, traffic = desks
    follow_up_path = f"/officer/placements/{cast.placement_id}/followups/1"

    sign_in(company, live_server, cast.employer, PASSWORD, "/employer")
    company.goto(f"{live_server}/employer/vacancies/{cast.vacancy_id}")
    ask = company.locator(f"#ask-{cast.placement_id}-1")
    expect(ask).to_contain_text("l'agent travaille-t-il toujours chez vous ?")
    expect(company.get_by_text("ne termine pas le contrat")).to_be_visible()
    ask.get_by_label("Oui, toujours en poste").check()
    shot(company, "issue9-followup-01-company-asked", ask)
    ask.get_by_role("button", name="Envoyer ma réponse").click()
    expect(company.get_by_role("status")).to_have_text("Votre réponse est enregistrée. Merci !")

    sign_in(office, live_server, cast.officer, PASSWORD, "/officer")
    due = section(office, "Suivis après placement à faire (1)")
    link = due.get_by_role("link", name=f"Suivi à 1 mois — {NAME}")
    expect(link).to_have_attribute("href", follow_up_path)
    expect(due).to_contain_text("la société confirme l'emploi")
    shot(office, "issue9-followup-02-dashboard", due)
    link.click()
    expect(office).to_have_url(f"{live_server}{follow_up_path}")
    expect(office.get_by_role("heading", level=1)).to_contain_text("Suivi à 1 mois")
    expect(office.get_by_role("combobox", name="Emploi", exact=True)).to_have_value("same_employer")  # the company's answer
    office.get_by_role("radio", name="Oui").check()
    office.get_by_role("button", name="Enregistrer le suivi").click()  # "how" left empty
    expect(office.locator("#channel-error")).to_have_text("Ce champ est obligatoire.")
    shot(office, "issue9-followup-03-error", office.get_by_role("alert"))

    office.locator('select[name="channel"]').select_option("call")  # its name now holds the error too
    office.get_by_label("Salaire mensuel (FCFA)").fill("70 000")
    for question, answer in {"Êtes-vous satisfait de votre situation économique aujourd'hui ?": "Satisfait",
                             "Comment est votre logement ?": "Bon"}.items():  # fmt: skip
        office.get_by_role("combobox", name=question).select_option(label=answer)
    shot(office, "issue9-followup-04-form", office.locator("#follow-up-form"))
    office.get_by_role("button", name="Enregistrer le suivi").click()
    expect(office).to_have_url(f"{live_server}/officer/followups?done=follow_up")
    expect(office.get_by_role("status")).to_have_text("Le suivi est enregistré.")
    expect(office.locator(f'a[href="{follow_up_path}"]')).to_have_count(0)
    shot(office, "issue9-followup-05-list")

    office.goto(f"{live_server}/officer")
    expect(section(office, "Suivis après placement à faire (0)")).to_contain_text("Aucun suivi à faire.")
    expect(office.locator(f'a[href="{follow_up_path}"]')).to_have_count(0)
    shot(office, "issue9-followup-06-dashboard-after", section(office, "Suivis après placement à faire (0)"))
    assert traffic.outside() == [], f"requests to other hosts: {traffic.outside()}"
    assert [f for f in traffic.failed if "/followups/1" not in f] == [], traffic.failed
