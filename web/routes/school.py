"""The training school's pages: the cohorts its centre trains, each cohort's trainees and attendance register, and each
trainee's module grades, certifications awarded and completion.

A trainer reaches only the cohorts of their own training centre and those cohorts' trainees: any other cohort or
trainee answers 404, as another company's vacancy does for an employer. No page shows employer data (companies,
vacancies, offers): a trainee's phase says "placed", nothing more. Every form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from core.clock import utcnow
from core.problems import Problem
from employers import service as employers_service
from matching.taxonomy import get_taxonomy
from profiles import cohorts as cohorts_service
from profiles import school as school_service
from profiles.exceptions import InvalidSchoolRecord
from profiles.models import CertificationAward, Cohort, TraineeProfile
from profiles.phases import Phase
from web import privacy
from web.auth.models import User
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import CentreId, Lang, SchoolUser, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import done_message, field_messages
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)


def today() -> date:
    """Return today in Bamako (UTC)."""
    return utcnow().date()


def phases_of(session: Session, cohort: Cohort, trainees: Sequence[TraineeProfile]) -> cohorts_service.Roster:
    """Return the cohort's trainees with their phases today."""
    placed = employers_service.placed_trainees(session=session, trainee_ids=[p.id for p in trainees if p.id is not None])
    return cohorts_service.roster(cohort, trainees, placed=placed, on=today())


@router.get("/school", response_class=HTMLResponse)
def school_home(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId) -> Response:
    """List the cohorts the trainer's centre trains, with their dates and trainees by phase."""
    found = cohorts_service.list_cohorts(session=session, centre_id=centre_id)
    rosters = [phases_of(session, c, cohorts_service.cohort_trainees(session=session, cohort=c)) for c in found]
    context = {"centre": cohorts_service.get_centre(session=session, centre_id=centre_id), "rosters": rosters,
               "labels": Labels(lang)}  # fmt: skip
    return render(request, "school/home.html", context)


# ---------------------------------------------------------------- a cohort and its register


@dataclass(frozen=True)
class TraineeLine:
    """A trainee of the cohort as the school sees them: phase, attendance, grades, certifications."""

    profile: TraineeProfile
    phase: Phase
    presence: school_service.Presence | None
    awards: tuple[CertificationAward, ...]


@router.get("/school/cohorts/{cohort_id}", response_class=HTMLResponse)
def cohort_page(
    request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId, cohort_id: int, done: str = ""
) -> Response:
    """Show a cohort: its dates and modules, each trainee's phase, attendance, grades and certifications, the sessions."""
    cohort = cohorts_service.centre_cohort(session=session, cohort_id=cohort_id, centre_id=centre_id)
    roster = phases_of(session, cohort, cohorts_service.cohort_trainees(session=session, cohort=cohort))
    ids = [p.id or 0 for p in roster.trainees]
    presence = school_service.presence(session=session, trainee_ids=ids)
    awards = school_service.awards_of(session=session, trainee_ids=ids)
    lines = [
        TraineeLine(p, roster.phases[i], presence.get(i), tuple(awards.get(i, ()))) for p in roster.trainees if (i := p.id or 0)
    ]
    privacy.log_views(session=session, trainee_ids=ids, viewer=user, page="school_cohort")
    context = {
        "cohort": cohort, "lines": lines, "sessions": school_service.sessions_recorded(session=session, trainee_ids=ids),
        "labels": Labels(lang), "done": done_message(done, lang), "today": today(),
    }  # fmt: skip
    return render(request, "school/cohort.html", context)


def attendance_page(request: Request, session: Session, user: User, lang: str, cohort: Cohort,
                    sheet: school_service.SessionSheet | None, *, typed: Mapping[str, Any], problems: Sequence[Problem] = (),
                    status: int = 200) -> Response:  # fmt: skip
    """Render a session's register: the day, the session's label, a box per trainee (ticked: present)."""
    listed = sheet.listed if sheet else ()
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(listed), viewer=user, page="school_attendance")
    context = {"cohort": cohort, "sheet": sheet, "typed": typed, "errors": field_messages(problems, lang), "today": today()}
    return render(request, "school/attendance.html", context, status)


@router.get("/school/cohorts/{cohort_id}/attendance", response_class=HTMLResponse)
def attendance_form(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId, cohort_id: int,
                    day: str = "", session_label: str = "") -> Response:  # fmt: skip
    """Show the register of a day's session (today by default): as recorded, or everyone ticked present when new."""
    cohort = cohorts_service.centre_cohort(session=session, cohort_id=cohort_id, centre_id=centre_id)
    trainees = cohorts_service.cohort_trainees(session=session, cohort=cohort)
    try:
        on = date.fromisoformat(day) if day else today()
    except ValueError:
        on = today()
    sheet = school_service.session_sheet(session=session, trainees=trainees, day=on, label=" ".join(session_label.split()))
    if not sheet.recorded:  # a new register: everyone present until unticked
        sheet = replace(sheet, present=frozenset(p.id or 0 for p in sheet.listed))
    return attendance_page(request, session, user, lang, cohort, sheet, typed={"day": on.isoformat(), "session": sheet.label})


@router.post("/school/cohorts/{cohort_id}/attendance", response_class=HTMLResponse)
def attendance_submit(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId, cohort_id: int,
                      submitted: Submitted) -> Response:  # fmt: skip
    """Record who was present at the session (the trainees left unticked were absent)."""
    cohort = cohorts_service.centre_cohort(session=session, cohort_id=cohort_id, centre_id=centre_id)
    trainees = cohorts_service.cohort_trainees(session=session, cohort=cohort)
    present = {int(str(v)) for v in submitted.getlist("present") if str(v).isdigit()}
    typed = {"day": str(submitted.get("day") or ""), "session": str(submitted.get("session") or "")}
    try:
        school_service.record_attendance(session=session, cohort=cohort, trainees=trainees, day=typed["day"],
                                         label=typed["session"], present=present, today=today(), by=user.id)  # fmt: skip
    except InvalidSchoolRecord as invalid:
        listed = tuple(school_service.register_trainees(trainees, today()))
        sheet = school_service.SessionSheet(today(), typed["session"], frozenset(present), listed)
        return attendance_page(request, session, user, lang, cohort, sheet, typed=typed, problems=invalid.problems, status=422)
    return RedirectResponse(f"/school/cohorts/{cohort_id}?done=attendance", status_code=303)


# ---------------------------------------------------------------- a trainee: grades, certifications, completion


def trainee_page(request: Request, session: Session, user: User, lang: str, profile: TraineeProfile, cohort: Cohort, *,
                 done: str = "", typed: Mapping[str, str] | None = None, problems: Sequence[Problem] = (), form: str = "",
                 status: int = 200) -> Response:  # fmt: skip
    """Render a trainee for the school, with the errors and typed values of the form that was refused (`form`)."""
    privacy.log_views(session=session, trainee_ids=[profile.id], viewer=user, page="school_trainee")
    roster = phases_of(session, cohort, [profile])
    modules = (profile.training or {}).get("modules") or {}
    context = {
        "profile": profile, "cohort": cohort, "phase": roster.phases[profile.id or 0], "labels": Labels(lang),
        "attendance": school_service.attendance_of(session=session, trainee_id=profile.id or 0),
        "awards": school_service.awards_of(session=session, trainee_ids=[profile.id or 0]).get(profile.id or 0, []),
        "grades": {name: modules.get(name) for name in cohort.weights},
        "others": {name: grade for name, grade in modules.items() if name not in cohort.weights},
        "certifications": [(c.code, Labels(lang).certification(c.code)) for c in get_taxonomy().certifications],
        "done": done_message(done, lang), "typed": typed or {}, "form": form, "errors": field_messages(problems, lang),
        "today": today(),
    }  # fmt: skip
    return render(request, "school/trainee.html", context, status)


def to_trainee(trainee_id: int, done: str) -> RedirectResponse:
    """Go (after a POST) to the school's page of a trainee, with a confirmation."""
    return RedirectResponse(f"/school/trainees/{trainee_id}?done={done}", status_code=303)


@router.get("/school/trainees/{trainee_id}", response_class=HTMLResponse)
def school_trainee(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId, trainee_id: int,
                   done: str = "") -> Response:  # fmt: skip
    """Show a trainee of the centre's cohorts: phase, attendance, module grades, certifications awarded, completion."""
    profile, cohort = cohorts_service.centre_trainee(session=session, trainee_id=trainee_id, centre_id=centre_id)
    return trainee_page(request, session, user, lang, profile, cohort, done=done)


@router.post("/school/trainees/{trainee_id}/grades", response_class=HTMLResponse)
def grades_submit(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId, trainee_id: int,
                  submitted: Submitted) -> Response:  # fmt: skip
    """Record the trainee's grades in the cohort's modules (an emptied grade is removed)."""
    profile, cohort = cohorts_service.centre_trainee(session=session, trainee_id=trainee_id, centre_id=centre_id)
    typed = {f"grade_{i}": str(submitted.get(f"grade_{i}") or "") for i in range(len(cohort.weights))}
    try:
        school_service.record_grades(session=session, profile=profile, cohort=cohort, typed=typed, by=user.id)
    except InvalidSchoolRecord as invalid:
        return trainee_page(request, session, user, lang, profile, cohort, typed=typed, problems=invalid.problems, form="grades",
                            status=422)  # fmt: skip
    return to_trainee(trainee_id, "grades")


@router.post("/school/trainees/{trainee_id}/certifications", response_class=HTMLResponse)
def certification_submit(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId,
                         trainee_id: int, submitted: Submitted) -> Response:  # fmt: skip
    """Record a certification awarded to the trainee (code, day, certificate number)."""
    profile, cohort = cohorts_service.centre_trainee(session=session, trainee_id=trainee_id, centre_id=centre_id)
    typed = {name: str(submitted.get(name) or "") for name in ("code", "awarded_on", "certificate_number")}
    try:
        school_service.award_certification(session=session, profile=profile, typed=typed, today=today(), by=user.id)
    except InvalidSchoolRecord as invalid:
        return trainee_page(request, session, user, lang, profile, cohort, typed=typed, problems=invalid.problems,
                            form="certification", status=422)  # fmt: skip
    return to_trainee(trainee_id, "certification")


@router.post("/school/trainees/{trainee_id}/completed", response_class=HTMLResponse)
def completed_submit(request: Request, session: SessionDep, lang: Lang, user: SchoolUser, centre_id: CentreId,
                     trainee_id: int, submitted: Submitted) -> Response:  # fmt: skip
    """Record whether the trainee completed the training (yes, no, or not known yet)."""
    profile, cohort = cohorts_service.centre_trainee(session=session, trainee_id=trainee_id, centre_id=centre_id)
    chosen = str(submitted.get("completed") or "")
    if chosen not in school_service.COMPLETION:
        return trainee_page(request, session, user, lang, profile, cohort, problems=[Problem("completed", "field_choice")],
                            form="completed", status=422)  # fmt: skip
    school_service.set_completed(session=session, profile=profile, completed=school_service.COMPLETION[chosen], by=user.id)
    return to_trainee(trainee_id, "completed")
