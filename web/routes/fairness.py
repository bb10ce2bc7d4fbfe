"""The fairness audit page: rankings and outcomes group by group (employers.fairness), counts only, no names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from core.clock import utcnow
from employers import fairness as fairness_service
from matching.fairness import DIMENSIONS, FOUR_FIFTHS, MIN_GROUP, Dimension
from web.auth.models import Role, User
from web.db import SessionDep
from web.deps import Lang, role_required
from web.errors import DomainRoute
from web.labels import Labels
from web.pages import render

router = APIRouter(route_class=DomainRoute)

#: Who may read the fairness audit, here and nowhere else. The read-only auditor role (issue #10) joins this list
#: when it exists (`Role.auditor`); the page shows counts only, so it needs no other change for an auditor.
FAIRNESS_ROLES: tuple[Role, ...] = (Role.officer, Role.admin, Role.auditor)
FairnessUser = Annotated[User, Depends(role_required(*FAIRNESS_ROLES))]


@router.get("/fairness", response_class=HTMLResponse)
def fairness_page(request: Request, session: SessionDep, lang: Lang, user: FairnessUser, by: Dimension = "gender") -> Response:
    """Show the fairness audit of rankings, offers, placements and employment, grouped as asked."""
    report = fairness_service.fairness_report(session=session, by=by, as_of=utcnow().date())
    context = {"report": report, "dimensions": DIMENSIONS, "labels": Labels(lang), "four_fifths": FOUR_FIFTHS,
               "min_group": MIN_GROUP, "top": fairness_service.TOP, "auditor": user.role == Role.auditor}  # fmt: skip
    return render(request, "officer/fairness.html", context)
