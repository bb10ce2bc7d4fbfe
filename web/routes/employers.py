"""The employer portal: applying for access, the company's vacancies, their candidates (plain HTML forms)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from employers import candidates as candidates_engine
from employers import service as employers_service
from employers.exceptions import InvalidFields
from employers.models import Vacancy
from employers.rules import SMIG_FCFA_MONTH
from employers.validation import APPLICATION_FIELDS, Problem
from web.auth import service as auth_service
from web.auth.models import Role
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import EmployerUser, Lang
from web.pages import render
from web.routes.employer_common import (
    CompanyId,
    DomainRoute,
    Labels,
    Submitted,
    VacancyForm,
    account_problems,
    components_shown,
    done_message,
    field_messages,
    sentences,
)

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
    problems = employers_service.application_problems(session=session, fields=typed)
    problems += account_problems(session=session, email=typed["email"], password=typed["password"])
    if problems:
        context = {
            "form": {**typed, "password": ""},
            "errors": field_messages(problems, lang),
            "towns": Labels(lang).choices()["town"],
        }
        return render(request, "employers/apply.html", context, 422)
    company = employers_service.apply(session=session, **{name: typed[name] for name in APPLICATION_FIELDS})
    auth_service.create_user(session=session, login=company.email, full_name=company.contact_name, role=Role.employer,
                             secret=typed["password"], employer_id=company.id)  # fmt: skip
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
               "choices": labels.choices(), "smig": SMIG_FCFA_MONTH}  # fmt: skip
    return render(request, "employers/vacancy_form.html", context, status)


@router.get("/employer/vacancies/new", response_class=HTMLResponse)
def new_vacancy_page(request: Request, lang: Lang, company: CompanyId) -> Response:
    """Show an empty vacancy form."""
    return form_page(request, lang, VacancyForm(), vacancy=None)


@router.post("/employer/vacancies/new", response_class=HTMLResponse)
def new_vacancy_submit(request: Request, session: SessionDep, lang: Lang, company: CompanyId, submitted: Submitted) -> Response:
    """Save a new vacancy as a draft, or show the form again with what to correct."""
    form = VacancyForm.from_form(submitted)
    try:
        vacancy = employers_service.create_vacancy(session=session, employer_id=company, data=form.data())
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
    request: Request, session: SessionDep, lang: Lang, company: CompanyId, vacancy_id: int, submitted: Submitted
) -> Response:
    """Save the vacancy's new fields, or show the form again with what to correct."""
    form = VacancyForm.from_form(submitted)
    try:
        employers_service.update_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company, changes=form.data())
    except InvalidFields as invalid:
        vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
        return form_page(request, lang, form, vacancy=vacancy, problems=invalid.problems, status=422)
    return to_vacancy(vacancy_id, "saved")


@router.post("/employer/vacancies/{vacancy_id}/publish")
def publish(session: SessionDep, company: CompanyId, vacancy_id: int) -> Response:
    """Publish a draft vacancy."""
    employers_service.publish(session=session, vacancy_id=vacancy_id, employer_id=company)
    return to_vacancy(vacancy_id, "published")


@router.post("/employer/vacancies/{vacancy_id}/close")
def close(session: SessionDep, company: CompanyId, vacancy_id: int) -> Response:
    """Close a vacancy."""
    employers_service.close(session=session, vacancy_id=vacancy_id, employer_id=company)
    return to_vacancy(vacancy_id, "closed")


@router.get("/employer/vacancies/{vacancy_id}", response_class=HTMLResponse)
def vacancy_page(
    request: Request, session: SessionDep, lang: Lang, company: CompanyId, vacancy_id: int, done: str = ""
) -> Response:
    """Show a vacancy with its ranked candidates (pseudonymised), why others are ineligible, and what was asked for."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    ranked = candidates_engine.is_ranked(vacancy)
    found = (
        candidates_engine.candidates_for(session=session, vacancy=vacancy, lang=lang, top=get_settings().ranking_top)
        if ranked
        else None
    )
    asked = set(employers_service.requested(session=session, vacancy_id=vacancy_id))
    context = {
        "vacancy": vacancy, "found": found, "asked": asked, "labels": Labels(lang), "done": done_message(done, lang),
        "shown": components_shown(vacancy),
        "warnings": sentences(employers_service.warnings_of(vacancy), lang),
    }  # fmt: skip
    return render(request, "employers/vacancy.html", context)


@router.post("/employer/vacancies/{vacancy_id}/candidates/{code}/request")
def request_candidate(
    session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int, code: str
) -> Response:
    """Ask the placement officers for this candidate (asking twice is one request)."""
    employers_service.request_candidate(session=session, vacancy_id=vacancy_id, employer_id=company, trainee_code=code,
                                        by=user.id or 0, lang=lang, top=get_settings().ranking_top)  # fmt: skip
    return RedirectResponse(f"/employer/vacancies/{vacancy_id}?done=requested#{code}", status_code=303)
