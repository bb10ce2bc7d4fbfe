"""What trainees expected (issue 13): the number pad, deadlines in days, being told what accepting shares, the
minimum wage, Bambara, SMS in their language with a short link, icons as images, names in one case."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from core.clock import utcnow
from core.names import display_name
from employers.models import Offer, OutboxMessage
from profiles.models import TraineeProfile
from tests.web.test_i18n import plural_messages, source_messages
from tests.web.test_trainee_pages import STATIC, Scene, text_of
from tests.web.test_trainee_pages import scene as scene  # noqa: F401  (the fixture)
from web.i18n import read_catalogue
from web.icons import ICONS

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def due_in(scene: Scene, offer: Offer, days: int) -> None:
    """Move an offer's deadline to `days` days from now (at the same hour)."""
    offer.expires_at = utcnow() + timedelta(days=days, minutes=5)
    scene.session.add(offer)
    scene.session.commit()


class TestSignIn:
    def test_the_pin_field_brings_the_number_pad_and_the_phone_its_own(self, client: object) -> None:
        page = client.get("/signin").text  # type: ignore[attr-defined]
        pin = re.search(r'<input id="pin-secret"[^>]*>', page)
        phone = re.search(r'<input id="pin-login"[^>]*>', page)
        assert pin and 'inputmode="numeric"' in pin.group(0) and 'autocomplete="current-password"' in pin.group(0)
        assert phone and 'type="tel"' in phone.group(0) and 'autocomplete="username"' in phone.group(0)
        assert 'href="/signin/pin"' in page and 'src="/static/icons/' in page

    def test_the_sign_in_page_offers_bambara(self, client: object) -> None:
        page = client.get("/signin?lang=bm").text  # type: ignore[attr-defined]
        assert 'lang="bm"' in page and "N ɲinɛna n ka gundo nimɔrɔ kɔ" in page


class TestDeadlines:
    @pytest.mark.parametrize(
        ("days", "lang", "said"),
        [(0, "fr", "Répondez aujourd'hui"), (1, "fr", "Répondez au plus tard demain"), (3, "fr", "Répondez dans 3 jours"),
         (1, "en", "Answer by tomorrow"), (3, "en", "Answer within 3 days"), (0, "bm", "Jaabi di bi"),
         (3, "bm", "Jaabi di tile 3 kɔnɔ")],
    )  # fmt: skip
    def test_a_deadline_is_said_in_days(self, scene: Scene, days: int, lang: str, said: str) -> None:
        due_in(scene, scene.offer(), days)
        assert said in text_of(scene.client.get(f"/trainee?lang={lang}").text)


class TestBeforeAccepting:
    def test_the_offer_says_the_company_will_see_name_and_phone(self, scene: Scene) -> None:
        made = scene.offer()
        shown = text_of(scene.client.get(f"/trainee/offers/{made.id}").text)
        told, button = shown.find("la société verra votre nom et votre numéro de téléphone"), shown.find("J'accepte")
        assert 0 < told < button

    def test_a_salary_under_the_minimum_wage_is_said(self, scene: Scene) -> None:
        low = scene.another_post(scene.session, salary_fcfa_month=35_000)
        made = scene.offer(low)
        shown = text_of(scene.client.get(f"/trainee/offers/{made.id}").text)
        assert "35 000 FCFA par mois" in shown and "moins que le salaire minimum" in shown
        assert "salaire minimum" not in text_of(scene.client.get(f"/trainee/offers/{scene.offer().id}").text)


class TestLanguage:
    def test_the_language_chosen_is_kept_and_the_next_sms_comes_in_it(self, scene: Scene) -> None:
        scene.client.get("/trainee?lang=bm")
        scene.session.expire_all()
        assert scene.session.get(TraineeProfile, scene.own.id).message_language == "bm"  # type: ignore[union-attr]
        made = scene.offer()
        query = select(OutboxMessage.sms_text).where(
            OutboxMessage.offer_id == made.id, OutboxMessage.kind == "offer_made.trainee"
        )
        sms = scene.session.exec(query).one()
        assert sms.startswith("RDV Mali : baara") and "Jaabi di" in sms and "F/kalo" in sms and "/o/" in sms

    def test_every_message_of_the_trainee_pages_has_its_bambara(self) -> None:
        catalogue = read_catalogue("bm")
        translated = {str(m.id) for m in catalogue if m.id and m.string and not isinstance(m.id, tuple)}
        singular = {m.id[0] for m in catalogue if isinstance(m.id, tuple)}
        unknown = sorted((translated | singular) - source_messages() - set(plural_singulars()))
        assert not unknown, unknown  # a typo in a msgid would never show
        pages = "".join(p.read_text("utf-8") for p in (TEMPLATES / "trainee").glob("*.html"))
        pages += (TEMPLATES / "auth" / "pin_forgot.html").read_text("utf-8") + (TEMPLATES / "auth" / "pin_new.html").read_text(
            "utf-8"
        )
        used = {m for m in source_messages() if f'"{m}"' in pages}
        assert used and not sorted(used - translated - singular)

    def test_bambara_pages_are_shown_in_bambara(self, scene: Scene) -> None:
        scene.offer()
        shown = text_of(scene.client.get("/trainee?lang=bm").text)
        assert "I ni ce Trainee" in shown and "Baara minnu jirala i la" in shown and "kalo o kalo" in shown


def plural_singulars() -> list[str]:
    """Return the singular French text of every plural message."""
    return [singular for singular, _plural in plural_messages()]


class TestShortLink:
    def test_the_sms_link_opens_the_offer(self, scene: Scene) -> None:
        made = scene.offer()
        sms = scene.session.exec(select(OutboxMessage.sms_text).where(OutboxMessage.offer_id == made.id)).first()
        path = re.search(r"/o/([0-9a-z]+)", sms or "")
        assert path is not None
        opened = scene.client.get(path.group(0), follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == f"/trainee/offers/{made.id}"


class TestIcons:
    def test_every_icon_is_an_image_the_app_serves(self, client: object) -> None:
        for name in set(ICONS.values()):
            assert (STATIC / "icons" / f"{name}.svg").stat().st_size < 1024
            assert client.get(f"/static/icons/{name}.svg").status_code == 200  # type: ignore[attr-defined]

    def test_the_trainee_pages_show_no_emoji_but_images(self, scene: Scene) -> None:
        made = scene.offer()
        for url in ("/trainee", f"/trainee/offers/{made.id}", "/trainee/profile", "/trainee/availability"):
            page = scene.client.get(url).text
            main = page[page.index("<main") :]
            assert not [e for e in ICONS if e in main], url
            assert '<img class="i" src="/static/icons/' in main and 'alt=""' in main


class TestNames:
    @pytest.mark.parametrize(
        ("typed", "shown"),
        [("ousmane coulibaly", "Ousmane Coulibaly"), ("TOURE Sambou", "Toure Sambou"), ("n'diaye  AWA", "N'Diaye Awa"),
         ("Aïssata  TÉNIN-kanté", "Aïssata Ténin-Kanté")],
    )  # fmt: skip
    def test_a_name_is_shown_in_one_case(self, typed: str, shown: str) -> None:
        assert display_name(typed) == shown

    def test_the_name_is_stored_as_typed_and_shown_in_one_case(self, scene: Scene, session: Session) -> None:
        scene.account.full_name = "TOURE Sambou"
        session.add(scene.account)
        session.commit()
        assert "Bonjour Toure Sambou" in text_of(scene.client.get("/trainee").text)
        session.refresh(scene.account)
        assert scene.account.full_name == "TOURE Sambou"
