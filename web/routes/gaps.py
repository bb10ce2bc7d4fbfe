"""The training gaps page, for officers and for the training school: what one step would open (employers.gaps).

Counts only (trainees, vacancies, seats), never names or companies: the school sees no employer data.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from employers import gaps as gaps_service
from web.db import SessionDep
from web.deps import Lang, OfficerUser, SchoolUser
from web.errors import DomainRoute
from web.labels import Labels
from web.pages import render

router = APIRouter(route_class=DomainRoute)


def _language(lang: str) -> gaps_service.Lang:
    return "en" if lang == "en" else "fr"


@router.get("/officer/gaps", response_class=HTMLResponse)
def officer_gaps(request: Request, session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Show the programme's training gaps to an officer."""
    found = gaps_service.training_gaps(session=session, lang=_language(lang))
    return render(request, "officer/gaps.html", {"gaps": found, "labels": Labels(lang)})


@router.get("/school/gaps", response_class=HTMLResponse)
def school_gaps(request: Request, session: SessionDep, lang: Lang, user: SchoolUser) -> Response:
    """Show the programme's training gaps to the training school."""
    found = gaps_service.training_gaps(session=session, lang=_language(lang))
    return render(request, "school/gaps.html", {"gaps": found, "labels": Labels(lang)})
