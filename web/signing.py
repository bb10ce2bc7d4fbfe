"""Signed cookie values (itsdangerous), one salt per purpose."""

from __future__ import annotations

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer

from web.config import get_settings


def signer(purpose: str) -> URLSafeSerializer:
    """Return the signer of cookies for one purpose ("session", "csrf")."""
    return URLSafeSerializer(get_settings().signing_key(), salt=f"rdvm-{purpose}")


def read_signed_cookie(request: Request, name: str, purpose: str) -> str | None:
    """Return a cookie's value when its signature is valid, else None."""
    raw = request.cookies.get(name)
    if not raw:
        return None
    try:
        return str(signer(purpose).loads(raw))
    except BadSignature:
        return None
