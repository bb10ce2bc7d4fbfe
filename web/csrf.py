"""CSRF protection: a signed random token in a cookie, echoed by every form and state-changing API call."""

from __future__ import annotations

import secrets

from fastapi import Request

from web.signing import read_signed_cookie, signer

CSRF_COOKIE = "rdvm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfError(Exception):
    """A state-changing request came without the token of the browser that loaded the form."""


def csrf_token(request: Request) -> str:
    """Return this browser's CSRF token, creating one (to be set as a cookie) when it has none."""
    if hasattr(request.state, "csrf_token"):
        return str(request.state.csrf_token)
    token = _cookie_token(request)
    if token is None:
        token = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_token = token
    return token


def _cookie_token(request: Request) -> str | None:
    return read_signed_cookie(request, CSRF_COOKIE, "csrf")


def signed_cookie_value(token: str) -> str:
    """Return the cookie value that carries a CSRF token."""
    return signer("csrf").dumps(token)


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header does not match the browser's token."""
    if request.method not in UNSAFE_METHODS:
        return
    expected = _cookie_token(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if not expected or not sent or not secrets.compare_digest(expected.encode(), sent.encode()):
        raise CsrfError()
