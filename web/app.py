"""The web application: composes the routers of each package and turns domain errors into responses."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Scope
from swagger_ui_bundle import swagger_ui_path
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from employers.gaps import keep_open_seats
from matching.country import get_pack, use_country
from web import idempotency
from web.auth.pin_pages import router as pin_router
from web.auth.routes import api as auth_api
from web.auth.routes import router as auth_router
from web.config import get_settings
from web.csrf import CSRF_COOKIE, CsrfError, signed_cookie_value
from web.db import NumberOutOfRange, get_engine
from web.deps import LANG_COOKIE, Forbidden, NotSignedIn, served_over_https
from web.i18n import LANGUAGES, translator
from web.messages import MESSAGES
from web.pages import page_language, render, templates
from web.routes import (
    accounts,
    admin_weights,
    api_employers,
    employers,
    evaluation,
    fairness,
    gaps,
    home,
    officer,
    officer_cohorts,
    officer_exports,
    officer_followups,
    officer_notes,
    officer_plan,
    officer_records,
    officer_sms,
    officer_trainees,
    officer_vacancies,
    privacy,
    school,
    trainee,
)
from web.security import BodyLimit, BodyTooLarge, HeadAsGet, OnResponseStart, SecurityHeaders

STATIC = Path(__file__).parent / "static"
SWAGGER_UI_PREFIX = "/static/swagger-ui"
API_DOCS_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rdvm — API</title>
<link rel="stylesheet" href="{SWAGGER_UI_PREFIX}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{SWAGGER_UI_PREFIX}/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script></body></html>
"""


def api_docs() -> HTMLResponse:
    """Show the JSON API's documentation: Swagger UI on /openapi.json, every file served here."""
    return HTMLResponse(API_DOCS_PAGE)


#: The routers of the JSON API (/api/v1), the only ones the OpenAPI schema describes.
API_ROUTERS = (auth_api, api_employers.router)


def is_api(request: Request) -> bool:
    """Return whether the request is for the JSON API."""
    return request.url.path.startswith("/api/")


def refusal(request: Request, code: str, status: int, values: dict[str, str] | None = None) -> Response:
    """Answer with a message by code (filled with its values): JSON for the API, a page otherwise."""
    message = translator(page_language(request))(MESSAGES[code])
    message = message.format(**values) if values else message
    if is_api(request):
        return JSONResponse({"detail": message, "code": code}, status_code=status)
    return render(request, "error.html", {"message": message, "status": status}, status)


def allowed_methods(request: Request) -> list[str]:
    """Return every method some route answers at the request's path (a 405's Allow header; Starlette names one route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, APIRoute) and route.path_regex.match(request.url.path):
            methods |= route.methods or set()
    return sorted(methods)


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

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        if request.url.path.startswith(officer_trainees.IMPORT_PREFIX):
            return refusal(request, "import_too_large", 413, {"limit": str(officer_trainees.MAX_UPLOAD_MB)})
        return refusal(request, "request_too_large", 413, {"limit": str(exc.limit // 1024)})

    @app.exception_handler(idempotency.Replay)
    async def _replay(_request: Request, exc: idempotency.Replay) -> Response:
        return JSONResponse(exc.body, status_code=exc.status_code, headers={idempotency.REPLAYED_HEADER: "true"})

    @app.exception_handler(idempotency.KeyRefused)
    async def _key_refused(request: Request, exc: idempotency.KeyRefused) -> Response:
        said = translator(page_language(request))(MESSAGES[exc.code]).format(limit=idempotency.MAX_KEY_LENGTH)
        return JSONResponse({"detail": {idempotency.HEADER: said}}, status_code=422)

    @app.exception_handler(NumberOutOfRange)
    async def _out_of_range(request: Request, _exc: NumberOutOfRange) -> Response:
        return refusal(request, "number_out_of_range", 422)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return refusal(request, "forbidden", 403)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return refusal(request, "not_found", 404)
        if exc.status_code == 405:
            exc.headers = {**(exc.headers or {}), "Allow": ", ".join(allowed_methods(request))}
        if exc.status_code == 400 and is_api(request):  # FastAPI's "error parsing the body": not JSON, not UTF-8
            return refusal(request, "body_unreadable", 400)
        if is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        page = render(request, "error.html", {"message": str(exc.detail), "status": exc.status_code}, exc.status_code)
        page.headers.update(exc.headers or {})  # e.g. Allow with a 405
        return page

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not is_api(request):  # a malformed page address, e.g. /employer/vacancies/abc
            return refusal(request, "not_found", 404)
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)


class ResponseCookies(OnResponseStart):
    """Add the Server-Timing header and the cookies a request asked for: a new CSRF token, a chosen language."""

    def editor(self, scope: Scope) -> Callable[[MutableHeaders], None]:
        """Return what adds the time spent so far and this request's cookies."""
        start = time.perf_counter()

        def edit(headers: MutableHeaders) -> None:
            headers["Server-Timing"] = f"app;dur={(time.perf_counter() - start) * 1000:.1f}"
            for cookie in self.cookies(Request(scope)):
                headers.append("set-cookie", cookie)

        return edit

    @staticmethod
    def cookies(request: Request) -> list[str]:
        """Return the Set-Cookie values this request's response carries."""
        secure = served_over_https(request)
        response = Response()
        token = getattr(request.state, "csrf_token", None)
        if token and getattr(request.state, "csrf_new", False):
            response.set_cookie(CSRF_COOKIE, signed_cookie_value(token), httponly=True, samesite="lax", secure=secure)
        chosen = request.query_params.get("lang")
        if chosen in LANGUAGES:
            response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, httponly=True, samesite="lax", secure=secure)
        return [value.decode("latin-1") for name, value in response.raw_headers if name == b"set-cookie"]


log = logging.getLogger(__name__)


def warm_up() -> None:
    """Do before serving what each server process's first requests would otherwise wait for.

    Compile every template, open the database's first connection (its driver loads then), and read and encode the
    open seats the officers' trainee pages score against: about a second of work per process, which under a crowd
    of people signing in at once (a server just started or restarted) each of them would otherwise queue behind.
    A database that cannot be reached yet only logs: the requests will say so.
    """
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    try:
        with Session(get_engine()) as session:
            keep_open_seats(session=session)
    except SQLAlchemyError as error:
        log.warning("warm-up without the database: %s", error)


@asynccontextmanager
async def warmed_up(_app: FastAPI) -> AsyncIterator[None]:
    """Warm the process up before it takes requests."""
    await run_in_threadpool(warm_up)
    yield


def create_server_app() -> FastAPI:
    """Build the application as `rdvm serve` serves it: each server process warms up on its settings' database first.

    The tests' in-process application (`create_app`) has no warm-up: its sessions go to the test's database, not
    to the one the settings name.
    """
    return create_app(lifespan=warmed_up)


def create_app(lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None) -> FastAPI:
    """Build the application."""
    settings = get_settings()
    use_country(settings.country)  # the towns, languages, minimum wage and phone numbering of every page and import
    # FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN, with inline script, which the
    # Content-Security-Policy forbids: /docs is the application's own page, Swagger UI served from the package.
    app = Application(title="rdvm", version="0.1.0", description=f"Job matching for the {get_pack().programme} programme.",
                      docs_url=None, redoc_url=None, lifespan=lifespan)  # fmt: skip
    app.mount(SWAGGER_UI_PREFIX, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")  # before /static
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/docs", api_docs, methods=["GET"], include_in_schema=False, response_class=HTMLResponse)
    routers = (home.router, auth_router, auth_api, pin_router, employers.router, api_employers.router, officer.router,
               officer_vacancies.router, officer_trainees.router, officer_records.router, officer_cohorts.router,
               officer_followups.router, trainee.router, school.router, gaps.router, accounts.router,
               fairness.router, admin_weights.router, privacy.router, evaluation.router,
               officer_notes.router, officer_plan.router, officer_sms.router, officer_exports.router)  # fmt: skip
    for router in routers:
        # The OpenAPI schema (and /docs) describe the JSON API; pages are HTML for people, not part of it.
        app.include_router(router, include_in_schema=router in API_ROUTERS)
    add_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1000)  # a page of 50 candidates shrinks ~8× for slow phones

    app.add_middleware(ResponseCookies)
    # Added last, so they wrap everything above: the outermost runs first.
    app.add_middleware(BodyLimit, default=settings.max_request_kb * 1024, limits=officer_trainees.BODY_LIMITS)
    app.add_middleware(HeadAsGet)
    return app


class Application(FastAPI):
    """The FastAPI application whose every answer, a crash's 500 included, carries the security headers.

    Starlette's error middleware (the 500 page) is always outside the added middleware, so the security headers
    and the trusted proxies' handling (which decides the scheme the headers depend on) wrap the whole stack.
    """

    def build_middleware_stack(self) -> ASGIApp:
        """Return the application's stack inside the security headers (and the trusted proxies' handling)."""
        stack: ASGIApp = SecurityHeaders(super().build_middleware_stack())
        trusted = get_settings().trusted_proxies
        if not trusted:
            return stack
        # uvicorn types its ASGI callables more narrowly than Starlette; they are the same protocol.
        proxied: ASGIApp = ProxyHeadersMiddleware(stack, trusted_hosts=trusted)  # type: ignore[arg-type,assignment]
        return proxied
