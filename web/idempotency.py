"""Idempotency-Key on the API's creating calls: a retried request (its reply lost) gets the first reply, not a duplicate.

A client sends any key of its own (a UUID) with a POST that creates something. The first request with that key
is carried out and its reply kept with the key, the account (or, before signing in, the browser's CSRF token)
and a digest of the request; the same key again, from the same account, with the same request, gets the kept
reply back (header `Idempotency-Replayed: true`) and creates nothing. The same key with another request is
refused (422). The key is reserved in the request's own transaction, so two copies sent at once are carried
out once (the second waits for the first, then replays it); a refused request keeps nothing, and may be retried
with its key once corrected. Kept replies are purged after a day by `rdvm jobs`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, delete, select

from core.columns import time_field
from web.csrf import csrf_token
from web.db import SessionDep
from web.deps import CurrentUser

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
MAX_KEY_LENGTH = 255
#: How long a reply is kept for its key (`rdvm jobs` purges older ones).
KEPT = timedelta(days=1)


class IdempotentReply(SQLModel, table=True):
    """The reply to a creating API call sent with an Idempotency-Key, kept for the retries of that call."""

    __tablename__ = "idempotent_reply"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotent_reply_owner_key"),)

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=80, description="user:<id>, or browser:<digest of its CSRF token> before signing in")
    key: str = Field(max_length=MAX_KEY_LENGTH)
    request_digest: str = Field(max_length=64, description="SHA-256 of the method, the path and the body")
    status_code: int = 0
    body: str = Field(default="", description="the reply's JSON")
    created_at: datetime = time_field()


class Replay(Exception):
    """The request repeats one already answered: its kept reply is the answer."""

    def __init__(self, reply: IdempotentReply) -> None:
        self.status_code, self.body = reply.status_code, json.loads(reply.body)
        super().__init__(reply.key)


class KeyRefused(Exception):
    """The Idempotency-Key cannot be used: `code` is the message's (too long, or already used for another request)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass
class Reply:
    """The reply a creating call keeps for its key (nothing is kept without a key)."""

    record: IdempotentReply | None
    status_code: int

    def keep(self, answer: Any) -> Any:
        """Keep the endpoint's answer for the retries of this request, and return it."""
        if self.record is not None:
            self.record.status_code, self.record.body = self.status_code, json.dumps(jsonable_encoder(answer))
        return answer


async def request_digest(request: Request) -> str:
    """Return the SHA-256 of the request's method, path, query and body (what a retry must repeat)."""
    body = await request.body()
    head = f"{request.method} {request.url.path}?{request.url.query}\n".encode()
    return hashlib.sha256(head + body).hexdigest()


def _owner(request: Request, user_id: int | None) -> str:
    if user_id is not None:
        return f"user:{user_id}"
    return "browser:" + hashlib.sha256(csrf_token(request).encode()).hexdigest()[:64]


def _kept(session: Session, owner: str, key: str) -> IdempotentReply | None:
    return session.exec(select(IdempotentReply).where(IdempotentReply.owner == owner, IdempotentReply.key == key)).first()


def _answered(found: IdempotentReply, digest: str) -> Exception:
    """Return what answers a request whose key was used: its reply, or a refusal when the request differs."""
    return Replay(found) if found.request_digest == digest else KeyRefused("idempotency_key_reused")


def idempotency(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    digest: Annotated[str, Depends(request_digest)],
    key: Annotated[
        str | None,
        Header(alias=HEADER, description="Any unique text of the client's (a UUID): a retry with the same key and "
               "request gets the first reply instead of creating again.", json_schema_extra={"maxLength": MAX_KEY_LENGTH}),
    ] = None,
) -> Iterator[Reply]:  # fmt: skip
    """Replay the kept reply of a repeated request; otherwise reserve the key and keep the reply the endpoint gives."""
    status = getattr(request.scope.get("route"), "status_code", None) or 200
    if key is None:
        yield Reply(None, status)
        return
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise KeyRefused("idempotency_key_invalid")
    owner = _owner(request, user.id if user else None)
    found = _kept(session, owner, key)
    if found is not None:
        raise _answered(found, digest)
    record = IdempotentReply(owner=owner, key=key, request_digest=digest)
    try:
        with session.begin_nested():  # the same key sent at once: the second waits here for the first's end
            session.add(record)
    except IntegrityError:
        found = _kept(session, owner, key)
        if found is None:
            raise
        raise _answered(found, digest) from None
    reply = Reply(record, status)
    yield reply
    session.add(record)
    session.flush()


#: The dependency of a creating call: `return reply.keep(answer)`.
Idempotent = Annotated[Reply, Depends(idempotency, scope="function")]


def purge(*, session: Session, now: datetime) -> int:
    """Delete the replies kept longer than a day; return how many."""
    done = session.exec(delete(IdempotentReply).where(col(IdempotentReply.created_at) < now - KEPT))
    return int(done.rowcount or 0)
