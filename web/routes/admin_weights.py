"""The admin's page of the score's weights: those in use beside the proposal learned from outcomes; adopt or roll back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from core.clock import utcnow
from employers import weights
from matching.components import NAMES
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import AdminUser, Lang, Submitted
from web.errors import DomainRoute
from web.labels import Labels
from web.messages import N_
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: The confirmations after a POST, by the code of the `done` query parameter.
DONE = {"adopted": N_("Les poids proposés sont en service."), "rolled_back": N_("Les poids choisis sont de nouveau en service.")}


@router.get("/admin/weights", response_class=HTMLResponse)
def weights_page(request: Request, session: SessionDep, lang: Lang, user: AdminUser, done: str = "") -> Response:
    """Show the weights in use, the proposal learned from the placements, and every earlier version."""
    context = {
        "labels": Labels(lang),
        "names": NAMES,
        "in_use": weights.current_weights(session=session),
        "by_level": weights.current_config(session=session).weights_by_level,
        "version": weights.version_in_use(session=session),
        "proposal": weights.propose(session=session, as_of=utcnow().date()),
        "history": weights.history(session=session),
        "done": DONE.get(done),
    }
    return render(request, "officer/weights.html", context)


@router.post("/admin/weights/adopt")
def adopt(session: SessionDep, user: AdminUser) -> Response:
    """Put the proposal learned from the placements in service (refused unless it meets the adoption rule)."""
    learned = weights.propose(session=session, as_of=utcnow().date())
    weights.adopt(session=session, learned=learned, source=weights.DATABASE_SOURCE, by=user.id)
    return RedirectResponse("/admin/weights?done=adopted", status_code=303)


@router.post("/admin/weights/rollback")
def roll_back(session: SessionDep, user: AdminUser, form: Submitted) -> Response:
    """Put an earlier version's weights (0: the defaults) back in service."""
    chosen = str(form.get("version") or "")
    weights.roll_back(session=session, to=int(chosen) if chosen.isdigit() else -1, by=user.id)
    return RedirectResponse("/admin/weights?done=rolled_back", status_code=303)
