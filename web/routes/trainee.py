"""The trainee's space (phone-first, plain French). Offers and answers come with the placement workflow."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from profiles.models import TraineeProfile
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, TraineeUser
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)])


@router.get("/trainee", response_class=HTMLResponse)
def trainee_home(request: Request, session: SessionDep, lang: Lang, user: TraineeUser) -> Response:
    """Show the trainee their own profile, in short sentences."""
    profile = session.get(TraineeProfile, user.trainee_id) if user.trainee_id is not None else None
    return render(request, "trainee/home.html", {"profile": profile})
