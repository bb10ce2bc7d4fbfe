"""The employer portal: applying for access, the company's vacancies, their candidates and hirings (plain HTML forms)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from core import formats
from core.clock import utcnow
from core.problems import Problem
from employers import candidate_list, followups
from employers import candidates as candidates_engine
from employers import company as company_account
from employers import offers as offers_service
from employers import service as employers_service
from employers.company_offers import offer_views, vacancy_offers
from employers.exceptions import (
    AlreadyPlaced,
    CandidateUnavailable,
    InvalidApplication,
    InvalidConfirmation,
    InvalidEnding,
    InvalidFields,
    InvitationUnusable,
    PlacementNotFound,
    ReasonRequired,
    VacancyFull,
)
from employers.models import Offer, Placement, Vacancy
from employers.rules import minimum_wage_month
from employers.validation import APPLICATION_FIELDS
from profiles import service as profiles_service
from web import privacy
from web.auth import reset
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
from web.pdf import html_to_pdf
from web.security import same_site_path

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


# ---------------------------------------------------------------- the company's account: details and colleagues


def company_page_of(
    request: Request, session: Session, lang: str, company_id: int, *, form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None, invite: Mapping[str, str] | None = None,
    invite_errors: Mapping[str, str] | None = None, done: str = "", status: int = 200,
) -> Response:  # fmt: skip
    """Render the company's page: its details' form (as typed, errors next to fields), its people and invitations."""
    company = employers_service.get_employer(session=session, employer_id=company_id)
    request.state.company_name = company.name  # a name just saved is the header's at once
    context = {
        "company": company, "form": form or {name: getattr(company, name) for name in company_account.PROFILE_FIELDS},
        "errors": errors or {}, "invite": invite or {}, "invite_errors": invite_errors or {}, "labels": Labels(lang),
        "towns": Labels(lang).choices()["town"], "people": reset.company_accounts(session=session, employer_id=company_id),
        "invitations": company_account.invitations(session=session, employer_id=company_id), "now": utcnow(),
        "done": done_message(done, lang),
    }  # fmt: skip
    return render(request, "employers/company.html", context, status)


@router.get("/employer/company", response_class=HTMLResponse)
def company_page(request: Request, session: SessionDep, lang: Lang, company: CompanyId, done: str = "") -> Response:
    """Show the company's details, the people of its account and the form to invite a colleague."""
    return company_page_of(request, session, lang, company, done=done)


@router.post("/employer/company", response_class=HTMLResponse)
def company_submit(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, form: Submitted
) -> Response:
    """Save the company's details (audited), or show the form again with what to correct."""
    typed = {name: str(form.get(name) or "") for name in company_account.PROFILE_FIELDS}
    try:
        company_account.update_profile(session=session, employer_id=company, fields=typed, by=user.id or 0)
    except InvalidFields as invalid:
        return company_page_of(request, session, lang, company, form=typed, errors=field_messages(invalid.problems, lang),
                               status=422)  # fmt: skip
    return RedirectResponse("/employer/company?done=company_saved", status_code=303)


@router.post("/employer/company/invitations", response_class=HTMLResponse)
def invite_colleague(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, form: Submitted
) -> Response:
    """Invite a colleague by e-mail to the company's account (a single-use link), or say what to correct."""
    typed = {name: str(form.get(name) or "") for name in ("full_name", "email")}
    try:
        company_account.invite(session=session, employer_id=company, email=typed["email"], full_name=typed["full_name"],
                               by=user.id or 0, accounts=reset.CompanyColleagueAccounts(),
                               link=get_settings().link("/employer/join/{token}"))  # fmt: skip
    except InvalidFields as invalid:
        return company_page_of(request, session, lang, company, invite=typed,
                               invite_errors=field_messages(invalid.problems, lang), status=422)  # fmt: skip
    return RedirectResponse("/employer/company?done=invited", status_code=303)


@router.get("/employer/join/{token}", response_class=HTMLResponse)
def join_page(request: Request, session: SessionDep, lang: Lang, token: str) -> Response:
    """Show the invited colleague the form to choose a password, or say that the link can no longer be used."""
    return join_page_of(request, session, token)


def join_page_of(request: Request, session: Session, token: str, errors: Mapping[str, str] | None = None,
                 status: int = 200) -> Response:  # fmt: skip
    """Render the invitation's page: who invites whom, and the password form (or why the link no longer works)."""
    try:
        invitation = company_account.open_invitation(session=session, token=token)
    except InvitationUnusable:
        return render(request, "employers/join.html", {"unusable": True}, 410)
    company = employers_service.get_employer(session=session, employer_id=invitation.employer_id)
    context = {"invitation": invitation, "company_name_invited": company.name, "token": token, "errors": errors or {}}
    return render(request, "employers/join.html", context, status)


@router.post("/employer/join/{token}", response_class=HTMLResponse)
def join_submit(request: Request, session: SessionDep, lang: Lang, token: str, form: Submitted) -> Response:
    """Create the colleague's account with the password chosen; then they sign in."""
    try:
        company_account.accept(session=session, token=token, password=str(form.get("password") or ""),
                               accounts=reset.CompanyColleagueAccounts())  # fmt: skip
    except InvitationUnusable:
        return render(request, "employers/join.html", {"unusable": True}, 410)
    except InvalidFields as invalid:
        return join_page_of(request, session, token, field_messages(invalid.problems, lang), 422)
    return RedirectResponse("/signin?done=joined", status_code=303)


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
    """Show a vacancy with its hirings and offers, and its ranked candidates (pseudonymised) as a compact table: sorted,
    filtered and paged by the query's parameters."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    found = ranked_candidates(session, vacancy, lang)
    query = candidate_list.ListQuery.of(request.query_params)
    today = utcnow().date()
    listed = candidate_list.listing(found, query, today=today, start=vacancy.start_date) if found else None
    hiring = vacancy_offers(session=session, by=user.actor, vacancy_id=vacancy_id)
    privacy.log_views(session=session, trainee_ids=hiring.named(), viewer=user, page="company_vacancy")
    context = {
        "vacancy": vacancy, "found": found, "listed": listed, "query": query, "labels": Labels(lang),
        "done": done_message(done, lang), "warnings": sentences(employers_service.warnings_of(vacancy), lang),
        "hiring": hiring, "terms": typed_terms(vacancy), "asks": asks_of(session, [v.placement for v in hiring.placements]),
        "asked": set(employers_service.requested(session=session, vacancy_id=vacancy_id)), "today": today,
        "options": filter_options(listed.choices, vacancy, lang) if listed else {},
    }  # fmt: skip
    return render(request, "employers/vacancy.html", context)


def filter_options(choices: candidate_list.Choices, vacancy: Vacancy, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Return each filter's options as (value, label): the candidates' towns, levels and certifications, and availability."""
    labels = Labels(lang)
    available = [("now", message("available_now", lang))]
    if vacancy.start_date is not None:
        available.append(("start", message("available_by_start", lang, {"day": formats.day(vacancy.start_date, lang)})))
    return {"town": [(town, town) for town in choices.towns], "level": [(x, labels.scale(x)) for x in choices.levels],
            "certification": [(x, labels.certification(x)) for x in choices.certifications], "available": available}  # fmt: skip


def ranked_candidates(session: Session, vacancy: Vacancy, lang: str) -> candidates_engine.VacancyCandidates | None:
    """Return a vacancy's ranked candidates, or None when it is no longer ranked (filled, closed)."""
    if not candidates_engine.is_ranked(vacancy):
        return None
    return candidates_engine.candidates_for(session=session, vacancy=vacancy, lang=lang, top=get_settings().ranking_top)


def candidate_context(session: Session, user: EmployerUser, vacancy: Vacancy, lang: str) -> dict[str, object]:
    """Return what a candidate's card needs besides the candidate: the vacancy, what was asked, where offers stand."""
    hiring = vacancy_offers(session=session, by=user.actor, vacancy_id=vacancy.id or 0)
    return {"vacancy": vacancy, "labels": Labels(lang), "shown": components_shown(vacancy), "offered": hiring.states(),
            "asked": set(employers_service.requested(session=session, vacancy_id=vacancy.id or 0)),
            "today": utcnow().date()}  # fmt: skip


@router.get("/employer/vacancies/{vacancy_id}/candidates/{code}", response_class=HTMLResponse)
def candidate_page(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int, code: str,
    done: str = "",
) -> Response:  # fmt: skip
    """Show one candidate's full card: the facts, the score's parts, the reasons, the button to ask for them and, once
    asked for, the interview's form."""
    return card_page(request, session, lang, user, company, vacancy_id, code, done=done)


def card_page(
    request: Request, session: Session, lang: str, user: EmployerUser, company: int, vacancy_id: int, code: str, *,
    done: str = "", typed: Mapping[str, str] | None = None, errors: Mapping[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    """Render a candidate's card with the interview's form as typed (errors next to its fields)."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    found = ranked_candidates(session, vacancy, lang)
    chosen = candidate_list.one(found, code) if found else None
    if chosen is None:
        raise CandidateUnavailable(code)
    context = candidate_context(session, user, vacancy, lang)
    offer = interview_offer(session, user, vacancy_id, chosen.row.trainee.profile_id)
    shown = offer.interview_at if offer is not None and offer.interview_at else None
    context |= {"chosen": chosen, "done": done_message(done, lang), "interview": offer, "errors": errors or {},
                "typed": typed or ({"interview_day": shown.date().isoformat(), "interview_hour": f"{shown:%H:%M}",
                                    "interview_place": offer.interview_place or ""} if offer and shown else {})}  # fmt: skip
    return render(request, "employers/candidate.html", context, status)


def interview_offer(session: Session, user: EmployerUser, vacancy_id: int, trainee_id: int) -> Offer | None:
    """Return the company's offer of this candidate while its interview is set, else None."""
    views = vacancy_offers(session=session, by=user.actor, vacancy_id=vacancy_id)
    return next((v.offer for v in views.offers if v.offer.trainee_id == trainee_id and v.offer.state.value == "interview"), None)


@router.post("/employer/vacancies/{vacancy_id}/candidates/{code}/interview", response_class=HTMLResponse)
def set_interview(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int, code: str,
    form: Submitted,
) -> Response:  # fmt: skip
    """Set (or change) the interview of a candidate the company asked for: a day, an hour, a place; the trainee and
    the officer are told."""
    typed = {name: str(form.get(name) or "") for name in ("interview_day", "interview_hour", "interview_place")}
    try:
        employers_service.set_interview(session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor,
                                        day_typed=typed["interview_day"], hour_typed=typed["interview_hour"],
                                        place=typed["interview_place"])  # fmt: skip
    except InvalidFields as invalid:
        errors = field_messages(invalid.problems, lang)
        return card_page(request, session, lang, user, company, vacancy_id, code, typed=typed, errors=errors, status=422)
    return RedirectResponse(f"/employer/vacancies/{vacancy_id}/candidates/{code}?done=interview", status_code=303)


@router.get("/employer/vacancies/{vacancy_id}/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId, vacancy_id: int
) -> Response:
    """Show two to four candidates side by side (the codes ticked in the list); fewer or more: say so."""
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=vacancy_id, employer_id=company)
    found = ranked_candidates(session, vacancy, lang)
    chosen = candidate_list.compared(found, request.query_params.getlist("code")) if found else []
    fewest, most = candidate_list.COMPARED
    fits = fewest <= len(chosen) <= most
    context = {**candidate_context(session, user, vacancy, lang), "chosen": chosen if fits else [], "fewest": fewest,
               "most": most}  # fmt: skip
    return render(request, "employers/compare.html", context, 200 if fits else 422)


def asks_of(session: Session, placements: Sequence[Placement | None]) -> dict[int, list[followups.Item]]:
    """Return, by placement, the follow-ups on which the company is asked "still employed?"."""
    found = [p for p in placements if p is not None]
    return followups.by_placement(session=session, placements=found, today=utcnow().date())


@router.post("/employer/vacancies/{vacancy_id}/candidates/{code}/request")
def request_candidate(
    session: SessionDep, lang: Lang, user: EmployerUser, vacancy_id: int, code: str, form: Submitted
) -> Response:
    """Ask the placement officers for this candidate (asking twice is one request); go back to the list's page or card."""
    employers_service.request_candidate(session=session, vacancy_id=vacancy_id, trainee_code=code, by=user.actor, lang=lang,
                                        top=get_settings().ranking_top)  # fmt: skip
    back = back_to_vacancy(str(form.get("back") or ""), vacancy_id)
    return RedirectResponse(f"{back}{'&' if '?' in back else '?'}done=requested#{code}", status_code=303)


def back_to_vacancy(target: str, vacancy_id: int) -> str:
    """Return the page of this vacancy a form came from (its list with the same order, filters and page, or a card),
    else the vacancy's page."""
    own = f"/employer/vacancies/{vacancy_id}"
    target = same_site_path(target.split("#")[0], own)
    return target if target == own or target.startswith((f"{own}?", f"{own}/")) else own


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
    privacy.log_views(session=session, trainee_ids=[offer.trainee_id], viewer=user, page="company_offer")
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


@router.get("/employer/placements/{placement_id}/letter.pdf")
def offer_letter(request: Request, session: SessionDep, lang: Lang, user: EmployerUser, company: CompanyId,
                 placement_id: int) -> Response:  # fmt: skip
    """Return the printable offer letter of a confirmed hiring (PDF): the company, the person, the job and its terms."""
    placement = offers_service.get_placement(session=session, placement_id=placement_id, by=user.actor)
    if placement.vacancy_id is None:  # a hiring loaded from the programme's history has no offer to print
        raise PlacementNotFound(placement_id)
    vacancy = employers_service.get_vacancy(session=session, vacancy_id=placement.vacancy_id, employer_id=company)
    trainee = profiles_service.get_profile(session=session, profile_id=placement.trainee_id)
    privacy.log_views(session=session, trainee_ids=[placement.trainee_id], viewer=user, page="offer_letter")
    context = {"placement": placement, "vacancy": vacancy, "trainee": trainee, "labels": Labels(lang), "today": utcnow(),
               "company": employers_service.get_employer(session=session, employer_id=company),
               "below_smig": offers_service.below_smig(placement.salary_fcfa_month)}  # fmt: skip
    html = bytes(render(request, "employers/letter.html", context).body).decode()
    name = f"lettre-embauche-{placement.code}.pdf"
    return Response(html_to_pdf(html, "letter.css"), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


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
