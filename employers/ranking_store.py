"""Rankings kept in the database, shared by every web worker, and the queue of changes that re-score them.

Tables:

* ``ranking_work`` — the queue. Any flush that adds, changes or deletes a trainee profile, a placement (a
  trainee in a job is no candidate) or a vacancy writes one row per changed record, in the same transaction
  as the change (a change that is rolled back queues nothing). A bulk ``UPDATE``/``DELETE`` statement on those
  tables queues a full rebuild. ``rdvm worker`` (`employers.ranking_worker`) consumes it.
* ``vacancy_ranking`` — per open vacancy: its best candidates (pseudonymised facts, score, components and
  the reasons in French and English), how many trainees are eligible, the failed requirements with their
  sentences, and bitmaps over trainee ids (eligible; failing each requirement) from which the counts are
  kept exact when one trainee changes. ``ranked_at`` says how fresh it is.
* ``ranking_status`` — one row: the fingerprint the rankings were built with (weights version, taxonomy
  files, engine format), when they were last fully rebuilt, and the worker's heartbeat.

Pages read a stored ranking only while a worker is alive (a heartbeat within ``WORKER_ALIVE_SECONDS``);
without a worker (a fresh database, the tests, a single-process setup) `employers.candidates` ranks in
the process as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Column, LargeBinary, event, insert, or_
from sqlalchemy.orm import ORMExecuteState, defer
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel, col, select

from core.clock import utcnow
from core.columns import json_field, time_field
from employers.models import Placement, Vacancy
from matching.ranking import FORMAT
from profiles.models import TraineeProfile

#: A worker whose heartbeat is older than this is taken to be gone: pages rank in their own process again.
WORKER_ALIVE_SECONDS = 60
#: The kinds of queued work: one changed trainee profile, one changed vacancy, or everything.
TRAINEE, VACANCY, ALL = "trainee", "vacancy", "all"
_BULK = "rdvm_ranking_bulk_change"


class RankingWork(SQLModel, table=True):
    """A change that the rankings have not taken in yet."""

    __tablename__ = "ranking_work"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, description="trainee, vacancy or all")
    ref_id: int = Field(default=0, description="the trainee profile's or vacancy's id (0 for all)")
    queued_at: datetime = time_field()


class StoredRanking(SQLModel, table=True):
    """The stored ranking of one open vacancy."""

    __tablename__ = "vacancy_ranking"

    vacancy_id: int = Field(primary_key=True, foreign_key="vacancy.id", ondelete="CASCADE")
    ranked_at: datetime = time_field()
    eligible_count: int = 0
    pool_count: int = 0
    last_score: float = Field(default=-1.0, description="the lowest stored candidate's score; -1 when none")
    listed: list[int] = json_field([])  # profile ids of the stored candidates, best first
    candidates: list[dict[str, Any]] = json_field([])
    failures: list[Any] = json_field([])  # [key, {"fr": sentence, "en": sentence}] per requirement
    width: int = Field(default=0, description="bits per bitmap row (the largest trainee id + 1)")
    bitmaps: bytes = Field(default=b"", sa_column=Column(LargeBinary, nullable=False))


class RankingStatus(SQLModel, table=True):
    """The rankings' build fingerprint, their last full rebuild, and the worker's heartbeat (one row, id 1)."""

    __tablename__ = "ranking_status"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(default="", max_length=64)
    rebuilt_at: datetime | None = time_field(nullable=True)
    heartbeat_at: datetime | None = time_field(nullable=True)
    rebuilding: bool = False


# ---------------------------------------------------------------- the queue, filled in the changing transaction


@event.listens_for(OrmSession, "after_flush")
def _queue_changes(session: OrmSession, _context: Any) -> None:
    """Queue the trainees and vacancies this flush added, changed or deleted (same transaction)."""
    rows = sorted({work for obj in (*session.new, *session.dirty, *session.deleted) if (work := _work_of(obj))})
    if rows:
        session.connection().execute(insert(RankingWork), [{"kind": k, "ref_id": i, "queued_at": utcnow()} for k, i in rows])


def _work_of(obj: object) -> tuple[str, int] | None:
    if isinstance(obj, TraineeProfile) and obj.id is not None:
        return TRAINEE, obj.id
    if isinstance(obj, Placement):
        return TRAINEE, obj.trainee_id
    if isinstance(obj, Vacancy) and obj.id is not None:
        return VACANCY, obj.id
    return None


WATCHED = frozenset({TraineeProfile.__tablename__, Placement.__tablename__, Vacancy.__tablename__})


@event.listens_for(OrmSession, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    """Remember an UPDATE or DELETE statement on a watched table: its rows are unknown, so everything is re-ranked."""
    if (state.is_update or state.is_delete) and getattr(getattr(state.statement, "table", None), "name", None) in WATCHED:
        state.session.info[_BULK] = True


@event.listens_for(OrmSession, "before_commit")
def _queue_bulk_changes(session: OrmSession) -> None:
    """Queue a full rebuild for the bulk statements of the committing transaction."""
    if session.info.pop(_BULK, False) and not session.in_nested_transaction():
        session.connection().execute(insert(RankingWork), [{"kind": ALL, "ref_id": 0, "queued_at": utcnow()}])


# ---------------------------------------------------------------- fingerprint and status


@cache
def taxonomy_digest() -> str:
    """Return a digest of the engine's data files (taxonomy, gazetteer, country facts) and its output format."""
    digest = hashlib.sha256(FORMAT.encode())
    folder = Path(__file__).resolve().parent.parent / "matching" / "data"
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(weights_version: int, keep: int) -> str:
    """Return what a stored ranking must have been built with: the weights version, the data files, the list length."""
    return f"w{weights_version}-k{keep}-{taxonomy_digest()}"


def status(session: Session) -> RankingStatus:
    """Return the status row (a blank one when no worker ever ran)."""
    return session.get(RankingStatus, 1) or RankingStatus()


def worker_alive(found: RankingStatus, now: datetime | None = None) -> bool:
    """Return whether a worker's heartbeat is recent enough for pages to read the stored rankings."""
    beat = found.heartbeat_at
    return beat is not None and beat >= (now or utcnow()) - timedelta(seconds=WORKER_ALIVE_SECONDS)


# ---------------------------------------------------------------- reading, for pages


@dataclass(frozen=True)
class Stored:
    """A vacancy's stored ranking as pages read it, and whether changes are waiting to be taken in."""

    row: StoredRanking | None
    updating: bool


def stored(session: Session, vacancy_id: int, wanted: str) -> Stored | None:
    """Return the stored ranking of an open vacancy, or None when no worker is alive (the caller ranks itself)."""
    found = status(session)
    if not worker_alive(found):
        return None
    row = session.get(StoredRanking, vacancy_id, options=[defer(cast(Any, StoredRanking.listed))])  # the worker's, not pages'
    mine = (col(RankingWork.kind) == VACANCY) & (col(RankingWork.ref_id) == vacancy_id)
    waiting = select(RankingWork.id).where(or_(col(RankingWork.kind).in_((TRAINEE, ALL)), mine))
    updating = found.rebuilding or found.fingerprint != wanted or session.exec(waiting.limit(1)).first() is not None
    return Stored(row, updating)


def stored_eligible_counts(session: Session, vacancy_ids: Sequence[int] | None = None) -> dict[str, int] | None:
    """Return the stored eligible counts of open vacancies by code (of these vacancies only when given), or None when no
    worker is alive."""
    if not worker_alive(status(session)):
        return None
    query = select(Vacancy.code, StoredRanking.eligible_count).join(StoredRanking, col(StoredRanking.vacancy_id) == Vacancy.id)
    if vacancy_ids is not None:
        query = query.where(col(StoredRanking.vacancy_id).in_(vacancy_ids))
    return {code: int(count) for code, count in session.exec(query)}
