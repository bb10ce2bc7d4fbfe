"""Why the system moved an offer, as people read it: the catalogue's words for the stored cause, in French and English.

The offer and its audit event hold a code (employers.models.OfferCause); the pages word it. Rewording the
catalogue changes the sentence shown and nothing else: the trainee's page still knows the company closed
the post, the offer is still withdrawn for that cause.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session

from employers import offers
from employers import service as employers_service
from employers.models import CandidateRequest, Offer, OfferCause, OfferState, Vacancy
from tests.employers.factories import offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_officer_workspace import part, text_of
from web.auth.models import Role, User
from web.i18n import translator
from web.messages import MESSAGES

PIN = "482913"
#: The French words of each cause, and their English.
WORDS = {
    OfferCause.vacancy_closed: ("offre fermée par la société", "vacancy closed by the company"),
    OfferCause.placed_elsewhere: ("agent placé sur un autre poste", "trainee placed in another job"),
    OfferCause.asked_by_employer: ("demandé par la société", "requested by the company"),
}


def test_every_cause_has_its_words_in_both_languages() -> None:
    found = {cause: (MESSAGES[f"offer_cause_{cause.value}"], translator("en")(MESSAGES[f"offer_cause_{cause.value}"]))
             for cause in OfferCause}  # fmt: skip
    assert found == WORDS


@dataclass
class Closed:
    """A vacancy its company closed while an offer was waiting, and another one with a company's request."""

    vacancy: Vacancy
    offer: Offer
    requested: Offer
    boss: User
    officer: User
    trainee: User


@pytest.fixture
def closed(session: Session) -> Closed:
    company = employer(session)
    boss, officer = user(session, Role.employer, employer_id=company.id), user(session, Role.officer)
    post, other = stored_vacancy(session, company), stored_vacancy(session, company)
    waiting = profile(session, phone=f"+2236{uuid.uuid4().int % 10**7:07d}")
    trainee = user(session, Role.trainee, secret=PIN, trainee_id=waiting.id)
    offer = offer_in(session, post, waiting, OfferState.offered, by=officer)
    request = CandidateRequest(vacancy_id=other.id or 0, trainee_id=profile(session).id or 0, requested_by=boss.id or 0)
    session.add(request)
    session.flush()
    requested = offers.shortlist_requested(session=session, request=request)
    assert requested is not None
    employers_service.close(session=session, vacancy_id=post.id or 0, by=boss.actor)
    session.commit()
    return Closed(post, offer, requested, boss, officer, trainee)


def officer_reads(new_client: Callable[[], Client], closed: Closed, lang: str) -> tuple[str, str]:
    """Return, as an officer reading in `lang`, the offer's card on the vacancy's review and the audit page's text."""
    browser = new_client()
    browser.sign_in(closed.officer.login, PASSWORD)
    review = browser.get(f"/officer/vacancies/{closed.vacancy.id}?lang={lang}").text
    return text_of(part(review, f"offer-{closed.offer.id}")), text_of(browser.get(f"/officer/audit?lang={lang}").text)


@pytest.mark.parametrize(("lang", "reason"), [("fr", "Raison : {}"), ("en", "Reason: {}")])
def test_the_review_and_the_audit_word_the_cause(
    closed: Closed, new_client: Callable[[], Client], lang: str, reason: str
) -> None:
    card, audit = officer_reads(new_client, closed, lang)
    closing, asked = (WORDS[cause][lang == "en"] for cause in (OfferCause.vacancy_closed, OfferCause.asked_by_employer))
    assert reason.format(closing) in card
    assert closing in audit and asked in audit


def test_rewording_a_cause_changes_the_words_not_what_happened(
    closed: Closed, session: Session, new_client: Callable[[], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(MESSAGES, "offer_cause_vacancy_closed", "la société ne recrute plus pour ce poste")
    card, audit = officer_reads(new_client, closed, "fr")
    assert "Raison : la société ne recrute plus pour ce poste" in card and "offre fermée" not in card
    assert "la société ne recrute plus pour ce poste" in audit

    offer = closed.offer
    session.refresh(offer)
    assert (offer.state, offer.cause, offer.reason) == (OfferState.withdrawn, OfferCause.vacancy_closed, None)
    trainee = new_client()
    trainee.sign_in(closed.trainee.login, PIN)
    assert "La société a fermé ce poste." in text_of(trainee.get("/trainee").text)  # the trainee's page still knows why
