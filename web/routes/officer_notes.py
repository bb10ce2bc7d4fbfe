"""The officers' notes and call log on a trainee's page (profiles.notes): a form that adds one, back at the log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from profiles import notes as notes_service
from profiles import service as profiles_service
from profiles.exceptions import InvalidNote
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.routes.officer_trainees import NoteTyped, profile_page

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: The fields of the note form.
NOTE_FIELDS = ("kind", "outcome", "text")


@router.post("/officer/trainees/{trainee_id}/notes", response_class=HTMLResponse)
def add_note(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int, submitted: Submitted
) -> Response:
    """Add a note or a call to a trainee's log, or show the page again at the form with what to correct (nothing saved)."""
    typed = {name: str(submitted.get(name) or "") for name in NOTE_FIELDS}
    try:
        notes_service.add_note(session=session, trainee_id=trainee_id, typed=typed, by=user.id)
    except InvalidNote as invalid:
        profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
        return profile_page(request, session, lang, user, profile, note=NoteTyped(typed, invalid.problems), status=422)
    return RedirectResponse(f"/officer/trainees/{trainee_id}?done=note#notes", status_code=303)
