"""The web application: composes the routers of each package and turns domain errors into responses."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from web.auth.routes import api as auth_api
from web.auth.routes import router as auth_router
from web.csrf import CSRF_COOKIE, CsrfError, signed_cookie_value
from web.deps import LANG_COOKIE, Forbidden, NotSignedIn, served_over_https
from web.i18n import LANGUAGES, translator
from web.messages import MESSAGES
from web.pages import page_language, render
from web.routes import (
    api_employers,
    employers,
    evaluation,
    gaps,
    home,
    officer,
    officer_cohorts,
    officer_records,
    officer_trainees,
    officer_vacancies,
    school,
    trainee,
)

STATIC = Path(__file__).parent / "static"


def is_api(request: Request) -> bool:
    """Return whether the request is for the JSON API."""
    return request.url.path.startswith("/api/")


def refusal(request: Request, code: str, status: int) -> Response:
    """Answer with a message by code: JSON for the API, a page otherwise."""
    message = translator(page_language(request))(MESSAGES[code])
    if is_api(request):
        return JSONResponse({"detail": message, "code": code}, status_code=status)
    return render(request, "error.html", {"message": message, "status": status}, status)


def add_error_handlers(app: FastAPI) -> None:
    """Map the application's exceptions to responses."""

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _exc: CsrfError) -> Response:
        return refusal(request, "csrf", 403)

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if is_api(request):
            return refusal(request, "not_signed_in", 401)
        return RedirectResponse(f"/signin?next={quote(request.url.path)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return refusal(request, "forbidden", 403)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return refusal(request, "not_found", 404)
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return render(request, "error.html", {"message": str(exc.detail), "status": exc.status_code}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not is_api(request):  # a malformed page address, e.g. /employer/vacancies/abc
            return refusal(request, "not_found", 404)
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)


def create_app() -> FastAPI:
    """Build the application."""
    app = FastAPI(title="rdvm", version="0.1.0", description="Job matching for the RDV au Mali programme.")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    routers = (home.router, auth_router, auth_api, employers.router, api_employers.router, officer.router,
               officer_vacancies.router, officer_trainees.router, officer_records.router, officer_cohorts.router,
               trainee.router, school.router, gaps.router, evaluation.router)  # fmt: skip
    for router in routers:
        app.include_router(router)
    add_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1000)  # a page of 50 candidates shrinks ~8× for slow phones

    @app.middleware("http")
    async def _cookies(request: Request, call_next):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        response: Response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
        response.headers["X-Frame-Options"] = "DENY"  # no page may be framed by another site (clickjacking)
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        token = getattr(request.state, "csrf_token", None)
        if token and getattr(request.state, "csrf_new", False):
            response.set_cookie(
                CSRF_COOKIE, signed_cookie_value(token), httponly=True, samesite="lax", secure=served_over_https(request)
            )
        chosen = request.query_params.get("lang")
        if chosen in LANGUAGES:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax")
        return response

    return app
