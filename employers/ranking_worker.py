"""The ranking worker (`rdvm worker`): takes queued changes in, re-scoring only what they touch.

One step (`run_step`) reads a batch of the queue (`employers.ranking_store`) and:

* **rebuilds everything** when the fingerprint changed (weights adopted or rolled back, new taxonomy files,
  another list length), when no ranking was ever built, when a bulk change or more changed trainees than
  ``BULK_SHARE`` of the pool are queued, or when the last rebuild is older than the rebuild interval. One
  engine pass over every consenting trainee and every open vacancy; the reasons are written in French and
  English from the same scores;
* re-scores **changed vacancies** against every trainee (the open ones are scored in the context of all
  open vacancies, so their text weights are those of a full pass; the others lose their stored ranking);
* re-scores **changed trainees** against every open vacancy (a few trainees × all vacancies: fractions of a
  second), then, per vacancy, updates the eligible and requirement bitmaps and merges them into the stored
  list. A vacancy whose list lost a candidate it cannot replace is re-scored against every trainee.

Between steps the worker's process keeps the pool (every candidate's exchange record and facts) and its
engine preparation (`Kept`): a step re-reads only the changed trainees, and prepares the engine again only
when the pool or the weights changed. A changed vacancy costs encoding the open vacancies again (the kept
trainees' encoding is reused: `matching.scoring.revise`) and the scoring of that vacancy; a changed trainee,
encoding that trainee (the open vacancies' encoding is kept too) and scoring it against every open vacancy.
The copy is dropped whenever it may be stale: another process wrote the status row since (a second
worker's step), the pool's members differ from the database's, a step failed, or a full rebuild.

The work rows are locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (the status row too, so a second
worker waits as a standby); on SQLite one worker runs, it computes outside a write transaction and writes
in a short one. A row queued while the step runs is taken by the next step.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, delete, func
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from core.clock import utcnow
from core.queries import where_in
from employers import weights
from employers.candidates import Pool, TraineeFacts, load_pool, pool_query
from employers.models import Employer, Vacancy, VacancyStatus
from employers.ranking_store import (
    ALL,
    TRAINEE,
    VACANCY,
    RankingStatus,
    RankingWork,
    StoredRanking,
    fingerprint,
    status,
)
from matching.config import ScoringConfig
from matching.explain import Explainer
from matching.models import Trainee as ExchangeTrainee
from matching.models import Vacancy as ExchangeVacancy
from matching.ranking import rank_block
from matching.scoring import Block, Prepared, prepare, revise, score_block, score_blocks

log = logging.getLogger(__name__)

#: Candidates stored beyond those shown, so a candidate who drops out is replaced without re-ranking.
MARGIN = 10
#: Queue rows taken per step.
BATCH = 5000
#: Changed trainees above this share of the pool make a full rebuild (cheaper than merging them one by one).
BULK_SHARE = 0.2
LANGS = ("fr", "en")


@dataclass
class StepReport:
    """What one step did."""

    rebuilt: bool = False
    vacancies: int = 0  # vacancy rankings written
    trainees: int = 0  # changed trainees taken in
    work: int = 0  # queue rows consumed
    seconds: float = 0.0
    standby: bool = False  # another worker holds the lease (PostgreSQL)

    def describe(self) -> str:
        """Return the step in one line."""
        if self.standby:
            return "standby: another worker is ranking"
        kind = "full rebuild" if self.rebuilt else "incremental"
        done = f"{self.work} change(s), {self.trainees} trainee(s), {self.vacancies} vacancy ranking(s)"
        return f"{kind}: {done} in {self.seconds:.2f} s"


@dataclass
class Context:
    """What a step reads before computing."""

    config: ScoringConfig
    keep: int
    wanted: str
    open_rows: list[tuple[int, ExchangeVacancy]]  # (vacancy id, exchange record), by code
    work: list[RankingWork]
    status: RankingStatus
    covered: list[int] = field(default_factory=list)  # the changes a full rebuild takes in (seen before the data)


# ---------------------------------------------------------------- ranking rows in both languages


@dataclass
class Ranked:
    """One vacancy's computed ranking, ready to store."""

    vacancy_id: int
    candidates: list[dict[str, Any]]
    eligible_count: int
    failures: list[Any]
    bits: NDArray[np.bool_]  # [1 + requirements, width]: eligible, then failing each requirement


def _candidate(facts: Any, score: float, components: dict[str, float], reasons: dict[str, list[str]]) -> dict[str, Any]:
    found = asdict(facts)
    if found.get("available_from") is not None:  # a date: stored as its ISO text (a JSON column)
        found["available_from"] = found["available_from"].isoformat()
    found.update(score=score, components=components, reasons=reasons)
    return found


def rank_rows(p: Prepared, pool: Pool, blocks: Iterable[Block], ids: Sequence[int], *, keep: int, width: int) -> Iterable[Ranked]:
    """Yield the ranking of each vacancy row of the blocks: candidates with reasons in both languages, bitmaps."""
    explainers = {lang: Explainer(p, lang) for lang in LANGS}  # type: ignore[arg-type]
    profile_of = np.array([pool.facts[code].profile_id for code in p.trainees.ids], dtype=np.intp)
    for block in blocks:
        fr, en = (list(rank_block(block, explainers[lang], top=keep, near=0)) for lang in LANGS)
        for row, (ranked, english) in enumerate(zip(fr, en, strict=True)):
            items = {lang: explainers[lang].failure_items(block, row) for lang in LANGS}
            bits = np.zeros((1 + len(items["fr"]), width), dtype=bool)
            bits[0, profile_of[block.eligible[row]]] = True
            for k, (_, _, failed) in enumerate(items["fr"]):
                bits[1 + k, profile_of[failed]] = True
            listed = [_candidate(pool.facts[c.trainee_id], c.score, c.components, {"fr": c.reasons, "en": e.reasons})
                      for c, e in zip(ranked.candidates, english.candidates, strict=True)]  # fmt: skip
            pairs = zip(items["fr"], items["en"], strict=True)
            failures = [[key, {"fr": text, "en": other[1]}] for (key, text, _), other in pairs]
            yield Ranked(ids[block.rows.start + row], listed, ranked.eligible_count, failures, bits)


def store(session: Session, ranked: Ranked, pool_count: int) -> None:
    """Write one vacancy's ranking (insert or replace)."""
    row = session.get(StoredRanking, ranked.vacancy_id) or StoredRanking(vacancy_id=ranked.vacancy_id)
    row.ranked_at, row.eligible_count, row.pool_count = utcnow(), ranked.eligible_count, pool_count
    row.candidates, row.listed = ranked.candidates, [c["profile_id"] for c in ranked.candidates]
    row.last_score = ranked.candidates[-1]["score"] if ranked.candidates else -1.0
    row.failures, row.width = ranked.failures, int(ranked.bits.shape[1])
    row.bitmaps = np.packbits(ranked.bits, axis=1).tobytes()
    session.add(row)


def bitmaps_of(row: StoredRanking, width: int) -> NDArray[np.bool_]:
    """Return a stored ranking's bitmaps, widened to `width` bits."""
    rows = 1 + len(row.failures)
    packed = np.frombuffer(row.bitmaps, dtype=np.uint8).reshape(rows, -1) if row.bitmaps else np.zeros((rows, 0), np.uint8)
    bits = np.unpackbits(packed, axis=1, count=row.width).astype(bool) if row.width else np.zeros((rows, 0), bool)
    out = np.zeros((rows, max(width, row.width)), dtype=bool)
    out[:, : bits.shape[1]] = bits
    return out


# ---------------------------------------------------------------- what the worker's process keeps between steps


@dataclass
class Kept:
    """The pool and its engine preparation, kept between steps (valid while this process alone took changes in)."""

    database: str = ""
    heartbeat: datetime | None = None  # the heartbeat this process wrote last; another one: someone else wrote
    members: dict[int, tuple[ExchangeTrainee, TraineeFacts]] = field(default_factory=dict)  # by profile id
    unusable: set[int] = field(default_factory=set)  # candidates whose profile does not validate (left out)
    pool: Pool | None = None
    prepared: tuple[Any, Prepared] | None = None  # (what it was prepared from, the preparation)
    vacancies_alone: tuple[Any, Prepared] | None = None  # the open vacancies prepared without trainees (`prepare_few`)

    def usable(self, database: str, heartbeat: datetime | None) -> bool:
        """Return whether the kept pool is this database's as this process last left it."""
        return self.pool is not None and self.database == database and heartbeat is not None and heartbeat == self.heartbeat

    def reset(self, session: Session, pool: Pool) -> None:
        """Keep a pool just read whole."""
        self.members = {f.profile_id: (record, f) for record, f in zip(pool.trainees, _facts(pool), strict=True)}
        self.unusable = set(pool_ids(session)) - set(self.members)
        self.database, self.pool, self.prepared = _database(session), pool, None

    def update(self, session: Session, changed: Sequence[int], fresh: Pool) -> bool:
        """Take in the changed trainees as just read (`fresh`); return False when the pool no longer matches the database."""
        for profile_id in changed:
            self.members.pop(profile_id, None)
            self.unusable.discard(profile_id)
        self.members.update({f.profile_id: (record, f) for record, f in zip(fresh.trainees, _facts(fresh), strict=True)})
        order = pool_ids(session)
        self.unusable |= set(changed) & set(order) - set(self.members)
        if set(order) != set(self.members) | self.unusable:
            return False
        listed = [self.members[i] for i in order if i in self.members]
        self.pool, self.prepared = Pool(tuple(r for r, _ in listed), {f.code: f for _, f in listed}), None
        return True

    def prepare(self, pool: Pool, records: list[ExchangeVacancy], config: ScoringConfig) -> Prepared:
        """Return the engine's preparation of the pool and the open vacancies: the kept one while neither changed,
        revised (only the vacancies encoded again) when only the vacancies did, else prepared again."""
        if self.prepared is not None:
            (pool_before, records_before, config_before), found = self.prepared
            if pool_before is pool and config_before == config:
                if records_before != records:
                    found = revise(found, vacancies=records)
                    self.prepared = ((pool, records, config), found)
                return found
        self.prepared = ((pool, records, config), prepare(pool.trainees, records, config))
        return self.prepared[1]

    def prepare_few(self, trainees: Sequence[ExchangeTrainee], records: list[ExchangeVacancy], config: ScoringConfig) -> Prepared:
        """Return the engine's preparation of a few trainees and the open vacancies: only the trainees are encoded when
        the open vacancies are those kept (prepared alone)."""
        if self.vacancies_alone is None or self.vacancies_alone[0] != (records, config):
            self.vacancies_alone = ((records, config), prepare([], records, config))
        return revise(self.vacancies_alone[1], trainees=trainees)


_kept = Kept()


def _facts(pool: Pool) -> list[TraineeFacts]:
    return [pool.facts[record.id] for record in pool.trainees]


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def pool_ids(session: Session) -> list[int]:
    """Return the candidates' profile ids in the pool's order (by code)."""
    from profiles.models import TraineeProfile

    query = pool_query().with_only_columns(col(TraineeProfile.id)).order_by(col(TraineeProfile.code))
    return [int(i) for i in session.exec(query)]


def current_pool(session: Session, lease: RankingStatus) -> Pool:
    """Return the kept pool when this process may still trust it, else the pool read again (and kept)."""
    if _kept.usable(_database(session), lease.heartbeat_at):
        assert _kept.pool is not None
        return _kept.pool
    _kept.reset(session, load_pool(session))
    assert _kept.pool is not None
    return _kept.pool


def forget_kept() -> None:
    """Drop what the worker's process keeps between steps (tests; after a failed step)."""
    _kept.pool, _kept.prepared, _kept.vacancies_alone, _kept.heartbeat = None, None, None, None


# ---------------------------------------------------------------- reading a step's context


def open_rows(session: Session) -> list[tuple[int, ExchangeVacancy]]:
    """Return every open vacancy's id and exchange record, by code."""
    query = select(Vacancy, Employer.name).join(Employer).where(Vacancy.status == VacancyStatus.open).order_by(col(Vacancy.code))
    return [(cast(int, v.id), v.to_exchange(name)) for v, name in session.exec(query)]


def take_work(session: Session, limit: int | None = None) -> list[RankingWork]:
    """Return the oldest queued changes, locked for this worker on PostgreSQL (others skip them)."""
    query = select(RankingWork).order_by(col(RankingWork.id)).limit(limit or BATCH)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.exec(query))


def take_lease(session: Session) -> RankingStatus | None:
    """Return the status row locked for this worker (PostgreSQL: None when another worker holds it); create it if absent."""
    if session.get(RankingStatus, 1) is None:
        session.add(RankingStatus(id=1))
        session.commit()
    query = select(RankingStatus).where(RankingStatus.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def pool_count(session: Session) -> int:
    """Return how many trainees are candidates (consenting, not placed, not gone)."""
    return int(session.exec(select(func.count()).select_from(pool_query().subquery())).one())


# ---------------------------------------------------------------- the step


def run_step(engine: Engine, *, top: int, rebuild_after: timedelta | None = None, full: bool = False) -> StepReport:
    """Take one batch of queued changes into the stored rankings; return what was done."""
    start = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    with Session(engine.execution_options(sqlite_begin="DEFERRED")) as session:
        lease = take_lease(session)
        if lease is None:
            return StepReport(standby=True)
        config = weights.current_config(session=session)
        keep = top + MARGIN
        context = Context(config, keep, fingerprint(config.weights_version, keep), open_rows(session), take_work(session), lease)
        stale = rebuild_after is not None and (lease.rebuilt_at is None or lease.rebuilt_at < utcnow() - rebuild_after)
        try:
            writes, report = _compute(engine, session, context, full=full or stale)
            report.work = len({w.id for w in context.work} | set(context.covered))
            if postgres:
                _write(session, context, writes, rebuilt=report.rebuilt)
            else:
                session.rollback()  # end the read snapshot; write in a short BEGIN IMMEDIATE transaction
                with Session(engine) as writer:
                    _write(writer, context, writes, rebuilt=report.rebuilt)
        except BaseException:
            forget_kept()  # it may hold changes whose work was not consumed, or miss some
            raise
    report.vacancies = sum(1 for w in writes if isinstance(w, Ranked))
    report.seconds = time.perf_counter() - start
    return report


def _compute(engine: Engine, session: Session, context: Context, *, full: bool) -> tuple[list[Write], StepReport]:
    if full or _needs_rebuild(session, context):
        if engine.dialect.name != "postgresql":
            _mark_rebuilding(engine)
        context.covered = [i for i in session.exec(select(RankingWork.id)) if i is not None]  # seen before the data is read
        return rebuild(session, context), StepReport(rebuilt=True)
    if context.work:
        return incremental(session, context)
    return [], StepReport()


def _needs_rebuild(session: Session, context: Context) -> bool:
    if context.status.fingerprint != context.wanted or context.status.rebuilt_at is None:
        return True
    if any(w.kind == ALL for w in context.work):
        return True
    changed = {w.ref_id for w in context.work if w.kind == TRAINEE}
    vacancies = {w.ref_id for w in context.work if w.kind == VACANCY}
    if len(vacancies) > max(20, BULK_SHARE * len(context.open_rows)):
        return True
    return len(changed) > 50 and len(changed) > BULK_SHARE * pool_count(session)  # counted only when it may matter


def _mark_rebuilding(engine: Engine) -> None:
    with Session(engine) as session:
        found = session.get(RankingStatus, 1)
        if found is not None:
            found.rebuilding = True
            session.add(found)
            session.commit()


Write = Ranked | int  # a ranking to store, or the id of a vacancy whose stored ranking goes


def rebuild(session: Session, context: Context) -> list[Write]:
    """Rank every open vacancy against every candidate; return the rankings and the stored ones to drop."""
    _kept.reset(session, load_pool(session))
    assert _kept.pool is not None
    ids = [i for i, _ in context.open_rows]
    writes: list[Write] = list(rescore(_kept.pool, context, ids, width=_width(session)))
    stored_ids = set(session.exec(select(StoredRanking.vacancy_id)))
    return writes + sorted(stored_ids - set(ids))


def rescore(pool: Pool, context: Context, only: Iterable[int], *, width: int) -> Iterable[Ranked]:
    """Rank some open vacancies (all when `only` is every one) in the context of all open vacancies."""
    records = [r for _, r in context.open_rows]
    ids = [i for i, _ in context.open_rows]
    wanted = set(only)
    if not records or not pool.trainees:
        return [Ranked(i, [], 0, [], np.zeros((1, width), dtype=bool)) for i in ids if i in wanted]
    p = _kept.prepare(pool, records, context.config)
    if wanted == set(ids):
        blocks: Iterable[Block] = score_blocks(p)
    else:
        blocks = (score_block(p, slice(r, r + 1)) for r, i in enumerate(ids) if i in wanted)
    return list(rank_rows(p, pool, blocks, ids, keep=context.keep, width=width))


def _width(session: Session) -> int:
    from profiles.models import TraineeProfile

    return int(session.exec(select(func.max(TraineeProfile.id))).one() or 0) + 1


def incremental(session: Session, context: Context) -> tuple[list[Write], StepReport]:
    """Take changed vacancies and trainees in; return the writes."""
    open_ids = {i for i, _ in context.open_rows}
    changed_vacancies = {w.ref_id for w in context.work if w.kind == VACANCY}
    changed_trainees = sorted({w.ref_id for w in context.work if w.kind == TRAINEE})
    width = _width(session)
    writes: list[Write] = [*sorted(changed_vacancies - open_ids)]  # closed, filled, back to draft, deleted: dropped
    redo = changed_vacancies & open_ids
    if changed_trainees:
        fresh = load_pool(session, ids=changed_trainees)
        keep_up(session, context.status, changed_trainees, fresh)
        merged, unresolved = merge_trainees(session, context, fresh, changed_trainees, redo, width)
        writes += merged
        redo |= unresolved
    if redo:
        writes += list(rescore(current_pool(session, context.status), context, redo, width=width))
    return writes, StepReport(trainees=len(changed_trainees))


def keep_up(session: Session, lease: RankingStatus, changed: list[int], fresh: Pool) -> None:
    """Take changed trainees into the kept pool; drop it when it cannot be trusted (it is read whole when next needed)."""
    if not (_kept.usable(_database(session), lease.heartbeat_at) and _kept.update(session, changed, fresh)):
        forget_kept()


def merge_trainees(
    session: Session, context: Context, pool: Pool, changed: list[int], skip: set[int], width: int
) -> tuple[list[Ranked], set[int]]:
    """Re-score changed trainees (`pool`: those still candidates) against every open vacancy, merge them into the rankings.

    Return the merged rankings and the vacancies that need a full re-score (no stored ranking, or a list that
    lost a candidate it cannot replace from what is stored).
    """
    light = select(StoredRanking).options(defer(cast(Any, StoredRanking.candidates)))  # read only for the lists that change
    stored_rows = {r.vacancy_id: r for r in session.exec(light)}
    records = [r for _, r in context.open_rows]
    ids = [i for i, _ in context.open_rows]
    fresh: dict[int, Ranked] = {}
    if pool.trainees and records:
        p = _kept.prepare_few(pool.trainees, records, context.config)
        fresh = {r.vacancy_id: r for r in rank_rows(p, pool, score_blocks(p), ids, keep=len(pool.trainees), width=width)}
    changed_ids = np.array(changed, dtype=np.intp)
    _load_candidates(
        session, [r for i, r in stored_rows.items() if i not in skip and _may_change(r, fresh.get(i), changed, context.keep)]
    )
    merged: list[Ranked] = []
    unresolved: set[int] = set()
    for vacancy_id in ids:
        if vacancy_id in skip:
            continue
        row = stored_rows.get(vacancy_id)
        if row is None:
            unresolved.add(vacancy_id)
            continue
        result = merge_one(row, fresh.get(vacancy_id), changed_ids, keep=context.keep, width=width)
        if result is None:
            unresolved.add(vacancy_id)
        elif result is not NOTHING:
            merged.append(result)
    return merged, unresolved


def _may_change(row: StoredRanking, fresh: Ranked | None, changed: list[int], keep: int) -> bool:
    """Return whether merging may read the row's candidates: a changed trainee is listed, or may enter the list."""
    if set(row.listed) & set(changed):
        return True
    return fresh is not None and any(len(row.listed) < keep or c["score"] >= row.last_score for c in fresh.candidates)


def _load_candidates(session: Session, rows: list[StoredRanking]) -> None:
    """Read the deferred candidates of these stored rankings in one query per thousand (not one query each)."""
    by_id = {row.vacancy_id: row for row in rows}
    query = select(StoredRanking.vacancy_id, StoredRanking.candidates)
    for vacancy_id, candidates in where_in(session, query, StoredRanking.vacancy_id, by_id):
        set_committed_value(by_id[vacancy_id], "candidates", candidates)


NOTHING = Ranked(0, [], 0, [], np.zeros((1, 0), dtype=bool))


def merge_one(row: StoredRanking, fresh: Ranked | None, changed: NDArray[np.intp], *, keep: int, width: int) -> Ranked | None:
    """Return a stored ranking with the changed trainees' new standing (NOTHING when unchanged, None to re-score all)."""
    bits = bitmaps_of(row, width)
    before = bits.copy()
    bits[:, changed[changed < bits.shape[1]]] = False
    failures = [list(item) for item in row.failures]
    if fresh is not None:
        index = {key: k for k, (key, _) in enumerate(failures)}
        for k, (key, labels) in enumerate(fresh.failures):
            if key not in index:
                index[key] = len(failures)
                failures.append([key, labels])
                bits = np.vstack([bits, np.zeros((1, bits.shape[1]), dtype=bool)])
                before = np.vstack([before, np.zeros((1, before.shape[1]), dtype=bool)])
            bits[1 + index[key], : fresh.bits.shape[1]] |= fresh.bits[1 + k]
        bits[0, : fresh.bits.shape[1]] |= fresh.bits[0]
    gone = set(changed.tolist())
    entering = [c for c in (fresh.candidates if fresh is not None else []) if _above_stored_end(row, c, keep)]
    touched = bool(set(row.listed) & gone) or bool(entering)
    if not touched and np.array_equal(before, bits):
        return NOTHING
    kept = [c for c in row.candidates if c["profile_id"] not in gone]
    listed = sorted(kept + entering, key=_best_first)[:keep]
    eligible = int(bits[0].sum())
    if len(listed) < min(keep, eligible):
        return None  # someone left the list or fell below its end, and the next best are not stored
    return Ranked(row.vacancy_id, listed, eligible, failures, bits)


def _best_first(candidate: dict[str, Any]) -> tuple[float, str]:
    return -candidate["score"], candidate["code"]


def _above_stored_end(row: StoredRanking, candidate: dict[str, Any], keep: int) -> bool:
    """Return whether a candidate ranks among the stored ones: above the last stored, or anywhere when all were stored."""
    if len(row.listed) < keep or candidate["score"] != row.last_score:
        return len(row.listed) < keep or candidate["score"] > row.last_score
    return _best_first(candidate) < _best_first(row.candidates[-1])


def _write(session: Session, context: Context, writes: Sequence[Write], *, rebuilt: bool) -> None:
    """Store the computed rankings, drop those of vacancies no longer open, consume the work, beat the heart."""
    count = pool_count(session)
    ranked_ids = [item.vacancy_id for item in writes if isinstance(item, Ranked)]
    existing = _still_there(session, ranked_ids)
    for item in writes:
        if isinstance(item, Ranked):
            if item.vacancy_id in existing:  # deleted meanwhile: nothing to store
                store(session, item, count)
        else:
            session.exec(delete(StoredRanking).where(col(StoredRanking.vacancy_id) == item))
    done = context.covered + [w.id for w in context.work if w.id is not None]
    for start in range(0, len(done), 1000):
        session.exec(delete(RankingWork).where(col(RankingWork.id).in_(done[start : start + 1000])))
    found = session.get(RankingStatus, 1) or RankingStatus(id=1)
    found.heartbeat_at, found.rebuilding = utcnow(), False
    if rebuilt:
        found.fingerprint, found.rebuilt_at = context.wanted, utcnow()
    session.add(found)
    session.commit()
    _kept.heartbeat = found.heartbeat_at


def _still_there(session: Session, vacancy_ids: list[int]) -> set[int]:
    """Return which of these vacancies still exist, their stored rankings read into the session (without the lists)."""
    light = select(StoredRanking).options(defer(cast(Any, StoredRanking.candidates)), defer(cast(Any, StoredRanking.bitmaps)))
    where_in(session, light, StoredRanking.vacancy_id, vacancy_ids)  # store() then finds them without a query
    return set(where_in(session, select(Vacancy.id), Vacancy.id, vacancy_ids))


def beat(engine: Engine) -> None:
    """Record that a worker is alive (pages then read the stored rankings)."""
    with Session(engine) as session:
        found = status(session)
        found.heartbeat_at = beat_at = utcnow()
        session.add(session.merge(found))
        session.commit()
    if _kept.heartbeat is not None:
        _kept.heartbeat = beat_at  # this process's own heartbeat leaves what it keeps valid


def run_forever(
    engine: Engine, *, top: int, poll_seconds: float, rebuild_after: timedelta | None, say: Callable[[str], None],
    stop: Callable[[], bool] = lambda: False,
) -> None:  # fmt: skip
    """Run steps until `stop()` says so: a step when work is queued, a heartbeat at least every few seconds."""
    last_beat = 0.0
    while not stop():
        try:
            report = run_step(engine, top=top, rebuild_after=rebuild_after)
        except Exception:  # one failed step (a database restart) must not end the worker: log, wait, retry
            log.exception("ranking step failed; retrying")
            time.sleep(max(poll_seconds, 1.0))
            continue
        if report.work or report.rebuilt:
            say(report.describe())
            last_beat = time.monotonic()
            continue
        if time.monotonic() - last_beat > 5:
            beat(engine)
            last_beat = time.monotonic()
        time.sleep(poll_seconds)
