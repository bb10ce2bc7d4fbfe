"""The officers' cohorts: the list, the cohort form (dates, training centre, module weights, budget), and the calendar
(every cohort's periods on a time line, today marked, with the same dates as a table and each cohort's trainees by
phase)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from core.clock import utcnow
from core.problems import Problem
from employers import service as employers_service
from profiles import cohorts as cohorts_service
from profiles.cohorts import CohortForm
from profiles.exceptions import InvalidCohort
from profiles.models import Cohort
from web import privacy
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import done_message, field_messages
from web.pages import render
from web.timeline import draw

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)


@router.get("/officer/cohorts", response_class=HTMLResponse)
def cohorts(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, done: str = "") -> Response:
    """List the cohorts (dates, training centre, trainees, budget) and the cohort codes trainees give that no cohort holds."""
    context = {
        "cohorts": cohorts_service.list_cohorts(session=session), "centres": cohorts_service.centres_by_id(session=session),
        "counts": cohorts_service.trainee_counts(session=session),
        "unrecorded": cohorts_service.unrecorded_cohorts(session=session), "done": done_message(done, lang),
        "labels": Labels(lang),
    }  # fmt: skip
    return render(request, "officer/cohorts.html", context)


def form_page(request: Request, session: Session, lang: str, form: CohortForm, *, cohort: Cohort | None,
              problems: Sequence[Problem] = (), status: int = 200) -> Response:  # fmt: skip
    """Render the cohort form with its values and the errors next to each field."""
    context = {"form": form, "cohort": cohort, "errors": field_messages(problems, lang, top_level=True),
               "centres": [c.name for c in cohorts_service.list_centres(session=session)]}  # fmt: skip
    return render(request, "officer/cohort_form.html", context, status)


@router.get("/officer/cohorts/new", response_class=HTMLResponse)
def new_cohort_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, code: str = "") -> Response:
    """Show an empty cohort form (its code filled in when it comes from the trainees' list)."""
    form = CohortForm()
    form.text["code"] = code[:64]
    return form_page(request, session, lang, form, cohort=None)


@router.post("/officer/cohorts/new", response_class=HTMLResponse)
def new_cohort_submit(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, submitted: Submitted) -> Response:
    """Save a new cohort, or show the form again with what to correct (nothing is saved)."""
    form = CohortForm.from_form(submitted)
    try:
        cohorts_service.create_cohort(session=session, data=form.data(), by=user.id)
    except InvalidCohort as invalid:
        return form_page(request, session, lang, form, cohort=None, problems=invalid.problems, status=422)
    return RedirectResponse("/officer/cohorts?done=cohort_saved", status_code=303)


@router.get("/officer/cohorts/{cohort_id}/edit", response_class=HTMLResponse)
def edit_cohort_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, cohort_id: int) -> Response:
    """Show a cohort's form, filled in."""
    cohort = cohorts_service.get_cohort(session=session, cohort_id=cohort_id)
    centre = cohorts_service.centres_by_id(session=session).get(cohort.centre_id or 0)
    return form_page(request, session, lang, CohortForm.from_cohort(cohort, centre), cohort=cohort)


@router.post("/officer/cohorts/{cohort_id}/edit", response_class=HTMLResponse)
def edit_cohort_submit(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, cohort_id: int, submitted: Submitted
) -> Response:
    """Save the cohort's new fields (its trainees follow a new code; new weights recompute their grades)."""
    form = CohortForm.from_form(submitted)
    try:
        cohorts_service.update_cohort(session=session, cohort_id=cohort_id, data=form.data(), by=user.id)
    except InvalidCohort as invalid:
        cohort = cohorts_service.get_cohort(session=session, cohort_id=cohort_id)
        return form_page(request, session, lang, form, cohort=cohort, problems=invalid.problems, status=422)
    return RedirectResponse("/officer/cohorts?done=cohort_saved", status_code=303)


def rosters(session: Session, found: Sequence[Cohort]) -> list[cohorts_service.Roster]:
    """Return each cohort's trainees by phase, today."""
    today = utcnow().date()
    members = {c.code: cohorts_service.cohort_trainees(session=session, cohort=c) for c in found}
    ids = [p.id for listed in members.values() for p in listed if p.id is not None]
    placed = employers_service.placed_trainees(session=session, trainee_ids=ids)
    return [cohorts_service.roster(c, members[c.code], placed=placed, on=today) for c in found]


@router.get("/officer/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Draw every cohort's calendar on a time line, today marked, with a table of the same dates and the trainees by phase."""
    found = cohorts_service.list_cohorts(session=session)
    listed = rosters(session, found)
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(listed), viewer=user, page="officer_calendar")
    context: dict[str, Any] = {
        "timeline": draw(found, today=utcnow().date(), lang=lang), "rosters": listed,
        "calendars": {c.code: cohorts_service.calendar(c) for c in found}, "labels": Labels(lang),
    }  # fmt: skip
    return render(request, "officer/calendar.html", context)
