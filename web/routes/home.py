"""The front page: sends each user to their own space."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.auth.routes import HOME
from web.deps import CurrentUser, Lang
from web.errors import DomainRoute
from web.pages import render

router = APIRouter(route_class=DomainRoute)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: Lang, user: CurrentUser) -> Response:
    """Show the welcome page, or go to the signed-in user's space."""
    if user is not None:
        return RedirectResponse(HOME[user.role], status_code=303)
    return render(request, "home.html")
