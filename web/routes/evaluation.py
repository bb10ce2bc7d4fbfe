"""The evaluation pages (officers, admin, auditor): figures, charts, the people behind them, exports, the funders' view.

Everything is computed by `profiles.evaluation` from the stored history; the auditor sees people pseudonymised.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from profiles import people
from profiles.evaluation import Evaluation, Scope, people_of
from web import evaluation_view as view
from web import privacy
from web.auth.models import Role, User
from web.db import SessionDep
from web.deps import EvaluatorUser, Lang
from web.errors import DomainRoute
from web.evaluation_cache import EvaluationCache
from web.i18n import translator
from web.labels import Labels
from web.pages import render

router = APIRouter(route_class=DomainRoute)


def _scope(as_of: str | None, cohort: str | None, country: str | None) -> Scope:
    """Return the scope of the filters; a missing or malformed date is today (in Bamako, i.e. UTC)."""
    try:
        day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
    except ValueError:
        day = datetime.now(UTC).date()
    return Scope(as_of=day, cohort=cohort or None, country=(country or "").upper() or None)


ScopeQuery = Annotated[str | None, Query()]


def _evaluation(request: Request, session: SessionDep, as_of: str | None, cohort: str | None, country: str | None) -> Evaluation:
    """Return the evaluation of the filters' scope, from the application's cache of evaluations (one per application)."""
    state = request.app.state
    if getattr(state, "evaluations", None) is None:
        state.evaluations = EvaluationCache()
    cache: EvaluationCache = state.evaluations
    return cache.evaluation(session, _scope(as_of, cohort, country))


def _context(ev: Evaluation, lang: str, user: User) -> dict[str, Any]:
    _ = translator(lang)
    query = {"as_of": ev.scope.as_of.isoformat(), "cohort": ev.scope.cohort or "", "country": ev.scope.country or ""}
    return {"ev": ev, "tables": view.tables(ev, _), "query": query, "auditor": user.role == Role.auditor,
            "definitions": view.DEFINITIONS, "names": view.FIGURE_NAMES, "shares": view.SHARES, "labels": Labels(lang),
            "funders": view.funder_rows(ev, _)}  # fmt: skip


@router.get("/evaluation", response_class=HTMLResponse)
def evaluation_page(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser,
                    as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Show the evaluation of the chosen cohort, country and date."""
    ev = _evaluation(request, session, as_of, cohort, country)
    return render(request, "evaluation/page.html", _context(ev, lang, user))


@router.get("/evaluation/funders", response_class=HTMLResponse)
def funders_page(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser,
                 as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Show the indicators under the headings funders report, with their definitions."""
    ev = _evaluation(request, session, as_of, cohort, country)
    return render(request, "evaluation/funders.html", _context(ev, lang, user))


@router.get("/evaluation/people", response_class=HTMLResponse)
def people_page(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser, figure: str = "trainees",
                as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """List the people behind a figure (pseudonymised for auditors)."""
    ev = _evaluation(request, session, as_of, cohort, country)
    codes = people_of(ev, figure)
    found = people.identities(session=session, codes=codes)
    auditor = user.role == Role.auditor
    rows = view.people_rows(ev, figure, found, pseudonymised=auditor)
    if not auditor:  # officers and admins see the names
        privacy.log_views(session=session, trainee_ids=[who.trainee_id for who in found.values()], viewer=user,
                          page="evaluation_people")  # fmt: skip
    return render(request, "evaluation/people.html", {**_context(ev, lang, user), "figure": figure, "rows": rows})


@router.get("/evaluation/charts/{name}.svg")
def chart_svg(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser, name: str,
              as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Return a chart of the evaluation as SVG."""
    svg = view.chart(_evaluation(request, session, as_of, cohort, country), name, translator(lang))
    return Response(svg, media_type="image/svg+xml") if svg is not None else Response(status_code=404)


@router.get("/evaluation/export/{table}.csv")
def export_csv(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser, table: str,
               as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Return one table of the evaluation as CSV."""
    ev = _evaluation(request, session, as_of, cohort, country)
    found = next((t for t in view.tables(ev, translator(lang)) if t.id == table), None)
    if found is None:
        return Response(status_code=404)
    name = f"rdvm-{table}-{ev.scope.as_of.isoformat()}.csv"
    return Response(view.to_csv(found), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/evaluation/export.xlsx")
def export_xlsx(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser,
                as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Return every table of the evaluation as an Excel workbook, one sheet each."""
    ev = _evaluation(request, session, as_of, cohort, country)
    body = view.to_workbook(view.tables(ev, translator(lang)), ev.scope.as_of)
    name = f"rdvm-evaluation-{ev.scope.as_of.isoformat()}.xlsx"
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/evaluation/report.pdf")
def report_pdf(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser,
               as_of: ScopeQuery = None, cohort: ScopeQuery = None, country: ScopeQuery = None) -> Response:  # fmt: skip
    """Return the whole evaluation as a PDF report: a cover with its scope and date, the page, the definitions."""
    ev = _evaluation(request, session, as_of, cohort, country)
    context = {**_context(ev, lang, user), "charts": view.chart_data_uris(ev, translator(lang))}
    html = bytes(render(request, "evaluation/report.html", context).body).decode()
    name = f"rdvm-evaluation-{ev.scope.as_of.isoformat()}.pdf"
    return Response(
        view.to_pdf(html), media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
