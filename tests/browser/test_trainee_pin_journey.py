"""Issue #13, in a real browser on a 390 px phone: a trainee who forgot their PIN gets a code by SMS, chooses a new
PIN with the number pad, then reads their offers in Bambara — deadlines in days, the minimum wage said, what
accepting shares told before the button — and signs in again with the new PIN. axe-core checks every page
(tests/browser/conftest.py). Screenshots: var/screenshots/issue13-trainee-NN-<step>.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from employers import candidates, offers
from employers.models import OutboxMessage
from tests.browser.conftest import PHONE, screenshot
from tests.employers.factories import profile, stored_vacancy
from tests.web.factories import employer, user
from web.auth import service as auth_service
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

OLD_PIN, NEW_PIN = "482913", "730518"
PHONE_NUMBER = "+22376543210"
TITLE = "Agent de sécurité incendie — centre commercial"


@dataclass(frozen=True)
class Seeded:
    """The trainee's phone and the ids of the two offers made to them."""

    phone: str
    fair: int
    low: int


def seed(engine: Engine) -> Seeded:
    """Store a company with two posts (one paid under the SMIG), a trainee typed in capitals, and two offers to them."""
    with Session(engine) as session:
        company = employer(session, name="Gardiennage du Mandé")
        fair = stored_vacancy(session, company, title=TITLE, town="Bamako", salary_fcfa_month=85_000, seats=2)
        low = stored_vacancy(session, company, title="Agent de sécurité de nuit", town="Bamako", salary_fcfa_month=35_000)
        trainee = profile(session, full_name="TOURE Sambou", phone=PHONE_NUMBER, home_town="Bamako")
        auth_service.create_user(session=session, login=PHONE_NUMBER, full_name="TOURE Sambou", role=Role.trainee,
                                 secret=OLD_PIN, trainee_id=trainee.id)  # fmt: skip
        officer = user(session, Role.officer)
        candidates.invalidate()
        made = [offers.propose_offer(session=session, vacancy_id=v.id or 0, trainee_id=trainee.id or 0, by=officer.actor)
                for v in (fair, low)]  # fmt: skip
        session.commit()
        return Seeded(PHONE_NUMBER, made[0].id or 0, made[1].id or 0)


def code_sent(engine: Engine, phone: str) -> str:
    """Return the code of the last reset SMS sent to the phone (read in the outbox, as the phone would show it)."""
    with Session(engine) as session:
        query = select(OutboxMessage.sms_text).where(
            OutboxMessage.recipient_phone == phone, OutboxMessage.kind == "pin_reset.trainee"
        )
        text = session.exec(query.order_by(col(OutboxMessage.id).desc())).first()
    found = re.search(r"\b(\d{6})\b", text or "")
    assert found, text
    return found.group(1)


@pytest.fixture
def phone(chromium: Browser) -> Iterator[Page]:
    """Yield a 390 px touch phone's page."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(8000)
    yield page
    context.close()


def header_rows(page: Page) -> int:
    """Return on how many lines the header's brand and links lie."""
    tops = page.eval_on_selector_all(
        ".bar .brand, .bar nav > *", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    return len({top // 8 for top in tops})


def test_a_trainee_resets_a_forgotten_pin_and_reads_the_bambara_pages(
    live_server: str, browser_engine: Engine, phone: Page, chromium: Browser
) -> None:
    seeded = seed(browser_engine)
    page = phone

    # Sign-in: the trainee's form first, the PIN with the number pad.
    page.goto(f"{live_server}/signin")
    pin = page.locator("#pin-secret")
    assert pin.get_attribute("inputmode") == "numeric" and pin.get_attribute("autocomplete") == "current-password"
    screenshot(page, "issue13-trainee-01-signin")

    # Forgotten PIN: a code by SMS to the registered phone.
    page.get_by_role("link", name="J'ai oublié mon code").click()
    page.get_by_label("Mon numéro de téléphone").fill("76 54 32 10")
    screenshot(page, "issue13-trainee-02-forgot")
    page.get_by_role("button", name="Recevoir un code par SMS").click()
    expect(page.get_by_role("status")).to_contain_text("un SMS avec un code vient de partir")
    assert page.locator("#code").get_attribute("autocomplete") == "one-time-code"
    page.get_by_label("Le code reçu par SMS").fill(code_sent(browser_engine, seeded.phone))
    page.get_by_label("Mon nouveau code secret (6 chiffres)").fill(NEW_PIN)
    page.get_by_label("Encore une fois, le même code secret").fill(NEW_PIN)
    screenshot(page, "issue13-trainee-03-new-pin")
    page.get_by_role("button", name="Enregistrer et entrer").click()
    expect(page.get_by_role("status")).to_contain_text("Votre nouveau code secret est enregistré.")
    expect(page.locator("h1")).to_have_text("Bonjour Toure Sambou")  # typed in capitals, shown in one case
    assert header_rows(page) == 1, "the trainee's header wraps at 390 px"
    screenshot(page, "issue13-trainee-04-home")

    # Bambara, chosen by the trainee: the pages, the deadlines in days.
    page.get_by_role("link", name="Bamanankan").click()
    expect(page.locator("h1")).to_have_text("I ni ce Toure Sambou")
    expect(page.locator(".deadline").first).to_contain_text("Jaabi di tile 7 kɔnɔ")
    assert page.locator("html").get_attribute("lang") == "bm"
    assert header_rows(page) == 1, "the trainee's header wraps at 390 px in Bambara"
    screenshot(page, "issue13-trainee-05-home-bm")

    # The offer under the minimum wage says so; before the button, what accepting shares.
    page.goto(f"{live_server}/trainee/offers/{seeded.low}")
    expect(page.locator(".below")).to_contain_text("SMIG")
    told, button = page.locator(".note.shared"), page.get_by_role("button", name="N sɔnna")
    expect(told).to_contain_text("sosiyete bɛna i tɔgɔ ni i ka telefɔni nimɔrɔ ye")
    assert told.bounding_box()["y"] < button.bounding_box()["y"]  # type: ignore[index]
    screenshot(page, "issue13-trainee-06-offer-bm")
    page.get_by_role("link", name="N ka kunnafoniw lajɛ").count()  # the profile link is on the home page only
    page.goto(f"{live_server}/trainee/profile")
    expect(page.locator(".facts")).to_contain_text("Toure Sambou")
    screenshot(page, "issue13-trainee-07-profile-bm")

    # Signed out, the new PIN opens the account again (the old one no longer does).
    page.get_by_role("button", name="Bɔ").click()
    page.locator("#pin-login").fill(seeded.phone)
    page.locator("#pin-secret").fill(OLD_PIN)
    page.get_by_role("button", name="Don", exact=True).first.click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.locator("#pin-login").fill(seeded.phone)
    page.locator("#pin-secret").fill(NEW_PIN)
    page.get_by_role("button", name="Don", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("I ni ce Toure Sambou")
    screenshot(page, "issue13-trainee-08-signed-in-again")
    page.reload()  # waits for axe-core to finish with the last page
    checked = {re.sub(r"^https?://[^/]+", "", url).split("?")[0] for url in chromium.axe.pages}  # type: ignore[attr-defined]
    assert {"/signin", "/signin/pin", "/trainee", f"/trainee/offers/{seeded.low}", "/trainee/profile"} <= checked, checked
