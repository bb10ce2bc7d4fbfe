"""The audit trail: one event per change anyone (or the system) made, with who, when, what and why.

Every package below the web writes its changes' events here through `record`, in the transaction of the
change itself, so a change and its event are written together or not at all.

The trail is tamper-evident: a hash chain. Each event gets, when its transaction commits, its place in the
chain (``seq``: 1, 2, 3… with no gap), the hash of the event before it (``prev_hash``) and its own ``hash``,
the SHA-256 of its content and ``prev_hash`` (`canonical` says exactly what is hashed). Editing an event
changes its hash; deleting one leaves a gap and breaks the next link; `verify` finds the first break.
Chaining happens in one place, a ``before_commit`` listener on every session (installed when this module is
imported, as it is by every table): it takes the chain's lock, reads the chain's end and chains the events the
transaction wrote. On PostgreSQL the lock is a transaction-level advisory lock, so concurrent transactions
append one after the other and it is released by their commit; taken last, after the transaction's other
writes, it never waits on a row lock held by a waiting transaction (no deadlock). SQLite transactions already
run one at a time (web.db's BEGIN IMMEDIATE). The unique ``seq`` refuses any other way two events could claim
one place.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Index, event, text
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel, col, select

from core.columns import json_field, time_field


class AuditEvent(SQLModel, table=True):
    """One change: who made it (none for the system), to which record, the state it moved from and to, and why.

    ``entity`` names the kind of record (offer, placement, vacancy, employer, trainee, cohort, follow_up,
    import…) and ``action`` what was done to it; ``from_state``/``to_state`` are set for moves between states.
    The trainee, vacancy and company concerned are kept apart so each one's trail is a query.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = time_field()
    actor_id: int | None = Field(default=None, foreign_key="user.id", description="none for the system")
    entity: str = Field(max_length=24, description="the kind of record changed, e.g. offer")
    entity_id: int | None = Field(default=None, description="the record's id, none for a change of many (an import)")
    action: str = Field(default="", max_length=32, description="what was done, e.g. publish, end, import")
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str | None = Field(default=None, max_length=24)
    reason: str | None = Field(default=None, description="as written by the actor (a decline: its DeclineReason code)")
    cause: str | None = Field(default=None, max_length=24, description="the move's cause code when nobody wrote one")
    vacancy_id: int | None = Field(default=None, foreign_key="vacancy.id", index=True)
    trainee_id: int | None = Field(default=None, foreign_key="trainee_profile.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    details: dict[str, Any] | None = json_field(None)
    seq: int | None = Field(default=None, unique=True, index=True, description="place in the hash chain; set at commit")
    prev_hash: str | None = Field(default=None, max_length=64, description="the previous event's hash; none for the first")
    hash: str | None = Field(default=None, max_length=64, description="SHA-256 of `canonical` (hex); set at commit")
    salt: str | None = Field(default=None, max_length=32, description="random; the reason's and details' digests use it; "
                             "none once they are erased")  # fmt: skip


def record(
    session: Session, *, actor_id: int | None, entity: str, entity_id: int | None, action: str,
    from_state: str | None = None, to_state: str | None = None, reason: str | None = None, cause: str | None = None,
    trainee_id: int | None = None, vacancy_id: int | None = None, employer_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:  # fmt: skip
    """Add the event of a change to the session (written with the change's transaction, chained at its commit)."""
    event = AuditEvent(actor_id=actor_id, entity=entity, entity_id=entity_id, action=action, from_state=from_state,
                       to_state=to_state, reason=reason, cause=cause, trainee_id=trainee_id, vacancy_id=vacancy_id,
                       employer_id=employer_id, details=details, salt=secrets.token_hex(16))  # fmt: skip
    session.add(event)
    session.flush()
    return event


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Return the names of the fields whose value differs between two snapshots of a record, sorted (an edit's details)."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


# ---------------------------------------------------------------- the hash chain

#: The fields an event's hash covers, besides ``prev_hash`` (the database's ``id`` is not content).
CONTENT = ("seq", "at", "actor_id", "entity", "entity_id", "action", "from_state", "to_state", "reason", "cause",
           "vacancy_id", "trainee_id", "employer_id", "details")  # fmt: skip
#: The PostgreSQL advisory lock the appenders of the chain take ("rdvmaudt" as a number).
CHAIN_LOCK = 0x7264766D61756474
_PENDING = "audit_events_pending"


#: What an erased reason starts with, and the only key of erased details: the digest they had follows.
ERASED = "erased:"


def canonical(values: Mapping[str, Any]) -> str:
    """Return the text an event's hash is taken of: its content fields and prev_hash as sorted-key JSON.

    Times are written in UTC in ISO 8601 (a naive time is taken to be UTC), None as null, no spaces, and
    non-ASCII characters as themselves (the text is encoded in UTF-8 to be hashed). The free texts (``reason``,
    ``details``) enter by their salted digest (`sealed`), so erasing them keeps the digest and the chain holds.
    """
    content = {name: _plain(values[name]) for name in (*CONTENT, "prev_hash")}
    for name in SEALED:
        content[name] = sealed(values[name], values.get("salt"))
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: The fields that may name a person and can be erased without breaking the chain.
SEALED = ("reason", "details")


def sealed(value: Any, salt: str | None) -> str | None:
    """Return the digest a reason or details enter the hash by: SHA-256 of the salt and the value, or the digest an
    erased value kept."""
    if value is None:
        return None
    if isinstance(value, str) and value.startswith(ERASED):
        return value.removeprefix(ERASED)
    if isinstance(value, dict) and set(value) == {"erased"}:
        return str(value["erased"])
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{salt or ''}\x1f{text}".encode()).hexdigest()


def erase(event: AuditEvent) -> bool:
    """Replace an event's reason and details by the digests they enter the hash by, and drop its salt: the texts are
    gone (the salt with them, so they cannot be guessed back) and the chain still holds. Return whether it changed."""
    if event.reason is None and event.details is None:
        return False
    reason, details = sealed(event.reason, event.salt), sealed(event.details, event.salt)
    event.reason = None if reason is None else ERASED + reason
    event.details = None if details is None else {"erased": details}
    event.salt = None
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()
    return value


def event_hash(values: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) of an event's canonical text."""
    return hashlib.sha256(canonical(values).encode()).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in (*CONTENT, "prev_hash", "salt")}


@event.listens_for(OrmSession, "before_flush")
def _note_new_events(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Remember that the transaction wrote events, so its commit chains them (and a commit without any costs nothing)."""
    if any(isinstance(added, AuditEvent) for added in session.new):
        session.info[_PENDING] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_inserted_events(state: ORMExecuteState) -> None:
    """Remember events written by an INSERT statement (a bulk load) too: they are chained at commit like the others."""
    if state.is_insert and getattr(getattr(state.statement, "table", None), "name", None) == AuditEvent.__tablename__:
        state.session.info[_PENDING] = True


@event.listens_for(OrmSession, "before_commit")
def _chain_on_commit(session: OrmSession) -> None:
    """Chain the events the committing transaction wrote (a savepoint's release waits for the real commit)."""
    if session.in_nested_transaction():
        return
    if session.info.get(_PENDING) or any(isinstance(added, AuditEvent) for added in session.new):
        session.flush()
        chain_pending(session)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def chain_pending(session: OrmSession) -> int:
    """Give every event not chained yet its seq, prev_hash and hash after the chain's end, in id order; return how many."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    seq, prev = _chain_end(session)
    unchained = select(AuditEvent).where(col(AuditEvent.seq).is_(None)).order_by(col(AuditEvent.id))
    events = list(session.scalars(unchained.execution_options(populate_existing=True)))  # as stored, to hash that
    for pending in events:
        seq += 1
        pending.seq, pending.prev_hash = seq, prev
        pending.hash = prev = event_hash(_fields(pending))
    session.flush()
    return len(events)


def _chain_end(session: OrmSession) -> tuple[int, str | None]:
    """Return the last chained event's seq and hash (0 and None for an empty chain)."""
    chained = col(AuditEvent.seq)
    last = session.execute(select(chained, AuditEvent.hash).where(chained.is_not(None)).order_by(chained.desc()).limit(1)).first()
    return (int(last[0]), last[1]) if last else (0, None)


BreakKind = Literal["gap", "link", "content", "unchained"]


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the event (its seq and id), what is wrong, what was expected and found."""

    seq: int | None
    event_id: int
    problem: BreakKind
    expected: str | None
    found: str | None


@dataclass(frozen=True)
class ChainCheck:
    """What `verify` found: how many events it checked, and the first break (None: the chain holds)."""

    checked: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        """Return whether the whole chain holds."""
        return self.broken is None


def verify(session: Session) -> ChainCheck:
    """Recompute the chain in seq order and return how many events hold up to the first break (a gap, a broken link,
    an edited content, or an event outside the chain)."""
    checked, expected_seq, prev = 0, 1, None
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    in_order = select(table).where(table.c.seq.is_not(None)).order_by(table.c.seq).execution_options(yield_per=1000)
    with session.connection().execute(in_order) as rows:  # a batch at a time: the trail can be long
        for row in rows:
            broken = _break_in(row._mapping, expected_seq, prev)
            if broken is not None:
                return ChainCheck(checked, broken)
            checked, expected_seq, prev = checked + 1, expected_seq + 1, row.hash
    outside = session.exec(select(AuditEvent.id).where(col(AuditEvent.seq).is_(None)).order_by(col(AuditEvent.id))).first()
    if outside is not None:
        return ChainCheck(checked, Break(None, outside, "unchained", str(expected_seq), None))
    return ChainCheck(checked, None)


def _break_in(row: Mapping[Any, Any], expected_seq: int, prev: str | None) -> Break | None:
    """Return what is wrong with one event of the chain, given the seq and previous hash it should have, or None."""
    seq, event_id = int(row["seq"]), int(row["id"])
    if seq != expected_seq:
        return Break(seq, event_id, "gap", str(expected_seq), str(seq))
    if row["prev_hash"] != prev:
        return Break(seq, event_id, "link", prev, row["prev_hash"])
    recomputed = event_hash(row)
    if row["hash"] != recomputed:
        return Break(seq, event_id, "content", recomputed, row["hash"])
    return None
