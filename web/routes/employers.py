"""The employer portal: applying for access, the company's vacancies, their candidates and hirings (plain HTML forms)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from core.clock import utcnow
from core.problems import Problem
from employers import candidates as candidates_engine
from employers import followups
from employers import offers as offers_service
from employers import service as employers_service
from employers.company_offers import offer_views, vacancy_offers
from employers.exceptions import (
    AlreadyPlaced,
    InvalidApplication,
    InvalidConfirmation,
    InvalidEnding,
    InvalidFields,
    ReasonRequired,
    VacancyFull,
)
from employers.models import Offer, Placement, Vacancy
from employers.rules import minimum_wage_month
from employers.validation import APPLICATION_FIELDS
from web import privacy
from web.auth import service as auth_service
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import CompanyId, EmployerUser, Lang, Submitted
from web.errors import DomainRoute
from web.forms import CONFIRMATION_FIELDS, PLACEMENT_FIELDS, VacancyForm, placement_terms, typed_ending, typed_terms
from web.labels import Labels, components_shown
from web.messages import done_message, field_messages, message, sentences
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)


def to_vacancy(vacancy_id: int, done: str = "") -> RedirectResponse:
    """Go (after a POST) to a vacancy's page, with a confirmation."""
    return RedirectResponse(f"/employer/vacancies/{vacancy_id}" + (f"?done={done}" if done else ""), status_code=303)


# ---------------------------------------------------------------- applying for access


@router.get("/employer/apply", response_class=HTMLResponse)
def apply_page(request: Request, lang: Lang) -> Response:
    """Show the form a security company fills in to ask for access."""
    return render(request, "employers/apply.html", {"form": {}, "errors": {}, "towns": Labels(lang).choices()["town"]})


@router.post("/employer/apply", response_class=HTMLResponse)
def apply_submit(request: Request, session: SessionDep, lang: Lang, form: Submitted) -> Response:
    """Record the application and the contact's account (which can sign in once an officer approves)."""
    typed = {name: str(form.get(name) or "") for name in (*APPLICATION_FIELDS, "password")}
    try:
        employers_service.register_company(session=session, fields=typed, accounts=auth_service.EmployerContactAccounts())
    except InvalidApplication as invalid:
        context = {
            "form": {**typed, "password": ""},
            "errors": field_messages(invalid.problems, lang),
            "towns": Labels(lang).choices()["town"],
        }
        return render(request, "employers/apply.html", context, 422)
    return RedirectResponse("/employer/apply/sent", status_code=303)


@router.get("/employer/apply/sent", response_class=HTMLResponse)
def applied(request: Request, lang: Lang) -> Response:
    """Say that the application is recorded and an officer will review it."""
    return render(request, "employers/applied.html")


# ---------------------------------------------------------------- vacancies


@router.get("/employer", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, lang: Lang, company: CompanyId, done: str = "") -> Response:
    """List the company's vacancies with their status, seats and candidates."""
    rows = employers_service.list_vacancies(session=session, employer_id=company, lang=lang, top=get_settings().ranking_top)
    return render(request, "employers/home.html", {"rows": rows, "labels": Labels(lang), "done": done_message(done, lang)})


def form_page(
    request: Request,
    lang: str,
    form: VacancyForm,
    *,
    vacancy: Vacancy | None,
    problems: Sequence[Problem] = (),
    status: int = 200,
) -> Response:
    """Render the vacancy form with its values, errors and warnings next to each field."""
    errors = field_messages([p for p in problems if p.severity == "error"], lang, top_level=True)
    warnings = field_messages(employers_service.warnings_of(vacancy) if vacancy and not errors else [], lang, top_level=True)
    labels = Labels(lang)
    context = {"form": form, "vacancy": vacancy, "errors": errors, "warnings": warnings, "labels": labels,
               "choices": labels.choices(), "smig": minimum_wage_month()}  # fmt: skip
    return render(request, "employers/vacancy_form.html", context, status)


@router.get("/employer/vacancies/new", response_class=HTMLResponse)
def new_vacancy_page(request: Request, lang: Lang, company: CompanyId) -> Response:
    """Show an empty vacancy form."""
    return form_page(request, lang, VacancyForm(), vacancy=None)


@router.post("/employer/vacancies/new", response_class=HTMLResponse)
def new_vacancy_submit(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, submitted: Submitted
) -> Response:
    """Save a new vacancy as a draft, or show the form again with what to correct."""
    form = VacancyForm.from_form(submitted)
    try:
        vacancy = employers_service.create_vacancy(session=session, employer_id=company, data=form.data(), by=user.id)
    except InvalidFields as invalid:
        return form_page(request, lang, form, vacancy=None, problems=invalid.problems, status=422)
    return to_vacancy(vacancy.id or 0, "saved")


@router.get("/employer/vacancies/{vacancy_id}/edit", response_class=HTMLResponse)
def edit_vacancy_page(request: Request, session: SessionDep, lang: Lang, company: CompanyId, vacancy_id: int) -> Response:
    """Show the vacancy's form, filled in."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    return form_page(request, lang, VacancyForm.from_vacancy(vacancy), vacancy=vacancy)


@router.post("/employer/vacancies/{vacancy_id}/edit", response_class=HTMLResponse)
def edit_vacancy_submit(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int,
    submitted: Submitted,
) -> Response:  # fmt: skip
    """Save the vacancy's new fields, or show the form again with what to correct."""
    form = VacancyForm.from_form(submitted)
    try:
        employers_service.update_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company, changes=form.data(),
                                         by=user.id)  # fmt: skip
    except InvalidFields as invalid:
        vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
        return form_page(request, lang, form, vacancy=vacancy, problems=invalid.problems, status=422)
    return to_vacancy(vacancy_id, "saved")


@router.post("/employer/vacancies/{vacancy_id}/publish")
def publish(session: SessionDep, user: EmployerUser, vacancy_id: int) -> Response:
    """Publish a draft vacancy."""
    employers_service.publish(session=session, vacancy_id=vacancy_id, by=user.actor)
    return to_vacancy(vacancy_id, "published")


@router.post("/employer/vacancies/{vacancy_id}/close")
def close(session: SessionDep, user: EmployerUser, vacancy_id: int) -> Response:
    """Close a vacancy."""
    employers_service.close(session=session, vacancy_id=vacancy_id, by=user.actor)
    return to_vacancy(vacancy_id, "closed")


@router.get("/employer/vacancies/{vacancy_id}", response_class=HTMLResponse)
def vacancy_page(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int, done: str = ""
) -> Response:
    """Show a vacancy with its hirings and offers, its ranked candidates (pseudonymised), and what was asked for."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    ranked = candidates_engine.is_ranked(vacancy)
    found = (
        candidates_engine.candidates_for(session=session, vacancy=vacancy, lang=lang, top=get_settings().ranking_top)
        if ranked
        else None
    )
    asked = set(employers_service.requested(session=session, vacancy_id=vacancy_id))
    hiring = vacancy_offers(session=session, by=user.actor, vacancy_id=vacancy_id)
    context = {
        "vacancy": vacancy, "found": found, "asked": asked, "labels": Labels(lang), "done": done_message(done, lang),
        "shown": components_shown(vacancy),
        "warnings": sentences(employers_service.warnings_of(vacancy), lang),
        "hiring": hiring, "terms": typed_terms(vacancy), "asks": asks_of(session, [v.placement for v in hiring.placements]),
    }  # fmt: skip
    return render(request, "employers/vacancy.html", context)


def asks_of(session: Session, placements: Sequence[Placement | None]) -> dict[int, list[followups.Item]]:
    """Return, by placement, the follow-ups on which the company is asked "still employed?"."""
    found = [p for p in placements if p is not None]
    return followups.by_placement(session=session, placements=found, today=utcnow().date())


@router.post("/employer/vacancies/{vacancy_id}/candidates/{code}/request")
def request_candidate(session: SessionDep, lang: Lang, user: EmployerUser, vacancy_id: int, code: str) -> Response:
    """Ask the placement officers for this candidate (asking twice is one request)."""
    employers_service.request_candidate(session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor, lang=lang,
                                        top=get_settings().ranking_top)  # fmt: skip
    return RedirectResponse(f"/employer/vacancies/{vacancy_id}?done=requested#{code}", status_code=303)


# ---------------------------------------------------------------- offers and placements


def offer_page(
    request: Request,
    session: SessionDep,
    lang: str,
    company: int,
    offer: Offer,
    *,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    """Render one offer with its forms: the values as typed, each error next to its field, a refusal above them."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=offer.vacancy_id, employer_id=company)
    [view] = offer_views(session, [offer])
    context = {"vacancy": vacancy, "view": view, "labels": Labels(lang), "terms": {**typed_terms(vacancy), **(typed or {})},
               "errors": errors or {}, "refusal": refusal, "asks": asks_of(session, [view.placement])}  # fmt: skip
    return render(request, "employers/offer.html", context, status)


@router.get("/employer/offers/{offer_id}", response_class=HTMLResponse)
def offer_detail(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, offer_id: int
) -> Response:
    """Show one of the company's offers: the candidate, where the offer stands, and what the company can do."""
    offer = offers_service.get_offer(session=session, offer_id=offer_id, by=user.actor)
    privacy.log_view(session=session, trainee_id=offer.trainee_id, viewer=user, page="company_offer")
    return offer_page(request, session, lang, company, offer)


@router.post("/employer/offers/{offer_id}/confirm", response_class=HTMLResponse)
def confirm(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, offer_id: int, form: Submitted
) -> Response:
    """Confirm the hiring of a trainee who accepted, on a start date and a monthly salary (a double submit hires once)."""
    offer = offers_service.get_offer(session=session, offer_id=offer_id, by=user.actor)
    typed = {name: str(form.get(name) or "") for name in PLACEMENT_FIELDS}
    try:
        terms = placement_terms(typed)
        offers_service.confirm_placement(session=session, offer_id=offer_id, by=user.actor, start_date=terms.start_date,
                                         salary_fcfa_month=terms.salary_fcfa_month)  # fmt: skip
    except InvalidFields as invalid:
        errors = field_messages(invalid.problems, lang)
        return offer_page(request, session, lang, company, offer, typed=typed, errors=errors, status=422)
    except (VacancyFull, AlreadyPlaced) as refused:  # the confirmation's writes were undone (employers.offers)
        return offer_page(request, session, lang, company, offer, typed=typed, refusal=message(refused.code, lang), status=409)
    low = offers_service.below_smig(terms.salary_fcfa_month)  # a warning, never a refusal
    return to_vacancy(offer.vacancy_id, "confirmed_below_smig" if low else "confirmed")


@router.post("/employer/offers/{offer_id}/reject", response_class=HTMLResponse)
def turn_down(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, offer_id: int, form: Submitted
) -> Response:
    """Turn down a candidate offered or who accepted, saying why."""
    offer = offers_service.get_offer(session=session, offer_id=offer_id, by=user.actor)
    reason = str(form.get("reason") or "")
    try:
        offers_service.reject_by_employer(session=session, offer_id=offer_id, by=user.actor, reason=reason)
    except ReasonRequired as missing:
        errors = {"reason": message(missing.code, lang)}
        return offer_page(request, session, lang, company, offer, typed={"reason": reason}, errors=errors, status=422)
    return to_vacancy(offer.vacancy_id, "turned_down")


@router.post("/employer/placements/{placement_id}/end", response_class=HTMLResponse)
def end(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, placement_id: int, form: Submitted
) -> Response:
    """End a hiring (the contract is over) on its last day, for a reason from the list; its seat opens again."""
    placement = offers_service.get_placement(session=session, placement_id=placement_id, by=user.actor)
    assert placement.offer_id is not None and placement.vacancy_id is not None  # a company ends its hirings only
    typed = typed_ending(form)
    try:
        offers_service.end_placement(session=session, placement_id=placement_id, by=user.actor, end_date=typed["end_date"],
                                     reason=typed["end_reason"], note=typed["end_note"])  # fmt: skip
    except InvalidEnding as invalid:
        offer = offers_service.get_offer(session=session, offer_id=placement.offer_id, by=user.actor)
        errors = field_messages(invalid.problems, lang)
        return offer_page(request, session, lang, company, offer, typed=typed, errors=errors, status=422)
    return to_vacancy(placement.vacancy_id, "ended")


@router.post("/employer/placements/{placement_id}/followups/{month}/confirm", response_class=HTMLResponse)
def confirm_employment(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, placement_id: int, month: int,
    form: Submitted,
) -> Response:  # fmt: skip
    """Answer a follow-up: the trainee still works here, or left on a day for a reason (which does not end the contract)."""
    placement = offers_service.get_placement(session=session, placement_id=placement_id, by=user.actor)
    typed = {name: str(form.get(name) or "").strip() for name in CONFIRMATION_FIELDS}
    still = {"yes": True, "no": False}.get(typed["still_employed"])
    try:
        followups.confirm_employment(session=session, placement_id=placement_id, month=month, by=user.actor, still_employed=still,
                                     left_on=typed["left_on"] or None, left_reason=typed["left_reason"] or None)  # fmt: skip
    except InvalidConfirmation as invalid:
        assert placement.offer_id is not None  # a company answers for its own hirings, made from offers
        offer = offers_service.get_offer(session=session, offer_id=placement.offer_id, by=user.actor)
        errors = field_messages(invalid.problems, lang)
        return offer_page(request, session, lang, company, offer, typed={**typed, "month": str(month)}, errors=errors, status=422)
    if placement.vacancy_id is None:
        return RedirectResponse("/employer", status_code=303)
    return to_vacancy(placement.vacancy_id, "employment_confirmed")
