"""The administrators' accounts page: find an account, disable it (with a reason) or enable it again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import privacy
from web.auth import service as auth_service
from web.auth.exceptions import AuthError
from web.auth.models import Role, User
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import AdminUser, Lang, Submitted
from web.errors import DomainRoute
from web.messages import N_, done_message, message
from web.pages import render

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

ROLE_NAMES = {Role.admin: N_("Administrateur"), Role.officer: N_("Conseiller"), Role.employer: N_("Société"),
              Role.trainee: N_("Agent"), Role.school: N_("Centre de formation"), Role.auditor: N_("Auditeur")}  # fmt: skip


def accounts_page(request: Request, session: SessionDep, lang: str, viewer: User, *, q: str = "", page: int = 1, done: str = "",
                  errors: dict[int, str] | None = None, status: int = 200) -> Response:  # fmt: skip
    """Render one page of the accounts with their disable or enable forms."""
    found = auth_service.accounts(session=session, search=q, page=page)
    privacy.log_views(session=session, trainee_ids=[a.trainee_id for a in found.rows], viewer=viewer, page="admin_accounts")
    base = f"/officer/accounts?{urlencode({'q': q})}&" if q else "/officer/accounts?"  # the page links keep the search
    context: dict[str, Any] = {"found": found, "q": q, "done": done_message(done, lang), "errors": errors or {},
                               "role_names": ROLE_NAMES, "base": base}  # fmt: skip
    return render(request, "officer/accounts.html", context, status)


@router.get("/officer/accounts", response_class=HTMLResponse)
def accounts(request: Request, session: SessionDep, lang: Lang, user: AdminUser, q: str = "", page: int = 1,
             done: str = "") -> Response:  # fmt: skip
    """List the accounts (searched by login or name), each with a form to disable or enable it."""
    return accounts_page(request, session, lang, user, q=q, page=page, done=done)


@router.post("/officer/accounts/{user_id}/disable", response_class=HTMLResponse)
def disable(request: Request, session: SessionDep, lang: Lang, user: AdminUser, user_id: int, form: Submitted) -> Response:
    """Disable an account, saying why: it can no longer sign in and its open sessions end."""
    return change_access(request, session, lang, user, user_id, active=False, reason=str(form.get("reason") or ""))


@router.post("/officer/accounts/{user_id}/enable", response_class=HTMLResponse)
def enable(request: Request, session: SessionDep, lang: Lang, user: AdminUser, user_id: int) -> Response:
    """Enable a disabled account again."""
    return change_access(request, session, lang, user, user_id, active=True)


def change_access(request: Request, session: SessionDep, lang: str, by: User, user_id: int, *, active: bool,
                  reason: str = "") -> Response:  # fmt: skip
    """Disable or enable an account; back to the list, or the list with the refusal next to the account."""
    try:
        account = auth_service.account_by_id(session=session, user_id=user_id)
        auth_service.set_access(session=session, user=account, active=active, by=by.id, reason=reason)
    except AuthError as refused:
        status = 404 if refused.code == "account_not_found" else 422
        return accounts_page(request, session, lang, by, errors={user_id: message(refused.code, lang)}, status=status)
    done = "account_enabled" if active else "account_disabled"
    return RedirectResponse(f"/officer/accounts?done={done}#account-{user_id}", status_code=303)
