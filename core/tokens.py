"""Secret tokens sent in links (an invitation, a password reset): only their SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """Return a fresh random token (for the link) and its digest (for the database)."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    """Return the SHA-256 digest of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()
