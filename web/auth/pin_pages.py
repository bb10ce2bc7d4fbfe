"""The forgotten-PIN pages: a trainee asks for a code by SMS, then chooses a new PIN with it (web.auth.pin_reset)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.auth import pin_reset
from web.auth import service as auth_service
from web.auth.exceptions import ResetCodeInvalid, TooManyAttempts, WeakPassword
from web.auth.routes import with_session_cookie
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, client_address
from web.errors import DomainRoute
from web.i18n import translator
from web.messages import N_
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: What the new-PIN form says when something is wrong.
PROBLEMS = {
    "code": N_("Ce code ne marche pas : il est faux, déjà utilisé ou trop ancien. Demandez un nouveau code."),
    "pin": N_("Le code secret doit avoir 6 chiffres."),
    "repeat": N_("Les deux codes secrets ne sont pas pareils. Écrivez deux fois le même."),
    "wait": N_("Trop de demandes. Attendez {minutes} min avant de redemander un code."),
}


@router.get("/signin/pin", response_class=HTMLResponse)
def forgot_page(request: Request, lang: Lang) -> Response:
    """Ask for the phone number the trainee signs in with."""
    return render(request, "auth/pin_forgot.html", {"phone": ""})


@router.post("/signin/pin", response_class=HTMLResponse)
def forgot_submit(request: Request, session: SessionDep, lang: Lang, phone: Annotated[str, Form()] = "") -> Response:
    """Send a code by SMS when the phone has an account, then show the form for the code and the new PIN (alike either way)."""
    try:
        pin_reset.request_code(session=session, phone=phone, client=client_address(request),
                               minutes=get_settings().pin_reset_minutes)  # fmt: skip
    except TooManyAttempts as wait:
        said = translator(lang)(PROBLEMS["wait"]).format(minutes=wait.minutes())
        page = render(request, "auth/pin_forgot.html", {"phone": phone[:40], "error": said}, 429)
        page.headers["Retry-After"] = str(int(wait.wait.total_seconds()) + 1)
        return page
    return new_pin_page(request, phone[:40])


def new_pin_page(request: Request, phone: str, problem: str = "", status: int = 200) -> Response:
    """Render the form for the code received and the new PIN, with what is wrong if anything."""
    context = {"phone": phone, "minutes": get_settings().pin_reset_minutes, "problem": problem,
               "error": PROBLEMS.get(problem, "")}  # fmt: skip
    return render(request, "auth/pin_new.html", context, status)


@router.post("/signin/pin/new", response_class=HTMLResponse)
def new_pin_submit(
    request: Request, session: SessionDep, lang: Lang, phone: Annotated[str, Form()] = "", code: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "", repeat: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Set the new PIN when the code is right, and sign the trainee in; otherwise say what to change."""
    if new != repeat:
        return new_pin_page(request, phone[:40], "repeat", 400)
    try:
        user = pin_reset.reset_with_code(session=session, phone=phone, code=code.strip(), new_pin=new)
    except ResetCodeInvalid:
        return new_pin_page(request, phone[:40], "code", 400)  # the wrong try is committed with this answer
    except WeakPassword:
        return new_pin_page(request, phone[:40], "pin", 400)
    token = auth_service.start_session(session=session, user=user, hours=get_settings().session_hours)
    return with_session_cookie(request, RedirectResponse("/trainee?done=pin", status_code=303), token)
