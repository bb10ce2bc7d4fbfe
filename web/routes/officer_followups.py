"""The officers' follow-ups after placement: the follow-ups due and overdue, and the form recording one (reached or not,
how, employment, salary, the reintegration questionnaire), prefilled from the company's answer when there is one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from core.clock import utcnow
from core.problems import Problem
from employers import dashboard, followups
from employers.exceptions import FollowUpNotDue, FollowUpRecorded, InvalidFollowUp
from employers.followups import Item
from employers.models import Employment
from employers.questionnaire import DIMENSIONS, get_questionnaire
from web import privacy
from web.auth.models import User
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import done_message, field_messages, message
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)


@router.get("/officer/followups", response_class=HTMLResponse)
def follow_ups(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, done: str = "") -> Response:
    """List the follow-ups fallen due and not recorded: overdue first (most recently overdue on top), then due."""
    waiting = dashboard.follow_ups_waiting(session=session, now=utcnow(), limit=None)
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(waiting), viewer=user, page="officer_followups")
    context = {"overdue": waiting["follow_ups_overdue"].rows, "due": waiting["follow_ups_due"].rows,
               "grace_days": followups.GRACE_DAYS, "labels": Labels(lang), "done": done_message(done, lang)}  # fmt: skip
    return render(request, "officer/followups.html", context)


def form_page(request: Request, session: Session, user: User, lang: str, item: Item, *, typed: Mapping[str, str] | None = None,
              problems: Sequence[Problem] = (), refusal: str | None = None, status: int = 200) -> Response:  # fmt: skip
    """Render one follow-up: the placement, the company's answer, and the form (or the record once made)."""
    privacy.log_views(session=session, trainee_ids=[item.trainee.id], viewer=user, page="officer_followup")
    today, labels, survey = utcnow().date(), Labels(lang), get_questionnaire()
    questions = {d: [(q, [(o.value, o.label(lang)) for o in q.options]) for q in survey.of(d)] for d in DIMENSIONS}
    context = {"item": item, "typed": typed or followups.prefill(item, today), "errors": field_messages(problems, lang),
               "survey": survey, "questions": questions, "lang": lang, "labels": labels, "refusal": refusal,
               "employment_options": [(e.value, labels.employment(e.value)) for e in Employment],
               "opens": today >= item.due - timedelta(days=followups.OPEN_DAYS_BEFORE)}  # fmt: skip
    return render(request, "officer/followup.html", context, status)


@router.get("/officer/placements/{placement_id}/followups/{month}", response_class=HTMLResponse)
def follow_up_page(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, placement_id: int, month: int
) -> Response:
    """Show one follow-up of a placement: the form to record it, or what was recorded."""
    item = followups.get_item(session=session, placement_id=placement_id, month=month, by=user.actor, today=utcnow().date())
    return form_page(request, session, user, lang, item)


@router.post("/officer/placements/{placement_id}/followups/{month}", response_class=HTMLResponse)
def record(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, placement_id: int, month: int,
           form: Submitted) -> Response:  # fmt: skip
    """Record a follow-up; the form comes back with every error next to its field."""
    typed = {name: str(value) for name, value in form.items() if name != "csrf_token"}
    try:
        followups.record_follow_up(session=session, placement_id=placement_id, month=month, by=user.actor, typed=typed)
    except (InvalidFollowUp, FollowUpRecorded, FollowUpNotDue) as refused:
        item = followups.get_item(session=session, placement_id=placement_id, month=month, by=user.actor, today=utcnow().date())
        if isinstance(refused, InvalidFollowUp):
            return form_page(request, session, user, lang, item, typed=typed, problems=refused.problems, status=422)
        return form_page(request, session, user, lang, item, typed=typed, refusal=message(refused.code, lang), status=409)
    return RedirectResponse("/officer/followups?done=follow_up", status_code=303)
