"""The officers' vacancy pages: every company's vacancies, and each one's review (ranked, ineligible, filters, offer actions).

The review shows every trainee not placed (employers.review), by name; the actions are the placement
workflow's (employers.offers): shortlist, offer (an ineligible trainee only by override, with a written
reason) and withdraw (with a reason). A missing reason brings the page back with the error next to the
field and the typed text kept (422), on the page of the lists holding that trainee; every other refusal is answered
by DomainRoute. Both lists are paged (employers.review.page_of): `page` numbers the eligible's pages,
`ineligible_page` the others'; forms carry them, with the filters, so an action comes back to the page it was on.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, select

from employers import offers as workflow
from employers import review as review_service
from employers import service as employers_service
from employers.dashboard import user_names
from employers.exceptions import OverrideReasonRequired, ReasonRequired, VacancyNotFound
from employers.lifecycle import Party
from employers.models import Employer, Offer, Vacancy, VacancyStatus
from employers.review import Filters
from profiles.models import TraineeProfile
from web import privacy
from web.auth.models import User
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.labels import components_shown
from web.messages import done_message, message
from web.pages import render
from web.routes.officer import officer_context

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: Vacancies per page of the list.
PER_PAGE = 100
#: The review's query parameters numbering the pages of its eligible and of its ineligible list.
PAGE_PARAMS = ("page", "ineligible_page")


# ---------------------------------------------------------------- the list


@router.get("/officer/vacancies", response_class=HTMLResponse)
def vacancies(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, status: str = "", page: int = 1) -> Response:
    """List every company's vacancies (all, or of one status), newest first, with seats, offers and requests."""
    chosen = VacancyStatus(status) if status in VacancyStatus.__members__ else None
    total = review_service.vacancy_count(session, chosen)
    pages = max(math.ceil(total / PER_PAGE), 1)
    number = min(max(page, 1), pages)
    lines = review_service.vacancy_lines(session=session, status=chosen, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
    context = {**officer_context(lang), "lines": lines, "status": chosen.value if chosen else "", "total": total,
               "counts": review_service.status_counts(session), "page": number, "pages": pages}  # fmt: skip
    return render(request, "officer/vacancies.html", context)


# ---------------------------------------------------------------- the review


def review_page(request: Request, session: Session, lang: str, user: User, vacancy_id: int, filters: Filters, *,
                pages: dict[str, int], holding: int | None = None, done: str = "",
                errors: dict[str, dict[int, str]] | None = None, typed: dict[str, dict[int, str]] | None = None,
                status: int = 200) -> Response:  # fmt: skip
    """Render a vacancy's review at the `pages` asked, or at those listing the trainee `holding`; `errors` and `typed`
    hold the override ("override", by trainee) and withdraw ("withdraw", by offer) forms' messages and texts."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise VacancyNotFound(vacancy_id)
    employer = session.get(Employer, vacancy.employer_id)
    found = review_service.review(session=session, vacancy=vacancy, lang=lang)
    offers = workflow.list_offers(session=session, by=user.actor, vacancy_id=vacancy_id)
    requests = employers_service.requested(session=session, vacancy_id=vacancy_id)
    shown, people = found.filtered(filters), _profiles(session, [*(o.trainee_id for o in offers), *requests])
    eligible, ineligible = (
        review_service.page_of(rows, (holding and review_service.page_holding(rows, holding)) or pages[name])
        for rows, name in zip((shown.eligible, shown.ineligible), PAGE_PARAMS, strict=True)
    )
    listed = [r.profile_id for r in (*eligible.rows, *ineligible.rows)]
    privacy.log_views(session=session, trainee_ids=[*listed, *people], viewer=user, page="officer_review")
    paging = _kept_pages({"page": eligible.number, "ineligible_page": ineligible.number})
    context = {
        **officer_context(lang), "vacancy": vacancy, "employer": employer, "review": shown,
        "everyone": found, "choices": found.choices(), "filters": filters, "shown": components_shown(vacancy),
        "offers": offers, "by_trainee": {o.trainee_id: o for o in offers}, "requests": requests,
        "people": people,
        "requesters": user_names(session, (r.requested_by for r in requests.values())),
        "creators": user_names(session, (o.created_by for o in offers)),
        "can": _can, "done": done_message(done, lang), "errors": errors or {}, "typed": typed or {},
        "is_open": vacancy.status == VacancyStatus.open, "eligible_page": eligible, "ineligible_page": ineligible,
        "kept_fields": {**filters.active(), **paging},
        "page_bases": {name: _page_base(vacancy_id, filters, paging, name) for name in PAGE_PARAMS},
    }  # fmt: skip
    return render(request, "officer/review.html", context, status)


def _can(action: str, offer: Offer | None) -> bool:
    """Return whether an officer may take this action on the offer (None: the pair has no offer yet)."""
    return workflow.allowed(workflow.Action(action), Party.officer, offer.state if offer else None)


def read_pages(values: Any) -> dict[str, int]:
    """Read the two lists' page numbers from query parameters or a form (1 when absent or not a number)."""
    raw = {name: str(values.get(name) or "") for name in PAGE_PARAMS}
    return {name: int(text) if text.isdigit() and len(text) < 7 else 1 for name, text in raw.items()}


def _kept_pages(pages: dict[str, int]) -> dict[str, int]:
    return {name: number for name, number in pages.items() if number > 1}


def _page_base(vacancy_id: int, filters: Filters, paging: dict[str, int], name: str) -> str:
    """Return the address of the review with its filters and the other list's page, ready for `name=<n>`."""
    query = urlencode({**filters.active(), **{k: v for k, v in paging.items() if k != name}})
    return f"/officer/vacancies/{vacancy_id}?" + (f"{query}&" if query else "")


def _profiles(session: Session, ids: list[int]) -> dict[int, TraineeProfile]:
    if not ids:
        return {}
    query = select(TraineeProfile).where(col(TraineeProfile.id).in_(sorted(set(ids))))
    return {p.id or 0: p for p in session.exec(query)}


@router.get("/officer/vacancies/{vacancy_id}", response_class=HTMLResponse)
def vacancy_review(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, vacancy_id: int, done: str = ""
) -> Response:
    """Show a vacancy's review: trainees ranked and ineligible (filtered), its offers and the company's requests."""
    params = request.query_params
    return review_page(request, session, lang, user, vacancy_id, Filters.of(params), pages=read_pages(params), done=done)


def back_to(vacancy_id: int, done: str, form: Any, anchor: str = "") -> RedirectResponse:
    """Go (after a POST) back to the vacancy's review, with a confirmation, the form's filters and pages, and the row."""
    query = urlencode({"done": done, **Filters.of(form).active(), **_kept_pages(read_pages(form))})
    return RedirectResponse(f"/officer/vacancies/{vacancy_id}?{query}" + (f"#{anchor}" if anchor else ""), status_code=303)


@router.post("/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/shortlist")
def shortlist(session: SessionDep, user: OfficerUser, vacancy_id: int, trainee_id: int, form: Submitted) -> Response:
    """Put a trainee on the vacancy's shortlist."""
    workflow.shortlist(session=session, vacancy_id=vacancy_id, trainee_id=trainee_id, by=user.actor)
    return back_to(vacancy_id, "shortlisted", form, f"t{trainee_id}")


@router.post("/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/offer", response_class=HTMLResponse)
def offer(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, vacancy_id: int, trainee_id: int,
          form: Submitted) -> Response:  # fmt: skip
    """Offer the vacancy to a trainee; an ineligible one by override, whose written reason is required."""
    override, reason = form.get("override") == "1", str(form.get("override_reason") or "")
    note = str(form.get("override_note") or "")
    try:
        workflow.propose_offer(session=session, vacancy_id=vacancy_id, trainee_id=trainee_id, by=user.actor, override=override,
                               override_reason=reason, override_note=note, answer_days=get_settings().offer_answer_days,
                               lang=lang)  # fmt: skip
    except OverrideReasonRequired as missing:
        errors = {"override": {trainee_id: message(missing.code, lang)}}
        return review_page(request, session, lang, user, vacancy_id, Filters.of(form), pages=read_pages(form),
                           holding=trainee_id, errors=errors,
                           typed={"override": {trainee_id: reason}, "override_note": {trainee_id: note}},
                           status=422)  # fmt: skip
    return back_to(vacancy_id, "offered", form, f"t{trainee_id}")


@router.post("/officer/offers/{offer_id}/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, offer_id: int, form: Submitted) -> Response:
    """Withdraw an offer not yet confirmed, saying why."""
    found = workflow.get_offer(session=session, offer_id=offer_id, by=user.actor)
    reason = str(form.get("reason") or "")
    try:
        workflow.withdraw_offer(session=session, offer_id=offer_id, by=user.actor, reason=reason)
    except ReasonRequired:
        errors = {"withdraw": {offer_id: message("withdraw_reason_required", lang)}}
        return review_page(request, session, lang, user, found.vacancy_id, Filters.of(form), pages=read_pages(form),
                           errors=errors, typed={"withdraw": {offer_id: reason}}, status=422)  # fmt: skip
    return back_to(found.vacancy_id, "withdrawn", form, f"offer-{offer_id}")
