"""Who may reach what: every route of the application × every role, generated from the app's own route list.

A route added without an entry in EXPECTED fails `test_every_route_has_an_entry`. Outcomes:
- "ok": let through (any answer but the refusals below: a page, a redirect elsewhere, a validation error);
- "signin": refused for want of a session (a redirect to /signin for pages, 401 for the API);
- 403: refused for the role; 404: the object belongs to another company (or the offer to another trainee), so it
  does not exist for this user.

The world's objects: company A's open vacancy; trainee A (the "trainee" role) with an accepted offer of it;
another trainee's confirmed placement on it; trainee B (the "trainee_b" role) with no offer at all. Every trainee is in
cohort 2026-A, which training centre A trains (the "school" role's centre); centre B (the "school_b" role) trains
another cohort, so cohort 2026-A and its trainees do not exist for it (404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlmodel import Session

from employers.models import EmployerStatus, OfferState
from profiles import cohorts
from tests.employers.factories import offer_in, placement_row, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

ROLES = ("anonymous", "trainee", "trainee_b", "employer_a", "employer_b", "officer", "admin", "school", "school_b", "auditor")
Outcome = str | int

PUBLIC: dict[str, Outcome] = dict.fromkeys(ROLES, "ok")
SIGNED_IN: dict[str, Outcome] = {**dict.fromkeys(ROLES, "ok"), "anonymous": "signin"}
EMPLOYERS: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "employer_a": "ok", "employer_b": "ok"}
OWN_VACANCY: dict[str, Outcome] = {**EMPLOYERS, "employer_b": 404}
OFFICERS: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "officer": "ok", "admin": "ok"}
ADMINS: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "admin": "ok"}
TRAINEES: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "trainee": "ok", "trainee_b": "ok"}
OWN_OFFER: dict[str, Outcome] = {**TRAINEES, "trainee_b": 404}
SCHOOLS: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "school": "ok", "school_b": "ok"}
OWN_COHORT: dict[str, Outcome] = {**SCHOOLS, "school_b": 404}
ADMINS: dict[str, Outcome] = {**dict.fromkeys(ROLES, 403), "anonymous": "signin", "admin": "ok"}
EVALUATORS: dict[str, Outcome] = {**OFFICERS, "auditor": "ok"}

EXPECTED: dict[tuple[str, str], dict[str, Outcome]] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/signin"): PUBLIC,
    ("POST", "/signin"): PUBLIC,
    ("GET", "/signin/pin"): PUBLIC,
    ("POST", "/signin/pin"): PUBLIC,
    ("POST", "/signin/pin/new"): PUBLIC,
    ("GET", "/o/{code}"): PUBLIC,  # a short link: a redirect to the offer's page, which checks who asks
    ("POST", "/signout"): PUBLIC,
    ("GET", "/account/password"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("POST", "/account/language"): SIGNED_IN,
    ("POST", "/api/v1/session"): PUBLIC,
    ("DELETE", "/api/v1/session"): PUBLIC,
    ("GET", "/api/v1/csrf"): PUBLIC,
    ("GET", "/employer/apply"): PUBLIC,
    ("POST", "/employer/apply"): PUBLIC,
    ("GET", "/employer/apply/sent"): PUBLIC,
    ("POST", "/api/v1/employer-applications"): PUBLIC,
    ("GET", "/employer"): EMPLOYERS,
    ("GET", "/employer/vacancies/new"): EMPLOYERS,
    ("POST", "/employer/vacancies/new"): EMPLOYERS,
    ("GET", "/employer/vacancies/{vacancy_id}"): OWN_VACANCY,
    ("GET", "/employer/vacancies/{vacancy_id}/edit"): OWN_VACANCY,
    ("POST", "/employer/vacancies/{vacancy_id}/edit"): OWN_VACANCY,
    ("POST", "/employer/vacancies/{vacancy_id}/publish"): OWN_VACANCY,
    ("POST", "/employer/vacancies/{vacancy_id}/close"): OWN_VACANCY,
    ("POST", "/employer/vacancies/{vacancy_id}/candidates/{code}/request"): OWN_VACANCY,
    ("GET", "/api/v1/vacancies"): EMPLOYERS,
    ("POST", "/api/v1/vacancies"): EMPLOYERS,
    ("GET", "/api/v1/vacancies/{vacancy_id}"): OWN_VACANCY,
    ("PATCH", "/api/v1/vacancies/{vacancy_id}"): OWN_VACANCY,
    ("POST", "/api/v1/vacancies/{vacancy_id}/publish"): OWN_VACANCY,
    ("POST", "/api/v1/vacancies/{vacancy_id}/close"): OWN_VACANCY,
    ("GET", "/api/v1/vacancies/{vacancy_id}/candidates"): OWN_VACANCY,
    ("POST", "/api/v1/vacancies/{vacancy_id}/candidates/{code}/request"): OWN_VACANCY,
    # the world sets no interview, so the owner reads 404 too; its reads are in test_api_interviews.py
    ("GET", "/api/v1/vacancies/{vacancy_id}/candidates/{code}/interview"): {**OWN_VACANCY, "employer_a": 404},
    ("PUT", "/api/v1/vacancies/{vacancy_id}/candidates/{code}/interview"): OWN_VACANCY,
    ("GET", "/api/v1/vacancies/{vacancy_id}/offers"): OWN_VACANCY,
    ("GET", "/employer/offers/{offer_id}"): OWN_VACANCY,
    ("POST", "/employer/offers/{offer_id}/confirm"): OWN_VACANCY,
    ("POST", "/employer/offers/{offer_id}/reject"): OWN_VACANCY,
    ("POST", "/employer/placements/{placement_id}/end"): OWN_VACANCY,
    ("POST", "/employer/placements/{placement_id}/followups/{month}/confirm"): OWN_VACANCY,
    ("POST", "/api/v1/offers/{offer_id}/confirm"): OWN_VACANCY,
    ("POST", "/api/v1/offers/{offer_id}/reject"): OWN_VACANCY,
    ("POST", "/api/v1/placements/{placement_id}/end"): OWN_VACANCY,
    ("GET", "/trainee"): TRAINEES,
    ("GET", "/trainee/profile"): TRAINEES,
    ("GET", "/trainee/availability"): TRAINEES,
    ("POST", "/trainee/availability"): TRAINEES,
    ("GET", "/trainee/offers/{offer_id}"): OWN_OFFER,
    ("GET", "/trainee/offers/{offer_id}/decline"): OWN_OFFER,
    ("POST", "/trainee/offers/{offer_id}/accept"): OWN_OFFER,
    ("POST", "/trainee/offers/{offer_id}/decline"): OWN_OFFER,
    ("GET", "/officer"): OFFICERS,
    ("GET", "/officer/applications"): OFFICERS,
    ("POST", "/officer/applications/{employer_id}/approve"): OFFICERS,
    ("POST", "/officer/applications/{employer_id}/reject"): OFFICERS,
    ("GET", "/officer/vacancies"): OFFICERS,
    ("GET", "/officer/vacancies/{vacancy_id}"): OFFICERS,
    ("POST", "/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/shortlist"): OFFICERS,
    ("POST", "/officer/vacancies/{vacancy_id}/trainees/{trainee_id}/offer"): OFFICERS,
    ("POST", "/officer/offers/{offer_id}/withdraw"): OFFICERS,
    ("POST", "/officer/placements/{placement_id}/end"): OFFICERS,
    ("GET", "/officer/followups"): OFFICERS,
    ("GET", "/officer/placements/{placement_id}/followups/{month}"): OFFICERS,
    ("POST", "/officer/placements/{placement_id}/followups/{month}"): OFFICERS,
    ("GET", "/officer/trainees"): OFFICERS,
    ("GET", "/officer/trainees/new"): OFFICERS,
    ("POST", "/officer/trainees/new"): OFFICERS,
    ("GET", "/officer/trainees/{trainee_id}"): OFFICERS,
    ("GET", "/officer/trainees/{trainee_id}/edit"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/edit"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/pin"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/pin/code"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/consent"): OFFICERS,
    ("GET", "/officer/trainees/{trainee_id}/export"): OFFICERS,
    ("GET", "/officer/trainees/{trainee_id}/export.json"): OFFICERS,
    ("GET", "/officer/trainees/{trainee_id}/erase"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/erase"): OFFICERS,
    ("GET", "/privacy"): PUBLIC,
    ("GET", "/trainee/consent"): TRAINEES,
    ("POST", "/trainee/consent/withdraw"): TRAINEES,
    ("GET", "/officer/import"): OFFICERS,
    ("POST", "/officer/import/preview"): OFFICERS,
    ("POST", "/officer/import/confirm"): OFFICERS,
    ("GET", "/officer/audit"): EVALUATORS,
    ("GET", "/officer/views"): EVALUATORS,
    ("GET", "/evaluation"): EVALUATORS,
    ("GET", "/evaluation/funders"): EVALUATORS,
    ("GET", "/evaluation/people"): EVALUATORS,
    ("GET", "/evaluation/charts/{name}.svg"): EVALUATORS,
    ("GET", "/evaluation/export/{table}.csv"): EVALUATORS,
    ("GET", "/evaluation/export.xlsx"): EVALUATORS,
    ("GET", "/evaluation/report.pdf"): EVALUATORS,
    ("GET", "/officer/outbox"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/departure"): OFFICERS,
    ("POST", "/officer/trainees/{trainee_id}/departure/cancel"): OFFICERS,
    ("GET", "/officer/cohorts"): OFFICERS,
    ("GET", "/officer/cohorts/new"): OFFICERS,
    ("POST", "/officer/cohorts/new"): OFFICERS,
    ("GET", "/officer/cohorts/{cohort_id}/edit"): OFFICERS,
    ("POST", "/officer/cohorts/{cohort_id}/edit"): OFFICERS,
    ("GET", "/officer/calendar"): OFFICERS,
    ("GET", "/officer/gaps"): OFFICERS,
    ("GET", "/school/gaps"): SCHOOLS,
    ("GET", "/fairness"): EVALUATORS,  # web.routes.fairness.FAIRNESS_ROLES
    ("GET", "/admin/weights"): ADMINS,
    ("POST", "/admin/weights/adopt"): ADMINS,
    ("POST", "/admin/weights/rollback"): {**ADMINS, "admin": 404},  # an empty form names no version
    ("GET", "/school"): SCHOOLS,
    ("GET", "/school/cohorts/{cohort_id}"): OWN_COHORT,
    ("GET", "/school/cohorts/{cohort_id}/attendance"): OWN_COHORT,
    ("POST", "/school/cohorts/{cohort_id}/attendance"): OWN_COHORT,
    ("GET", "/school/trainees/{trainee_id}"): OWN_COHORT,
    ("POST", "/school/trainees/{trainee_id}/grades"): OWN_COHORT,
    ("POST", "/school/trainees/{trainee_id}/certifications"): OWN_COHORT,
    ("POST", "/school/trainees/{trainee_id}/completed"): OWN_COHORT,
    ("GET", "/officer/accounts"): ADMINS,
    ("POST", "/officer/accounts/{user_id}/disable"): ADMINS,
    ("POST", "/officer/accounts/{user_id}/enable"): ADMINS,
    # the company's account, forgotten passwords, the candidate list, interviews, the offer letter (issue #13)
    ("GET", "/account/forgot"): PUBLIC,
    ("POST", "/account/forgot"): PUBLIC,
    ("GET", "/account/reset/{token}"): PUBLIC,
    ("POST", "/account/reset/{token}"): PUBLIC,
    ("GET", "/employer/join/{token}"): PUBLIC,
    ("POST", "/employer/join/{token}"): PUBLIC,
    ("GET", "/employer/company"): EMPLOYERS,
    ("POST", "/employer/company"): EMPLOYERS,
    ("POST", "/employer/company/invitations"): EMPLOYERS,
    ("GET", "/employer/vacancies/{vacancy_id}/candidates/{code}"): OWN_VACANCY,
    ("GET", "/employer/vacancies/{vacancy_id}/compare"): OWN_VACANCY,
    ("POST", "/employer/vacancies/{vacancy_id}/candidates/{code}/interview"): OWN_VACANCY,
    ("GET", "/employer/placements/{placement_id}/letter.pdf"): OWN_VACANCY,
    ("GET", "/api/v1/employer-applications"): OFFICERS,
    # issue 13: notes, the plan, bulk SMS, CSV exports
    ("POST", "/officer/trainees/{trainee_id}/notes"): OFFICERS,
    ("GET", "/officer/plan"): OFFICERS,
    ("POST", "/officer/plan/offers"): OFFICERS,
    ("GET", "/officer/plan.csv"): OFFICERS,
    ("GET", "/officer/sms"): OFFICERS,
    ("POST", "/officer/sms/preview"): OFFICERS,
    ("POST", "/officer/sms/send"): OFFICERS,
    ("GET", "/officer/trainees.csv"): OFFICERS,
    ("GET", "/officer/vacancies.csv"): OFFICERS,
    ("GET", "/officer/vacancies/{vacancy_id}/review.csv"): OFFICERS,
    ("GET", "/officer/dashboard/{name}.csv"): {**OFFICERS, "officer": 404, "admin": 404},  # "funnel" names no list
    ("GET", "/officer/followups.csv"): OFFICERS,
    ("GET", "/officer/audit.csv"): OFFICERS,
    ("GET", "/officer/outbox.csv"): OFFICERS,
    ("GET", "/officer/applications.csv"): OFFICERS,
    ("POST", "/api/v1/employer-applications/{employer_id}/approve"): OFFICERS,
    ("POST", "/api/v1/employer-applications/{employer_id}/reject"): OFFICERS,
}


def application_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Return (method, path) for every route the application serves, docs and static files excepted."""
    found: set[tuple[str, str]] = set()

    def visit(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute) or hasattr(route, "methods") and hasattr(route, "endpoint"):
                found.update((m, route.path) for m in route.methods if m != "HEAD")
            if hasattr(route, "effective_route_contexts"):
                visit(list(route.effective_route_contexts()))

    visit(list(app.routes))
    ignored = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
    return sorted((m, p) for m, p in found if p not in ignored)


@dataclass
class World:
    """The objects the matrix reaches: employer A's vacancy and candidate, a pending company, centre A's cohort."""

    params: dict[str, str]
    logins: dict[str, tuple[str, str]]


@pytest.fixture
def world(session: Session) -> World:
    company_a, company_b = employer(session), employer(session)
    pending = employer(session, status=EmployerStatus.pending)
    vacancy_a = stored_vacancy(session, company_a, seats=3)
    stored_vacancy(session, company_b)
    candidate, placed, other = profile(session), profile(session), profile(session)
    officer = user(session, Role.officer)
    offer = offer_in(session, vacancy_a, candidate, OfferState.accepted, by=officer)
    confirmed = offer_in(session, vacancy_a, placed, OfferState.confirmed, by=officer)
    placement = placement_row(
        session, confirmed, start_date=date(2027, 1, 4), salary_fcfa_month=65_000, confirmed_by=officer.id or 0
    )
    session.add(placement)
    session.commit()
    modules = [{"name": "secourisme", "weight": 1}]
    cohort_a = cohorts.create_cohort(session=session, data={"code": candidate.cohort, "centre": "Centre A", "modules": modules})
    cohort_b = cohorts.create_cohort(session=session, data={"code": "2026-B", "centre": "Centre B"})
    session.commit()
    accounts = {
        "trainee": user(session, Role.trainee, secret="123456", trainee_id=candidate.id),
        "trainee_b": user(session, Role.trainee, secret="123456", trainee_id=other.id),
        "employer_a": user(session, Role.employer, employer_id=company_a.id),
        "employer_b": user(session, Role.employer, employer_id=company_b.id),
        "officer": officer,
        "admin": user(session, Role.admin),
        "school": user(session, Role.school, centre_id=cohort_a.centre_id),
        "school_b": user(session, Role.school, centre_id=cohort_b.centre_id),
        "auditor": user(session, Role.auditor),
    }
    logins = {role: (account.login, "123456" if role.startswith("trainee") else PASSWORD) for role, account in accounts.items()}
    params = {"vacancy_id": str(vacancy_a.id), "code": candidate.code, "employer_id": str(pending.id), "offer_id": str(offer.id),
              "placement_id": str(placement.id), "trainee_id": str(candidate.id), "cohort_id": str(cohort_a.id),
              "user_id": str(user(session, Role.officer).id), "month": "1", "name": "funnel", "table": "funnel",
              "token": "not-a-token"}  # fmt: skip
    return World(params, logins)


def outcome(path: str, response: Any) -> Outcome:
    """Classify a response as a refusal (signin, 403, 404) or "ok"."""
    redirected = response.status_code in (302, 303) and response.headers["location"].startswith("/signin")
    if redirected or (path.startswith("/api/") and response.status_code == 401):
        return "signin"
    return response.status_code if response.status_code in (403, 404) else "ok"


def call(client: Client, method: str, path: str) -> Any:
    """Send the request a browser or API client would send, with its CSRF token and an empty body."""
    token = client.csrf()
    if path.startswith("/api/"):
        return client.request(method, path, json={}, headers={"X-CSRF-Token": token}, follow_redirects=False)
    data = {"csrf_token": token} if method != "GET" else None
    return client.request(method, path, data=data, follow_redirects=False)


def test_every_route_has_an_entry(app: FastAPI) -> None:
    missing = [route for route in application_routes(app) if route not in EXPECTED]
    assert not missing, f"add these routes to EXPECTED in {__file__}: {missing}"
    stale = [route for route in EXPECTED if route not in application_routes(app)]
    assert not stale, f"these EXPECTED entries match no route: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role: str, world: World, new_client: Callable[[], Client], app: FastAPI) -> None:
    client = new_client()
    if role != "anonymous":
        client.sign_in(*world.logins[role])
    wrong = []
    for method, template in application_routes(app):
        if (method, template) in {("POST", "/signout"), ("DELETE", "/api/v1/session"), ("POST", "/api/v1/session")}:
            continue  # they change who is signed in; covered in test_auth.py
        path = template.format(**world.params)
        got, expected = outcome(path, call(client, method, path)), EXPECTED[(method, template)][role]
        if got != expected:
            wrong.append(f"{method} {path}: expected {expected}, got {got}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
