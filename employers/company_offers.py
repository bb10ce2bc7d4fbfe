"""A vacancy's offers as its company sees them, and the privacy rule that governs it.

A company never sees the officers' shortlist, and sees who a trainee is (name and phone) only once the trainee
accepted its offer; before that, the trainee's code and initials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from employers import candidates as candidates_engine
from employers import offers as offers_service
from employers.lifecycle import Actor
from employers.models import Offer, OfferState, Placement
from profiles.models import TraineeProfile

#: States in which the company sees who the trainee is (name and phone): once the trainee accepted.
REVEALED = frozenset({OfferState.accepted, OfferState.confirmed})
#: The offers a company sees: never the officers' shortlist.
EMPLOYER_STATES = tuple(state for state in OfferState if state != OfferState.shortlisted)
#: Where an offer comes in the company's list: those waiting for the company first, then for the trainee.
_ORDER = {OfferState.accepted: 0, OfferState.offered: 1}


@dataclass(frozen=True)
class OfferView:
    """An offer as its company sees it: the trainee's code and initials, the name and phone once accepted, the placement."""

    offer: Offer
    code: str
    initials: str
    name: str | None
    phone: str | None
    placement: Placement | None


@dataclass(frozen=True)
class VacancyOffers:
    """A vacancy's offers for its company: the hirings (placements, current first) and the other offers."""

    placements: list[OfferView]
    offers: list[OfferView]

    def states(self) -> dict[int, str]:
        """Return the state of each trainee's offer, by trainee id."""
        return {view.offer.trainee_id: view.offer.state.value for view in [*self.placements, *self.offers]}

    def named(self) -> list[int]:
        """Return the ids of the trainees shown by name and phone (those who accepted), for the view log."""
        return [view.offer.trainee_id for view in [*self.placements, *self.offers] if view.name is not None]


def offer_views(session: Session, offers: Sequence[Offer]) -> list[OfferView]:
    """Return the offers with what their company may see of each trainee, in the same order."""
    if not offers:  # most vacancies have none: two queries fewer on their page
        return []
    trainee_ids = {o.trainee_id for o in offers}
    offer_ids = [o.id for o in offers if o.id is not None]
    profiles = {p.id: p for p in session.exec(select(TraineeProfile).where(col(TraineeProfile.id).in_(trainee_ids)))}
    placements = {p.offer_id: p for p in session.exec(select(Placement).where(col(Placement.offer_id).in_(offer_ids)))}
    return [_view(o, profiles[o.trainee_id], placements.get(o.id or 0)) for o in offers]


def _view(offer: Offer, profile: TraineeProfile, placement: Placement | None) -> OfferView:
    shown = offer.state in REVEALED
    return OfferView(offer=offer, code=profile.code, initials=candidates_engine.initials(profile.full_name),
                     name=profile.full_name if shown else None, phone=profile.phone if shown else None,
                     placement=placement)  # fmt: skip


def vacancy_offers(*, session: Session, by: Actor, vacancy_id: int) -> VacancyOffers:
    """Return a vacancy's offers as its company sees them: hirings (current first), then offers waiting for the company."""
    offers = offers_service.list_offers(session=session, by=by, vacancy_id=vacancy_id, states=EMPLOYER_STATES)
    views = offer_views(session, offers)
    hired = sorted((v for v in views if v.placement), key=lambda v: v.placement is not None and v.placement.ended_at is not None)
    others = sorted((v for v in views if not v.placement), key=lambda v: _ORDER.get(v.offer.state, len(_ORDER)))
    return VacancyOffers(placements=hired, offers=others)
