"""The placement officers' pages: their dashboard, and companies' applications to approve or reject."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from employers import dashboard as dashboard_service
from employers import service as employers_service
from employers.exceptions import ReasonRequired
from employers.models import EmployerStatus
from web import privacy
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import done_message, message
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: The dashboard lists that "see all" can show whole.
DASHBOARD_LISTS = ("vacancies", "requested", "trainees", "offers", "overdue", "accepted", "expiring")


def officer_context(lang: str) -> dict[str, Any]:
    """Return what every officer page uses: labels, names of offer states and causes."""
    return {
        "labels": Labels(lang),
        "state_label": lambda state: message(f"offer_state_{getattr(state, 'value', state)}", lang),
        "cause_label": lambda cause: message(f"offer_cause_{getattr(cause, 'value', cause)}", lang),
    }


def shown_lists(board: dashboard_service.Dashboard, full: str) -> list[object]:
    """Return the dashboard's lists as its page shows them: the sections listed whole (up to their limit), the to-do's
    first items (the list of offers soon expiring shows only there)."""
    listed = (board.past_expiry, board.unconfirmed, board.follow_ups_overdue, board.follow_ups_due, board.requested,
              board.to_confirm, board.waiting_answer, board.not_placed)  # fmt: skip
    return [*listed, *(todo.rows for todo in board.to_do(full))]


@router.get("/officer", response_class=HTMLResponse)
def officer_home(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, full: str = "") -> Response:
    """Show the officer's dashboard: open vacancies, trainees to place, offers waiting, overdue work, applications."""
    unlimited = [full] if full in DASHBOARD_LISTS else []
    board = dashboard_service.dashboard(session=session, unlimited=unlimited)
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(*shown_lists(board, full)), viewer=user,
                      page="officer_dashboard")  # fmt: skip
    return render(request, "officer/home.html", {**officer_context(lang), "board": board, "full": full})


def applications_page(request: Request, session: SessionDep, lang: str, *, done: str = "", errors: dict[int, str] | None = None,
                      reasons: dict[int, str] | None = None, status: int = 200) -> Response:  # fmt: skip
    """Render the pending applications, with the refusal forms' errors and typed reasons."""
    context = {
        "applications": employers_service.list_applications(session=session, status=EmployerStatus.pending),
        "labels": Labels(lang), "done": done_message(done, lang), "errors": errors or {}, "reasons": reasons or {},
    }  # fmt: skip
    return render(request, "officer/applications.html", context, status)


@router.get("/officer/applications", response_class=HTMLResponse)
def applications(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, done: str = "") -> Response:
    """List the companies waiting for a decision, each with an approve and a reject form."""
    return applications_page(request, session, lang, done=done)


@router.post("/officer/applications/{employer_id}/approve")
def approve(session: SessionDep, user: OfficerUser, employer_id: int) -> Response:
    """Approve a company's application."""
    employers_service.approve(session=session, employer_id=employer_id, by=user.actor)
    return RedirectResponse("/officer/applications?done=approved", status_code=303)


@router.post("/officer/applications/{employer_id}/reject", response_class=HTMLResponse)
def reject(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, employer_id: int, form: Submitted) -> Response:
    """Reject a company's application with a reason (the form comes back with an error when the reason is empty)."""
    reason = str(form.get("reason") or "")
    try:
        employers_service.reject(session=session, employer_id=employer_id, by=user.actor, reason=reason)
    except ReasonRequired as missing:
        errors = {employer_id: message(missing.code, lang)}
        return applications_page(request, session, lang, errors=errors, reasons={employer_id: reason}, status=422)
    return RedirectResponse("/officer/applications?done=rejected", status_code=303)
