"""The seat-aware plan on the live data (employers.plan): the proposed offers, sent one by one or all at once."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from employers import plan as plan_service
from matching.assignment import Method
from web import privacy
from web.config import get_settings
from web.csrf import verify_csrf
from web.csv_export import csv_download
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.i18n import translator
from web.messages import done_message
from web.pages import render
from web.routes.officer import officer_context

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)


def chosen_method(method: str) -> Method:
    """Return the plan method asked for (optimal unless "stable")."""
    return "stable" if method == "stable" else "optimal"


@router.get("/officer/plan", response_class=HTMLResponse)
def plan_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, method: str = "optimal", done: str = "",
              offered: int = 0, refused: int = 0) -> Response:  # fmt: skip
    """Show the plan's proposed offers on today's data, each with its own button, and one button for them all."""
    found = plan_service.live_plan(session=session, method=chosen_method(method))
    privacy.log_views(session=session, trainee_ids=[p.trainee.id for p in found.proposals], viewer=user, page="officer_plan")
    said = done_message(done, lang)
    context = {**officer_context(lang), "plan": found, "methods": plan_service.METHODS, "done": said,
               "offered": offered, "refused": refused}  # fmt: skip
    return render(request, "officer/plan.html", context)


@router.post("/officer/plan/offers")
def send_offers(session: SessionDep, lang: Lang, user: OfficerUser, form: Submitted) -> Response:
    """Make the offers of the pairs sent (one, or all the plan proposed) through the offer service."""
    method = chosen_method(str(form.get("method") or ""))
    pairs = plan_service.parse_pairs(str(v) for v in form.getlist("pair"))
    sent = plan_service.send_offers(session=session, pairs=pairs, by=user.actor, method=method,
                                    answer_days=get_settings().offer_answer_days, lang=lang)  # fmt: skip
    query = urlencode({"method": method, "done": "plan_offered", "offered": len(sent.offered), "refused": len(sent.refused)})
    return RedirectResponse(f"/officer/plan?{query}", status_code=303)


@router.get("/officer/plan.csv")
def plan_csv(session: SessionDep, lang: Lang, user: OfficerUser, method: str = "optimal") -> Response:
    """Return the plan's proposed offers as CSV."""
    found = plan_service.live_plan(session=session, method=chosen_method(method))
    privacy.log_views(session=session, trainee_ids=[p.trainee.id for p in found.proposals], viewer=user,
                      page="officer_plan_csv")  # fmt: skip
    _ = translator(lang)
    headings = [_("Offre"), _("Intitulé"), _("Société"), _("Ville"), _("Code agent"), _("Agent"), _("Score")]
    rows = ([p.vacancy.code, p.vacancy.title, p.employer_name, p.vacancy.town, p.trainee.code, p.trainee.full_name,
             round(p.score * 100)] for p in found.proposals)  # fmt: skip
    return csv_download(f"plan-{found.method}", headings, rows)
