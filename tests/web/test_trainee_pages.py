"""The trainees' pages: their offers, answering them, their profile and availability, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import candidates, offers
from employers.models import DeclineReason, Employer, Offer, OfferState, OutboxMessage, Vacancy
from profiles.models import TraineeProfile
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role, User
from web.icons import ICONS
from web.routes.trainee import ANSWERED_SHOWN

PIN = "123456"
START = date(2027, 1, 4)
STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
#: The most a trainee's page may weigh, its style sheets included (images aside).
PAGE_LIMIT = 50 * 1024


@pytest.fixture(autouse=True)
def fresh_candidates() -> Iterator[None]:
    """Forget cached pools and rankings around each test (offers check eligibility through them)."""
    candidates.invalidate()
    yield
    candidates.invalidate()


@dataclass
class Scene:
    """A company with a night post in Ségou, its employer, an officer, and a trainee signed in on `client`."""

    session: Session
    company: Employer
    vacancy: Vacancy
    boss: User
    officer: User
    own: TraineeProfile
    account: User
    client: Client

    def another_post(self, session: Session, **overrides: Any) -> Vacancy:
        """Store another open post of the company that the trainee is eligible for."""
        return stored_vacancy(session, self.company, town="Ségou", seats=5, **overrides)

    def offer(self, vacancy: Vacancy | None = None, trainee: TraineeProfile | None = None) -> Offer:
        """Offer a post (the night post by default) to a trainee (ours by default), as the officer."""
        made = offers.propose_offer(session=self.session, vacancy_id=(vacancy or self.vacancy).id or 0,
                                    trainee_id=(trainee or self.own).id or 0, by=self.officer.actor)  # fmt: skip
        self.session.commit()
        return made

    def state(self, offer: Offer) -> OfferState:
        """Return the offer's state as stored now."""
        self.session.expire_all()
        found = self.session.get(Offer, offer.id)
        assert found is not None
        return found.state


def trainee(session: Session, **overrides: Any) -> tuple[TraineeProfile, User]:
    """Store a trainee living in Ségou and their account (PIN 123456)."""
    row = profile(session, home_town="Ségou", phone=f"+2237{uuid.uuid4().int % 10**7:07d}", **overrides)
    return row, user(session, Role.trainee, secret=PIN, trainee_id=row.id)


@pytest.fixture
def scene(session: Session, client: Client) -> Scene:
    company = employer(session, name="Sahel Sécurité")
    vacancy = stored_vacancy(session, company, title="Agent de sécurité de nuit", town="Ségou", shift="night",
                             salary_fcfa_month=85_000, start_date=START.isoformat(), seats=5)  # fmt: skip
    own, account = trainee(session, full_name="Awa Traoré", gender="F")
    client.sign_in(account.login, PIN)
    boss, officer = user(session, Role.employer, employer_id=company.id), user(session, Role.officer)
    return Scene(session, company, vacancy, boss, officer, own, account, client)


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """Submit a form as a browser does (with the CSRF token), without following the redirect."""
    return client.post(url, data={**(data or {}), "csrf_token": client.csrf()}, follow_redirects=False)


def audit(session: Session, offer: Offer) -> list[tuple[str | None, str, int | None, str | None]]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.entity == "offer", AuditEvent.entity_id == offer.id).order_by(col(AuditEvent.id))
    return [(e.from_state, e.to_state, e.actor_id, e.reason) for e in session.exec(query)]


def outbox_kinds(session: Session, offer: Offer) -> list[str]:
    """Return the events of the offer's notices, one per notice written ("offer_accepted" for the company's and the officer's)."""
    session.expire_all()
    query = select(OutboxMessage.kind).where(OutboxMessage.offer_id == offer.id).order_by(col(OutboxMessage.id))
    return [kind.split(".")[0] for kind in session.exec(query)]


#: An icon drawn as an image (web.icons), and the emoji it stands for (⌛ for both hourglasses).
ICON_IMAGE = re.compile(r'<img class="i" src="/static/icons/([a-z]+)\.svg"[^>]*>')
EMOJI = {name: emoji for emoji, name in ICONS.items()}


def text_of(html: str) -> str:
    """Return a page's visible text, tags removed and spaces collapsed; each icon image is written as its emoji."""
    html = ICON_IMAGE.sub(lambda image: f" {EMOJI[image.group(1)]} ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def deadline(offer: Offer) -> str:
    assert offer.expires_at is not None
    return offer.expires_at.strftime("%d/%m/%Y")


# ---------------------------------------------------------------- the home page


class TestHome:
    def test_a_waiting_offer_shows_company_job_town_shift_salary_start_and_deadline(self, scene: Scene) -> None:
        made = scene.offer()
        page = scene.client.get("/trainee")
        assert page.status_code == 200
        shown = text_of(page.text)
        for fact in ("Sahel Sécurité", "Agent de sécurité de nuit", "Ségou", "🌙 Travail de nuit", "💰 85 000 FCFA par mois",
                     "📅 Début le 04/01/2027", f"⌛ Répondez dans 7 jours au plus tard ({deadline(made)})."):  # fmt: skip
            assert fact in shown, fact
        assert f'href="/trainee/offers/{made.id}"' in page.text

    def test_in_english_too(self, scene: Scene) -> None:
        scene.offer()
        shown = text_of(scene.client.get("/trainee?lang=en").text)
        assert "Night work" in shown and "85,000 FCFA a month" in shown and "Starts on 4 Jan 2027" in shown

    def test_day_and_rotating_shifts_have_their_words(self, scene: Scene) -> None:
        scene.offer(scene.another_post(scene.session, shift="day"))
        scene.offer(scene.another_post(scene.session, shift="rotating"))
        shown = text_of(scene.client.get("/trainee").text)
        assert "☀️ Travail de jour" in shown and "🔄 Jour et nuit, à tour de rôle" in shown

    def test_waiting_offers_come_first_the_most_urgent_first(self, scene: Scene) -> None:
        session = scene.session
        answered_post, later_post, sooner_post = (
            scene.another_post(session, title=t) for t in ("Ancien poste", "Poste B", "Poste A")
        )
        post(scene.client, f"/trainee/offers/{scene.offer(answered_post).id}/decline")
        scene.offer(later_post)
        sooner = scene.offer(sooner_post)
        sooner.expires_at = utcnow() + timedelta(days=1)
        session.add(sooner)
        session.commit()
        shown = text_of(scene.client.get("/trainee").text)
        assert shown.index("Poste A") < shown.index("Poste B") < shown.index("Mes réponses") < shown.index("Ancien poste")

    def test_past_answers_say_where_each_offer_stands(self, scene: Scene) -> None:
        session = scene.session
        states = ("accepted", "confirmed", "declined", "withdrawn", "expired", "rejected", "late")
        made = {state: scene.offer(scene.another_post(session, title=f"Poste {state}")) for state in states}
        for state in ("accepted", "confirmed"):
            offers.accept(session=session, offer_id=made[state].id or 0, by=scene.account.actor)
        offers.decline(session=session, offer_id=made["declined"].id or 0, by=scene.account.actor)
        offers.withdraw_offer(
            session=session, offer_id=made["withdrawn"].id or 0, by=scene.officer.actor, reason="poste supprimé"
        )
        offers.reject_by_employer(session=session, offer_id=made["rejected"].id or 0, by=scene.boss.actor, reason="complet")
        made["expired"].offered_at = utcnow() - timedelta(days=10)
        made["late"].expires_at = utcnow() - timedelta(minutes=1)  # past its deadline, not yet marked by the expiry job
        session.add_all([made["expired"], made["late"]])
        session.flush()
        offers.expire_offers(session=session, now=utcnow(), days=7)
        session.commit()
        expected = {
            "accepted": "✅ Vous avez accepté. La société va confirmer.",
            "declined": "❌ Vous avez refusé.",
            "withdrawn": "↩️ Cette proposition a été retirée.",
            "expired": "⌛ Trop tard : la date pour répondre est passée.",
            "late": "⌛ Trop tard : la date pour répondre est passée.",
            "rejected": "🚫 La société a choisi une autre personne.",
        }
        self.assert_cards(scene, {f"Poste {state}": sentence for state, sentence in expected.items()})
        offers.confirm_placement(session=session, offer_id=made["confirmed"].id or 0, by=scene.boss.actor,
                                 start_date=date(2027, 3, 1), salary_fcfa_month=90_000)  # fmt: skip
        session.commit()
        hired = {"confirmed": "🎉 Vous êtes embauchée. Début le 01/03/2027.",
                 "accepted": "↩️ Vous avez déjà un autre poste : cette proposition est fermée."}  # fmt: skip
        self.assert_cards(scene, {f"Poste {state}": sentence for state, sentence in hired.items()})
        confirmed = text_of(scene.client.get(f"/trainee/offers/{made['confirmed'].id}").text)
        assert "💰 90 000 FCFA par mois" in confirmed and "📅 Début le 01/03/2027" in confirmed  # the agreed terms

    def test_an_offer_of_a_closed_vacancy_says_the_company_closed_it(self, scene: Scene) -> None:
        scene.offer()
        offers.withdraw_for_closed_vacancy(session=scene.session, vacancy_id=scene.vacancy.id or 0)
        scene.session.commit()
        self.assert_cards(scene, {"Agent de sécurité de nuit": "↩️ La société a fermé ce poste."})

    def assert_cards(self, scene: Scene, expected: dict[str, str]) -> None:
        """Check the home page: nothing waits for an answer, and each job's card (by title) says where its offer stands."""
        page = scene.client.get("/trainee").text
        assert "Travail proposé Aucune autre proposition à répondre pour le moment." in text_of(page)
        cards = {title: next(c for c in page.split("<article") if f">{title}<" in c) for title in expected}
        for title, sentence in expected.items():
            assert sentence in text_of(cards[title]), title

    def test_a_shortlist_and_other_trainees_offers_are_not_shown(self, scene: Scene) -> None:
        offers.shortlist(
            session=scene.session, vacancy_id=scene.vacancy.id or 0, trainee_id=scene.own.id or 0, by=scene.officer.actor
        )
        other, _ = trainee(scene.session)
        scene.offer(scene.another_post(scene.session, title="Poste d'un autre"), other)
        scene.session.commit()
        shown = text_of(scene.client.get("/trainee").text)
        assert "Pas de proposition pour le moment." in shown
        assert "Agent de sécurité de nuit" not in shown and "Poste d'un autre" not in shown

    def test_an_account_without_profile_is_told_so(self, session: Session, new_client: Callable[[], Client]) -> None:
        account = user(session, Role.trainee, secret=PIN)
        browser = new_client()
        browser.sign_in(account.login, PIN)
        for path in ("/trainee", "/trainee/profile", "/trainee/availability"):
            page = browser.get(path)
            assert page.status_code == 200 and "pas encore relié à ce compte" in page.text, path

    def test_a_foreign_done_code_is_not_shown(self, scene: Scene) -> None:
        assert "La société est approuvée" not in scene.client.get("/trainee?done=approved").text


# ---------------------------------------------------------------- answering


class TestAccept:
    def test_accepting_moves_the_offer_audits_and_tells_the_company(self, scene: Scene) -> None:
        made = scene.offer()
        page = scene.client.get(f"/trainee/offers/{made.id}")
        assert f'action="/trainee/offers/{made.id}/accept"' in page.text and "✅ J'accepte" in text_of(page.text)
        answer = post(scene.client, f"/trainee/offers/{made.id}/accept")
        assert answer.status_code == 303 and answer.headers["location"] == "/trainee?done=accepted"
        assert scene.state(made) == OfferState.accepted
        assert audit(scene.session, made)[-1] == ("offered", "accepted", scene.account.id, None)
        assert outbox_kinds(scene.session, made).count("offer_accepted") >= 1
        home = scene.client.get(answer.headers["location"])
        assert "Vous avez accepté. La société va confirmer votre embauche." in text_of(home.text)

    def test_a_double_submit_makes_one_transition(self, scene: Scene) -> None:
        made = scene.offer()
        notices = []
        for _ in range(2):
            answer = post(scene.client, f"/trainee/offers/{made.id}/accept")
            assert answer.headers["location"] == "/trainee?done=accepted"
            notices.append(outbox_kinds(scene.session, made).count("offer_accepted"))
        assert [a[:2] for a in audit(scene.session, made)] == [(None, "offered"), ("offered", "accepted")]
        assert notices[0] >= 1 and notices[1] == notices[0]

    def test_an_expired_offer_says_so_kindly(self, scene: Scene) -> None:
        made = scene.offer()
        made.offered_at = utcnow() - timedelta(days=8)
        scene.session.add(made)
        scene.session.commit()
        offers.expire_offers(session=scene.session, now=utcnow(), days=7)
        scene.session.commit()
        answer = post(scene.client, f"/trainee/offers/{made.id}/accept")
        assert answer.status_code == 303 and answer.headers["location"] == f"/trainee/offers/{made.id}?changed=1"
        page = scene.client.get(answer.headers["location"])
        assert "Votre réponse n'est pas enregistrée" in text_of(page.text) and "Trop tard" in page.text
        assert "/accept" not in page.text and "Je refuse" not in page.text
        assert scene.state(made) == OfferState.expired


class TestDecline:
    def test_the_confirm_page_offers_the_reasons(self, scene: Scene) -> None:
        made = scene.offer()
        assert f'href="/trainee/offers/{made.id}/decline"' in scene.client.get(f"/trainee/offers/{made.id}").text
        page = scene.client.get(f"/trainee/offers/{made.id}/decline")
        assert page.status_code == 200 and "Vous refusez ce travail ?" in page.text
        assert re.findall(r'type="radio" name="reason" value="(\w+)"', page.text) == [r.value for r in DeclineReason]
        shown = text_of(page.text)
        assert (
            "📍 C'est trop loin" in shown and "💰 Le salaire ne me va pas" in shown and "🕑 Les horaires ne me vont pas" in shown
        )
        assert scene.state(made) == OfferState.offered  # looking at the page declines nothing

    def test_declining_with_a_reason_stores_it(self, scene: Scene) -> None:
        made = scene.offer()
        answer = post(scene.client, f"/trainee/offers/{made.id}/decline", {"reason": "distance"})
        assert answer.status_code == 303 and answer.headers["location"] == "/trainee?done=declined"
        scene.session.expire_all()
        stored = scene.session.get(Offer, made.id)
        assert stored is not None and stored.state == OfferState.declined and stored.decline_reason == DeclineReason.distance
        assert audit(scene.session, made)[-1] == ("offered", "declined", scene.account.id, "distance")
        assert "offer_declined" in outbox_kinds(scene.session, made)

    @pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "nonsense"}])
    def test_no_reason_or_an_unknown_one_declines_without_reason(self, scene: Scene, data: dict[str, str]) -> None:
        made = scene.offer()
        post(scene.client, f"/trainee/offers/{made.id}/decline", data)
        scene.session.expire_all()
        stored = scene.session.get(Offer, made.id)
        assert stored is not None and stored.state == OfferState.declined and stored.decline_reason is None

    def test_a_double_submit_makes_one_transition(self, scene: Scene) -> None:
        made = scene.offer()
        notices = []
        for _ in range(2):
            answer = post(scene.client, f"/trainee/offers/{made.id}/decline", {"reason": "salary"})
            assert answer.headers["location"] == "/trainee?done=declined"
            notices.append(outbox_kinds(scene.session, made).count("offer_declined"))
        assert [a[:2] for a in audit(scene.session, made)] == [(None, "offered"), ("offered", "declined")]
        assert notices[0] >= 1 and notices[1] == notices[0]

    def test_declining_after_accepting_is_refused_kindly(self, scene: Scene) -> None:
        made = scene.offer()
        post(scene.client, f"/trainee/offers/{made.id}/accept")
        answer = post(scene.client, f"/trainee/offers/{made.id}/decline", {"reason": "other"})
        assert answer.headers["location"] == f"/trainee/offers/{made.id}?changed=1"
        assert scene.state(made) == OfferState.accepted
        assert scene.client.get(f"/trainee/offers/{made.id}/decline", follow_redirects=False).headers["location"] == (
            f"/trainee/offers/{made.id}"
        )

    @pytest.mark.parametrize("answer", ["decline", "accept"])
    def test_past_the_deadline_an_answer_is_refused_with_a_clear_message(self, scene: Scene, answer: str) -> None:
        made = scene.offer()
        made.expires_at = utcnow() - timedelta(minutes=1)  # the expiry job has not run yet
        scene.session.add(made)
        scene.session.commit()
        done = post(scene.client, f"/trainee/offers/{made.id}/{answer}", {"reason": "other"})
        assert done.headers["location"] == f"/trainee/offers/{made.id}?changed=late"
        shown = text_of(scene.client.get(done.headers["location"]).text)
        assert "le délai pour répondre à cette proposition est passé" in shown
        assert scene.state(made) == OfferState.offered

    def test_a_withdrawn_offer_cannot_be_declined(self, scene: Scene) -> None:
        made = scene.offer()
        offers.withdraw_offer(session=scene.session, offer_id=made.id or 0, by=scene.officer.actor, reason="poste supprimé")
        scene.session.commit()
        answer = scene.client.get(post(scene.client, f"/trainee/offers/{made.id}/decline").headers["location"])
        shown = text_of(answer.text)
        assert "Cette proposition a été retirée." in shown and "Votre réponse n'est pas enregistrée" in shown
        assert scene.state(made) == OfferState.withdrawn


# ---------------------------------------------------------------- who may see what


class TestAccess:
    def answers(self, client: Client, offer_id: int) -> list[int]:
        """Return the status of each offer page and answer for this browser."""
        calls = [
            client.get(f"/trainee/offers/{offer_id}", follow_redirects=False),
            client.get(f"/trainee/offers/{offer_id}/decline", follow_redirects=False),
            post(client, f"/trainee/offers/{offer_id}/accept"),
            post(client, f"/trainee/offers/{offer_id}/decline", {"reason": "distance"}),
        ]
        return [r.status_code for r in calls]

    def test_another_trainees_offer_does_not_exist(self, scene: Scene) -> None:
        other, _ = trainee(scene.session)
        theirs = scene.offer(trainee=other)
        assert self.answers(scene.client, theirs.id or 0) == [404, 404, 404, 404]
        assert scene.state(theirs) == OfferState.offered
        assert self.answers(scene.client, 999_999) == [404, 404, 404, 404]

    def test_an_own_shortlist_entry_does_not_exist_yet(self, scene: Scene) -> None:
        listed = offers.shortlist(session=scene.session, vacancy_id=scene.vacancy.id or 0, trainee_id=scene.own.id or 0,
                                  by=scene.officer.actor)  # fmt: skip
        scene.session.commit()
        assert self.answers(scene.client, listed.id or 0) == [404, 404, 404, 404]
        assert scene.state(listed) == OfferState.shortlisted

    @pytest.mark.parametrize("role", [Role.officer, Role.admin, Role.employer])
    def test_staff_and_employers_are_refused(self, scene: Scene, new_client: Callable[[], Client], role: Role) -> None:
        made = scene.offer()
        account = user(scene.session, role, employer_id=scene.company.id if role == Role.employer else None)
        browser = new_client()
        browser.sign_in(account.login, PASSWORD)
        pages = [browser.get(p, follow_redirects=False) for p in ("/trainee", "/trainee/profile", "/trainee/availability")]
        posts = [post(browser, "/trainee/availability", {"available_from": "2027-01-01", "shifts": "day"})]
        assert [r.status_code for r in pages + posts] + self.answers(browser, made.id or 0) == [403] * 8
        assert scene.state(made) == OfferState.offered

    def test_anonymous_visitors_are_sent_to_sign_in(self, scene: Scene, new_client: Callable[[], Client]) -> None:
        made = scene.offer()
        browser = new_client()
        for path in ("/trainee", f"/trainee/offers/{made.id}", "/trainee/profile", "/trainee/availability"):
            answer = browser.get(path, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"].startswith("/signin"), path


# ---------------------------------------------------------------- profile and availability


class TestProfile:
    def test_shows_the_profile_in_short_sentences_read_only(self, scene: Scene) -> None:
        page = scene.client.get("/trainee/profile")
        shown = text_of(page.text)
        facts = ("Awa Traoré", "📍 J'habite à Ségou.", "🗣️ Je parle : bambara, français.", "2 ans d'expérience dans la sécurité.",
                 "✅ Les sociétés peuvent voir mon profil", "parlez à votre conseiller")  # fmt: skip
        for fact in facts:
            assert fact in shown, fact
        assert "🎓 Mes diplômes :" in shown and "Tous les horaires me vont." in shown
        assert 'method="post"' not in page.text.split("<main")[1]  # nothing to change here

    def test_shows_the_availability_recorded(self, session: Session, new_client: Callable[[], Client]) -> None:
        _own, account = trainee(session, available_from="2027-02-01", preferred_shifts=["day", "night"], mobility="country",
                                experience=[], consent=False)  # fmt: skip
        browser = new_client()
        browser.sign_in(account.login, PIN)
        shown = text_of(browser.get("/trainee/profile").text)
        for fact in ("Disponible à partir du 01/02/2027.", "☀️ Travail de jour · 🌙 Travail de nuit", "partout au Mali",
                     "Pas encore d'expérience", "🔒 Les sociétés ne voient pas mon profil."):  # fmt: skip
            assert fact in shown, fact


class TestAvailability:
    def test_the_form_shows_what_is_recorded(self, session: Session, new_client: Callable[[], Client]) -> None:
        _own, account = trainee(session, available_from="2027-02-01", preferred_shifts=["night"])
        browser = new_client()
        browser.sign_in(account.login, PIN)
        page = browser.get("/trainee/availability").text
        assert 'name="available_from" value="2027-02-01"' in page
        assert re.findall(r'value="(\w+)" checked', page) == ["night"]

    def test_no_shift_recorded_shows_every_box_ticked(self, scene: Scene) -> None:
        page = scene.client.get("/trainee/availability").text
        assert re.findall(r'value="(\w+)" checked', page) == ["day", "night", "rotating"]

    @pytest.mark.parametrize("typed", ["2027-02-01", "01/02/2027"])
    def test_saves_the_date_and_shifts(self, scene: Scene, typed: str) -> None:
        before = scene.own.updated_at
        answer = post(scene.client, "/trainee/availability", {"available_from": typed, "shifts": ["night", "rotating"]})
        assert answer.status_code == 303 and answer.headers["location"] == "/trainee?done=availability"
        scene.session.expire_all()
        saved = scene.session.get(TraineeProfile, scene.own.id)
        assert saved is not None and saved.available_from == date(2027, 2, 1) and saved.preferred_shifts == ["night", "rotating"]
        assert saved.updated_at > before  # the employers' cached rankings key on it
        assert "Votre disponibilité est enregistrée." in scene.client.get(answer.headers["location"]).text

    @pytest.mark.parametrize(
        ("typed", "sentence"),
        [("", "Choisissez une date."), ("31/02/2027", "Cette date n'est pas bonne."), ("bientôt", "Cette date n'est pas bonne."),
         ("1990-01-01", "Cette date est trop ancienne."), ("2099-01-01", "Cette date est trop loin.")],
    )  # fmt: skip
    def test_a_bad_date_comes_back_with_its_message_next_to_the_field(self, scene: Scene, typed: str, sentence: str) -> None:
        answer = post(scene.client, "/trainee/availability", {"available_from": typed, "shifts": "day"})
        assert answer.status_code == 422
        page: str = answer.text
        field = re.search(
            r'<input type="date"[^>]*>\s*<span class="field-error" id="available_from-error"[^>]*>(?:<img[^>]*>)?([^<]*)</span>',
            page,
        )
        assert field is not None and sentence in unescape(field.group(1))
        assert f'value="{typed}"' in page and 'aria-describedby="available_from-error"' in page
        assert re.findall(r'value="(\w+)" checked', page) == ["day"]  # what was ticked stays ticked
        scene.session.expire_all()
        saved = scene.session.get(TraineeProfile, scene.own.id)
        assert saved is not None and saved.available_from is None

    def test_no_shift_ticked_is_refused(self, scene: Scene) -> None:
        answer = post(scene.client, "/trainee/availability", {"available_from": "2027-02-01"})
        assert answer.status_code == 422
        assert 'id="shifts-error" role="alert">' in answer.text and "⚠️ Cochez au moins une case." in text_of(answer.text)

    def test_in_english(self, scene: Scene) -> None:
        scene.client.get("/trainee?lang=en")
        scene.client.cookies.set("rdvm_lang", "en")
        answer = post(scene.client, "/trainee/availability", {"available_from": "nope", "shifts": "day"})
        assert "This date is not right." in answer.text


# ---------------------------------------------------------------- weight


class TestWeight:
    def test_every_page_is_light_and_has_no_script(self, scene: Scene) -> None:
        made = scene.offer()
        offers.accept(
            session=scene.session, offer_id=scene.offer(scene.another_post(scene.session)).id or 0, by=scene.account.actor
        )
        offers.decline(
            session=scene.session, offer_id=scene.offer(scene.another_post(scene.session)).id or 0, by=scene.account.actor
        )
        scene.session.commit()
        styles = sum((STATIC / name).stat().st_size for name in ("app.css", "trainee.css"))
        paths = ["/trainee", f"/trainee/offers/{made.id}", f"/trainee/offers/{made.id}/decline", "/trainee/profile",
                 "/trainee/availability", "/trainee?lang=en"]  # fmt: skip
        for path in paths:
            page = scene.client.get(path)
            assert page.status_code == 200, path
            assert "<script" not in page.text.lower(), path
            assert not re.search(r"<[^>]+\son\w+=", page.text), path  # no inline handlers either
            linked = re.findall(r'<link rel="stylesheet" href="/static/([\w.]+)">', page.text)
            assert sorted(linked) == ["app.css", "trainee.css"], path
            assert len(page.content) + styles < PAGE_LIMIT, (path, len(page.content) + styles)

    def test_many_past_answers_keep_the_home_page_light(self, scene: Scene) -> None:
        for n in range(ANSWERED_SHOWN + 5):
            post_n = scene.another_post(scene.session, title=f"Ancien poste {n:02d}")
            offer_in(scene.session, post_n, scene.own, OfferState.declined, by=scene.officer)
        page = scene.client.get("/trainee")
        assert page.text.count('<article class="offer state-declined">') == ANSWERED_SHOWN
        styles = sum((STATIC / name).stat().st_size for name in ("app.css", "trainee.css"))
        assert len(page.content) + styles < PAGE_LIMIT
