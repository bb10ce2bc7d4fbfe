"""The trainee's space, made for a phone and for people who read little: the job offers made to them, their
answers (accept, decline), their profile and their availability. Plain HTML forms, no script, icons beside words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from core.clock import utcnow
from employers import notices
from employers import offers as offers_service
from employers.exceptions import InvalidOfferTransition, OfferExpired
from employers.models import DeclineReason, Employer, Offer, OfferCause, OfferState, Placement, Vacancy
from matching.models import SHIFTS
from profiles import availability as availability_service
from profiles.availability import EARLIEST, LATEST, InvalidAvailability
from profiles.models import TraineeProfile
from web.auth.models import User
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, Submitted, TraineeUser
from web.errors import DomainRoute
from web.i18n import LANGUAGE_NAMES, translator
from web.labels import Labels
from web.messages import N_, done_message
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: Each shift: its icon and its plain name.
SHIFT_WORDS: dict[str, tuple[str, str]] = {
    "day": ("☀️", N_("Travail de jour")),
    "night": ("🌙", N_("Travail de nuit")),
    "rotating": ("🔄", N_("Jour et nuit, à tour de rôle")),
}
#: Each reason a trainee may give for declining: its icon and its plain words.
DECLINE_WORDS: dict[DeclineReason, tuple[str, str]] = {
    DeclineReason.distance: ("📍", N_("C'est trop loin")),
    DeclineReason.salary: ("💰", N_("Le salaire ne me va pas")),
    DeclineReason.schedule: ("🕑", N_("Les horaires ne me vont pas")),
    DeclineReason.other_job: ("💼", N_("J'ai déjà un autre travail")),
    DeclineReason.other: ("💬", N_("Autre raison")),
}
#: What the availability form says about each refusal of profiles.availability.
AVAILABILITY_ERRORS = {
    "date_required": N_("Choisissez une date."),
    "date_unreadable": N_("Cette date n'est pas bonne. Écrivez-la comme ceci : 01/03/2026."),
    "date_too_old": N_("Cette date est trop ancienne. Si vous êtes libre maintenant, mettez la date d'aujourd'hui."),
    "date_too_far": N_("Cette date est trop loin. Choisissez une date dans les deux ans qui viennent."),
    "shifts_required": N_("Cochez au moins une case."),
    "shifts_unknown": N_("Cochez seulement les cases proposées."),
}
#: Why the system withdrew an offer → the sentence of trainee/_state.html telling the trainee.
WITHDRAWN_BY_SYSTEM = {OfferCause.placed_elsewhere: "placed_elsewhere", OfferCause.vacancy_closed: "closed"}
#: Past answers listed on the home page, the most recent first (keeps the page light however many there were).
ANSWERED_SHOWN = 20
#: The confirmations the trainee's home shows after a redirect (?done=).
DONE = frozenset({"accepted", "declined", "availability", "pin"})
#: Shown on an offer's page when an answer came too late (the offer had expired or was withdrawn meanwhile).
CHANGED = N_("Votre réponse n'est pas enregistrée : cette proposition a changé entre-temps.")
#: Shown on an offer's page when an answer came after its deadline (accepting or declining alike).
TOO_LATE = N_(
    "Votre réponse n'est pas enregistrée : le délai pour répondre à cette proposition est passé. Parlez-en à votre conseiller."
)
#: The notices an offer's page shows after a refused answer (?changed=).
CHANGED_NOTES = {"1": CHANGED, "late": TOO_LATE}


@dataclass(frozen=True)
class OfferCard:
    """An offer as the trainee sees it: the job, the company, and the placement once the hiring is confirmed."""

    offer: Offer
    vacancy: Vacancy
    company: str
    placement: Placement | None = None

    @property
    def waiting(self) -> bool:
        """Return whether the offer waits for the trainee's answer (and there is still time to give it)."""
        return self.offer.state == OfferState.offered and not self.late

    @property
    def late(self) -> bool:
        """Return whether the time to answer has passed (the expiry job may not have marked the offer yet)."""
        expires = self.offer.expires_at
        return expires is not None and expires <= utcnow()

    @property
    def situation(self) -> str:
        """Return where the offer stands for the trainee, as one of the sentences of trainee/_state.html."""
        state, cause = self.offer.state, self.offer.cause
        if state == OfferState.offered:
            return "late" if self.late else "waiting"
        if state == OfferState.confirmed:
            return "ended" if self.placement is not None and self.placement.ended_at is not None else "hired"
        if state == OfferState.withdrawn and cause in WITHDRAWN_BY_SYSTEM:
            return WITHDRAWN_BY_SYSTEM[cause]
        return state.value


# ---------------------------------------------------------------- showing values


def security_years(profile: TraineeProfile) -> float:
    """Return the trainee's years of experience in security."""
    return sum(float(item.get("years") or 0) for item in profile.experience if item.get("sector") == "security")


def days_left(deadline: datetime | None) -> int | None:
    """Return how many days are left before a deadline, counted in calendar days (0: today; None: no deadline)."""
    if deadline is None:
        return None
    return ((deadline.astimezone(UTC) if deadline.tzinfo else deadline).date() - utcnow().date()).days


def helpers(lang: str) -> dict[str, Any]:
    """Return what the trainee's templates use to show values."""
    return {"shift_words": SHIFT_WORDS, "labels": Labels(lang), "office_phone": get_settings().office_phone,
            "days_left": days_left, "languages": LANGUAGE_NAMES}  # fmt: skip


# ---------------------------------------------------------------- reading


def own_profile(session: Session, user: User) -> TraineeProfile | None:
    """Return the signed-in trainee's profile (None when the account is not linked to one)."""
    return session.get(TraineeProfile, user.trainee_id) if user.trainee_id is not None else None


def cards(session: Session, offers: Sequence[Offer]) -> list[OfferCard]:
    """Return the offers with their vacancy, company name and placement, in the same order."""
    jobs = jobs_of(session, {o.vacancy_id for o in offers})
    placements = placements_of(session, [o.id or 0 for o in offers if o.state == OfferState.confirmed])
    return [OfferCard(o, *jobs[o.vacancy_id], placements.get(o.id or 0)) for o in offers]


def jobs_of(session: Session, vacancy_ids: set[int]) -> dict[int, tuple[Vacancy, str]]:
    """Return each vacancy with its company's name, by id."""
    if not vacancy_ids:
        return {}
    query = select(Vacancy, Employer.name).join(Employer).where(col(Vacancy.id).in_(vacancy_ids))
    return {vacancy.id or 0: (vacancy, name) for vacancy, name in session.exec(query)}


def placements_of(session: Session, offer_ids: list[int]) -> dict[int, Placement]:
    """Return the placements the confirmed offers became, by offer id."""
    if not offer_ids:
        return {}
    query = select(Placement).where(col(Placement.offer_id).in_(offer_ids))
    return {p.offer_id: p for p in session.exec(query) if p.offer_id is not None}


def by_deadline(card: OfferCard) -> datetime:
    """Sort key: the offer to answer first comes first."""
    expires = card.offer.expires_at
    return expires if expires is not None else datetime.max.replace(tzinfo=UTC)


@router.get("/trainee", response_class=HTMLResponse)
def trainee_home(request: Request, session: SessionDep, lang: Lang, user: TraineeUser, done: str = "") -> Response:
    """Show the offers waiting for an answer (most urgent first), then the past answers, and links to the rest."""
    all_cards = cards(session, offers_service.list_offers(session=session, by=user.actor))
    context = {
        "profile": own_profile(session, user), "done": done_message(done, lang) if done in DONE else None,
        "waiting": sorted((c for c in all_cards if c.waiting), key=by_deadline),
        "answered": [c for c in all_cards if not c.waiting][:ANSWERED_SHOWN], **helpers(lang),
    }  # fmt: skip
    return render(request, "trainee/home.html", context)


def offer_card(session: Session, offer_id: int, user: User) -> OfferCard:
    """Return one of the trainee's own offers (OfferNotFound for anybody else's)."""
    return cards(session, [offers_service.get_offer(session=session, offer_id=offer_id, by=user.actor)])[0]


@router.get("/trainee/offers/{offer_id}", response_class=HTMLResponse)
def offer_page(
    request: Request, session: SessionDep, lang: Lang, user: TraineeUser, offer_id: int, changed: str = ""
) -> Response:
    """Show one offer, with the buttons to accept or decline it while it waits for an answer."""
    context = {"card": offer_card(session, offer_id, user), "profile": own_profile(session, user),
               "changed": CHANGED_NOTES.get(changed), **helpers(lang)}  # fmt: skip
    return render(request, "trainee/offer.html", context)


@router.get("/trainee/offers/{offer_id}/decline", response_class=HTMLResponse)
def decline_page(request: Request, session: SessionDep, lang: Lang, user: TraineeUser, offer_id: int) -> Response:
    """Ask "are you sure?" before declining, with the reasons to choose from (none is needed)."""
    card = offer_card(session, offer_id, user)
    if not card.waiting:
        return RedirectResponse(f"/trainee/offers/{offer_id}", status_code=303)
    return render(request, "trainee/decline.html", {"card": card, "reasons": DECLINE_WORDS, **helpers(lang)})


@router.get("/o/{code}")
def short_link(code: str) -> Response:
    """Open the offer an SMS's short link names (signing in first when needed)."""
    offer_id = notices.offer_id_of(code)
    return RedirectResponse(f"/trainee/offers/{offer_id}" if offer_id is not None else "/trainee", status_code=303)


# ---------------------------------------------------------------- answering


def decline_reason(typed: object) -> DeclineReason | None:
    """Return the reason chosen on the form, or None (none chosen, or a value that is not on the list)."""
    try:
        return DeclineReason(str(typed))
    except ValueError:
        return None


def answered(offer_id: int, done: str) -> RedirectResponse:
    """Go home after an answer; to the offer's page, with a notice, when it had changed meanwhile."""
    notes = {"changed": "1", "late": "late"}
    target = f"/trainee/offers/{offer_id}?changed={notes[done]}" if done in notes else f"/trainee?done={done}"
    return RedirectResponse(target, status_code=303)


@router.post("/trainee/offers/{offer_id}/accept")
def accept(session: SessionDep, user: TraineeUser, offer_id: int) -> Response:
    """Accept an offer (again: nothing more happens); an offer that expired, is past its deadline or was withdrawn says so."""
    try:
        offers_service.accept(session=session, offer_id=offer_id, by=user.actor)
    except OfferExpired:
        return answered(offer_id, "late")
    except InvalidOfferTransition:
        return answered(offer_id, "changed")
    return answered(offer_id, "accepted")


@router.post("/trainee/offers/{offer_id}/decline")
def decline(session: SessionDep, user: TraineeUser, offer_id: int, form: Submitted) -> Response:
    """Decline an offer, with the reason chosen if any (an unknown reason counts as none)."""
    try:
        offers_service.decline(session=session, offer_id=offer_id, by=user.actor, reason=decline_reason(form.get("reason")))
    except OfferExpired:
        return answered(offer_id, "late")
    except InvalidOfferTransition:
        return answered(offer_id, "changed")
    return answered(offer_id, "declined")


# ---------------------------------------------------------------- profile and availability


@router.get("/trainee/profile", response_class=HTMLResponse)
def profile_page(request: Request, session: SessionDep, lang: Lang, user: TraineeUser) -> Response:
    """Show the trainee's profile in short sentences (changes go through their officer)."""
    profile = own_profile(session, user)
    years = security_years(profile) if profile is not None else 0.0
    return render(request, "trainee/profile.html", {"profile": profile, "years": years, **helpers(lang)})


def availability_page(
    request: Request, lang: str, profile: TraineeProfile | None, *, typed: str, ticked: Sequence[str],
    errors: dict[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    """Render the availability form with what was typed and the message next to each wrong field."""
    today = utcnow().date()
    context = {
        "profile": profile, "typed": typed, "ticked": set(ticked), "errors": errors or {}, "shifts": SHIFTS,
        "earliest": (today - EARLIEST).isoformat(), "latest": (today + LATEST).isoformat(), **helpers(lang),
    }  # fmt: skip
    return render(request, "trainee/availability.html", context, status)


@router.get("/trainee/availability", response_class=HTMLResponse)
def availability_form(request: Request, session: SessionDep, lang: Lang, user: TraineeUser) -> Response:
    """Show the form: from which day the trainee can work, and which shifts they accept."""
    profile = own_profile(session, user)
    typed = profile.available_from.isoformat() if profile is not None and profile.available_from else ""
    # No shift recorded means any shift suits (the engine reads it so): show every box ticked.
    ticked = (profile.preferred_shifts if profile is not None else []) or list(SHIFTS)
    return availability_page(request, lang, profile, typed=typed, ticked=ticked)


@router.post("/trainee/availability", response_class=HTMLResponse)
def availability_save(request: Request, session: SessionDep, lang: Lang, user: TraineeUser, form: Submitted) -> Response:
    """Save the availability, or show the form again with a message next to each wrong field."""
    typed, ticked = str(form.get("available_from") or ""), [str(v) for v in form.getlist("shifts")]
    try:
        availability_service.set_availability(
            session=session, trainee_id=user.trainee_id or 0, available_from=typed, shifts=ticked, by=user.id
        )
    except InvalidAvailability as invalid:
        translate = translator(lang)
        errors = {name: translate(AVAILABILITY_ERRORS[code]) for name, code in invalid.problems.items()}
        return availability_page(request, lang, own_profile(session, user), typed=typed, ticked=ticked, errors=errors, status=422)
    return RedirectResponse("/trainee?done=availability", status_code=303)
