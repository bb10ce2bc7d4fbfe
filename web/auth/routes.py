"""Sign in, sign out, change one's password or PIN (pages and API)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from employers import service as employers_service
from web.auth import reset
from web.auth import service as auth_service
from web.auth.exceptions import AuthError, TooManyAttempts, WeakPassword
from web.auth.models import Role, User
from web.config import get_settings
from web.csrf import bind_to_session, csrf_token, session_bound, verify_csrf
from web.db import SessionDep
from web.deps import (
    SESSION_COOKIE,
    CurrentUser,
    Lang,
    SignedInUser,
    client_address,
    served_over_https,
    session_serializer,
    session_token,
)
from web.errors import API_REFUSALS, DomainRoute, Refusal
from web.i18n import LANGUAGE_NAMES
from web.messages import MESSAGES, N_, done_message, message
from web.pages import render
from web.security import same_site_path

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)
api = APIRouter(prefix="/api/v1", dependencies=[Depends(verify_csrf)], tags=["accounts"], route_class=DomainRoute,
                responses=API_REFUSALS)  # fmt: skip

HOME = {Role.admin: "/officer", Role.officer: "/officer", Role.employer: "/employer", Role.trainee: "/trainee",
        Role.school: "/school", Role.auditor: "/evaluation"}  # fmt: skip
ERROR_STATUS = {"too_many_attempts": 429, "invalid_credentials": 401}
MESSAGES.update({"done_language": N_("C'est fait : vos SMS et e-mails seront écrits dans cette langue.")})


def sign_in(session: SessionDep, login: str, secret: str, client: str) -> User:
    """Authenticate an active account (an employer's only once the company is approved); throttled."""

    def allowed(user: User) -> bool:
        approved = user.role != Role.employer or employers_service.is_approved(session=session, employer_id=user.employer_id)
        return user.active and approved

    return auth_service.authenticate(session=session, login=login, secret=secret, client=client, allowed=allowed)


def refused(error: AuthError, lang: str) -> tuple[str, int, dict[str, str]]:
    """Return the sentence, the status and the headers that answer a refused sign-in."""
    if isinstance(error, TooManyAttempts):
        wait = str(int(error.wait.total_seconds()) + 1)
        return message(error.code, lang, {"minutes": str(error.minutes())}), 429, {"Retry-After": wait}
    return message(error.code, lang), ERROR_STATUS.get(error.code, 401), {}


def with_session_cookie(request: Request, response: Response, token: str) -> Response:
    """Attach the signed, HttpOnly session cookie to a response (Secure when served over HTTPS)."""
    settings = get_settings()
    response.set_cookie(
        SESSION_COOKIE, session_serializer().dumps(token), max_age=settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=served_over_https(request),
    )  # fmt: skip
    return response


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, lang: Lang, user: CurrentUser, next: str = "", done: str = "") -> Response:
    """Show the sign-in form (or go home when already signed in)."""
    if user is not None:
        return RedirectResponse(HOME[user.role], status_code=303)
    return render(request, "auth/signin.html", {"next": same_site_path(next, ""), "done": done_message(done, lang)})


@router.post("/signin", response_class=HTMLResponse)
def signin_submit(
    request: Request,
    session: SessionDep,
    lang: Lang,
    login: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    """Check the sign-in form; open a session and go to the user's home page."""
    try:
        user = sign_in(session, login, secret, client_address(request))
    except AuthError as error:
        said, status, headers = refused(error, lang)
        context = {"error": said, "login": login[: auth_service.MAX_LOGIN_LENGTH], "next": same_site_path(next, "")}
        page = render(request, "auth/signin.html", context, status)
        page.headers.update(headers)
        return page
    token = auth_service.start_session(session=session, user=user, hours=get_settings().session_hours)
    target = same_site_path(next, HOME[user.role])
    return with_session_cookie(request, RedirectResponse(target, status_code=303), token)


@router.post("/signout")
def signout(request: Request, session: SessionDep) -> Response:
    """Close this browser's session."""
    token = session_token(request)
    if token:
        auth_service.end_session(session=session, token=token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def account_page(request: Request, session: SessionDep, user: User, context: dict[str, Any], status: int = 200) -> Response:
    """Render one's account page: the password (or PIN) form, and the language of one's SMS and e-mails."""
    languages = {"message_languages": auth_service.languages_of(user), "language_names": LANGUAGE_NAMES,
                 "message_language": auth_service.notice_language(session=session, user=user)}  # fmt: skip
    return render(request, "auth/password.html", languages | context, status)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, session: SessionDep, lang: Lang, user: SignedInUser, done: str = "") -> Response:
    """Show the form to change one's password (or PIN), and the language one's messages are written in."""
    return account_page(request, session, user, {"language_done": done_message(done, lang)})


@router.post("/account/language")
def language_submit(
    request: Request, session: SessionDep, lang: Lang, user: SignedInUser, language: Annotated[str, Form()] = ""
) -> Response:
    """Keep the language picked for one's SMS and e-mails; the pages switch to it too."""
    if language not in auth_service.languages_of(user):
        return account_page(request, session, user, {"language_error": message("language_unknown", lang)}, 422)
    auth_service.keep_language(session=session, user=user, lang=language)
    return RedirectResponse(f"/account/password?lang={language}&done=language", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    session: SessionDep,
    lang: Lang,
    user: SignedInUser,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
) -> Response:
    """Change one's password or PIN; every other session is closed and this one restarted."""
    try:
        auth_service.change_secret(session=session, user=user, current=current, new=new)
    except AuthError as error:
        return account_page(request, session, user, {"error": str(error) if error.code == "weak_password" else error.code}, 400)
    token = auth_service.start_session(session=session, user=user, hours=get_settings().session_hours)
    bind_to_session(request, token)  # the page's forms carry the new session's token
    return with_session_cookie(request, account_page(request, session, user, {"done": True}), token)


class SignIn(BaseModel):
    """Credentials for the API: an e-mail (or a trainee's phone) and a password (or PIN)."""

    login: str
    secret: str = Field(json_schema_extra={"writeOnly": True})


class SessionOpened(BaseModel):
    """The signed-in account, and the session's CSRF token to send back as X-CSRF-Token."""

    id: int
    role: Role
    full_name: str
    csrf_token: str


class SignedOut(BaseModel):
    """The session is closed."""

    signed_out: bool


class CsrfToken(BaseModel):
    """This browser's CSRF token."""

    csrf_token: str


SIGN_IN_REFUSALS: dict[int | str, dict[str, Any]] = {
    200: {"model": SessionOpened, "description": "Signed in: the session cookie is set."},
    401: {"model": Refusal, "description": "Wrong login or secret, or an account that may not sign in (all alike)."},
    429: {"model": Refusal, "description": "Too many attempts: wait the Retry-After seconds."},
}


@api.post("/session", responses=SIGN_IN_REFUSALS)
def api_signin(request: Request, session: SessionDep, lang: Lang, body: SignIn) -> Response:
    """Sign in and receive the session cookie, and the session's CSRF token (the one sent before no longer works)."""
    try:
        user = sign_in(session, body.login, body.secret, client_address(request))
    except AuthError as error:
        # Answered, not raised: the failed attempt must be committed with the request, to count towards the throttle.
        said, status, headers = refused(error, lang)
        return JSONResponse({"detail": said, "code": error.code}, status_code=status, headers=headers)
    token = auth_service.start_session(session=session, user=user, hours=get_settings().session_hours)
    answer = {"id": user.id, "role": user.role, "full_name": user.full_name, "csrf_token": session_bound(token)}
    return with_session_cookie(request, JSONResponse(answer), token)


@api.delete("/session", responses={200: {"model": SignedOut, "description": "The session is closed."}})
def api_signout(request: Request, session: SessionDep) -> Response:
    """Close this session."""
    token = session_token(request)
    if token:
        auth_service.end_session(session=session, token=token)
    response = JSONResponse({"signed_out": True})
    response.delete_cookie(SESSION_COOKIE)
    return response


@api.get("/csrf")
def api_csrf(request: Request) -> CsrfToken:
    """Return this browser's CSRF token (also set as a cookie): send it back as X-CSRF-Token."""
    return CsrfToken(csrf_token=csrf_token(request))


# ---------------------------------------------------------------- a forgotten password (issue #13)


@router.get("/account/forgot", response_class=HTMLResponse)
def forgot_page(request: Request, lang: Lang) -> Response:
    """Show the form asking for a link to choose a new password."""
    return render(request, "auth/forgot.html", {"sent": False})


@router.post("/account/forgot", response_class=HTMLResponse)
def forgot_submit(request: Request, session: SessionDep, lang: Lang, login: Annotated[str, Form()] = "") -> Response:
    """Send the link when the address is an account's; answer the same page either way."""
    settings = get_settings()
    reset.request_reset(session=session, login=login, link=settings.link("/account/reset/{token}"),
                        minutes=settings.password_reset_minutes)  # fmt: skip
    return render(request, "auth/forgot.html", {"sent": True, "minutes": settings.password_reset_minutes})


@router.get("/account/reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, session: SessionDep, lang: Lang, token: str) -> Response:
    """Show the form to choose a new password, or say that the link can no longer be used."""
    try:
        reset.open_reset(session=session, token=token)
    except reset.ResetUnusable:
        return render(request, "auth/reset.html", {"unusable": True}, 410)
    return render(request, "auth/reset.html", {"token": token})


@router.post("/account/reset/{token}", response_class=HTMLResponse)
def reset_submit(request: Request, session: SessionDep, lang: Lang, token: str, new: Annotated[str, Form()] = "") -> Response:
    """Set the new password; then the person signs in with it."""
    try:
        reset.reset_password(session=session, token=token, new=new)
    except reset.ResetUnusable:
        return render(request, "auth/reset.html", {"unusable": True}, 410)
    except WeakPassword as weak:
        return render(request, "auth/reset.html", {"token": token, "error": str(weak)}, 422)
    return RedirectResponse("/signin?done=password_reset", status_code=303)
