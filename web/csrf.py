"""CSRF protection: a token echoed by every form and state-changing API call, bound to the browser's session.

A signed-in browser's token is derived from its session (an HMAC of the session's secret token), so a token
works only with the session it was issued for, and signing in (a new session) rotates it. Before signing in,
the token is a random value kept in a signed cookie (the sign-in form, a company's application).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request

from web.config import get_settings
from web.signing import read_signed_cookie, signer

CSRF_COOKIE = "rdvm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: The session cookie (web.deps names it for the sessions themselves).
SESSION_COOKIE = "rdvm_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfError(Exception):
    """A state-changing request came without the token of the browser (and session) that loaded the form."""


def csrf_token(request: Request) -> str:
    """Return this browser's CSRF token: its session's, or a random one (to be set as a cookie) before signing in."""
    if hasattr(request.state, "csrf_token"):
        return str(request.state.csrf_token)
    token = _expected(request)
    if token is None:
        token = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_token = token
    return token


def bind_to_session(request: Request, session_token: str) -> None:
    """Make the pages of this request carry the token of a session it has just opened (signing in, a new password)."""
    request.state.csrf_token = session_bound(session_token)


def session_bound(session_token: str) -> str:
    """Return the CSRF token of a session."""
    key = get_settings().signing_key().encode()
    return hmac.new(key, b"rdvm-csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def _expected(request: Request) -> str | None:
    session_token = read_signed_cookie(request, SESSION_COOKIE, "session")
    if session_token:
        return session_bound(session_token)
    return read_signed_cookie(request, CSRF_COOKIE, "csrf")


def signed_cookie_value(token: str) -> str:
    """Return the cookie value that carries a CSRF token."""
    return signer("csrf").dumps(token)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header does not match the browser's (session's) token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = _expected(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if not expected or not sent or not secrets.compare_digest(expected.encode(), sent.encode()):
        raise CsrfError()
