"""The programme's history in the database — cohorts, placements, follow-ups — as INDICATORS.md's records, both ways.

Out: every stored cohort, placement, follow-up (and trainee) becomes the record a history file holds, checked by
profiles.history's models like a file's record, so an export is a file `rdvm evaluate` reads and the database
evaluated directly (`stored_history`) gives the same figures as its export.

In: a parsed history file is checked against the database (`database_issues`: unknown trainee or placement,
overlaps with stored placements, a follow-up done before its stored placement's start, a follow-up or placement
recorded in the application that the file would change), then its records are created or updated by id
(`store_records`; a follow-up by placement and month), a record equal to the stored one left untouched — so
re-importing an export changes nothing. Services flush; the caller commits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import repeat
from typing import Any

import numpy as np
from sqlalchemy import Date, Integer, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.sqltypes import NullType
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from core.queries import where_in
from employers import vacancy_status
from employers.models import Employer, EmployerStatus, Employment, EndReason, FollowUp, Placement, Vacancy, VacancyStatus
from matching import exchange
from matching.exchange import Issue, Parsed, RawRecord, WithIssues
from matching.models import Trainee, Training
from matching.normalise import fold
from profiles import cohorts as cohorts_service
from profiles import history
from profiles import service as profiles_service
from profiles.history import HistoryKind
from profiles.history_columns import (
    NEVER,
    FollowUpColumns,
    HistoryColumns,
    Objects,
    PlacementColumns,
    TraineeColumns,
    has_problems,
)
from profiles.models import Cohort, TraineeProfile

#: How the database is named in issues ("no trainee of the database has the id …").
DATABASE = "the database"
#: Placements' fields as a history file names them, in the table's names.
_PLACEMENT_COLUMNS = {"employer": "employer_name", "level": "level", "town": "town", "start_date": "start_date",
                      "end_date": "end_date", "end_reason": "end_reason", "salary_fcfa_month": "salary_fcfa_month"}  # fmt: skip
_FOLLOW_UP_FIELDS = ("done_on", "reached", "employment", "salary_fcfa_month", "economic", "social", "psychosocial")
_COHORT_FIELDS = ("name", "country", "selection_start", "selection_end", "return_date", "training_start", "training_end",
                  "employment_start", "budget_eur")  # fmt: skip
#: The vacancies whose seats a running placement linked to them takes (a draft or closed one counts none).
SEATED = (VacancyStatus.open, VacancyStatus.filled)


@dataclass
class Stored:
    """What an import did: records created, updated, and left as they were (equal to the stored ones)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


# ---------------------------------------------------------------- out: the database as history records


def stored_records(*, session: Session, kind: HistoryKind) -> Parsed[Any]:
    """Return every stored cohort, placement or follow-up as a history file's records (by id), checked like a file's."""
    rows = {"cohorts": _cohort_rows, "placements": _placement_rows, "followups": _follow_up_rows}[kind](session, None)
    return _as_parsed(rows, history.MODELS[kind])


def stored_trainees(*, session: Session) -> Parsed[Trainee]:
    """Return every stored trainee (by code) with the fields the history reads: cohort, completion, departure.

    Only these are read (the rest of a profile is the exchange export's business): the records are built without
    validation, from fields every path into the table validated, at a small fraction of a full record's cost.
    """
    fields = ("code", "training", "dropped_out_on", "dropout_reason")
    query = sa_select(*(col(getattr(TraineeProfile, name)) for name in fields)).order_by(col(TraineeProfile.code))
    records = [Trainee.model_construct(**_trainee_fields(*row)) for row in session.execute(query)]
    raw = [RawRecord(f"trainee {t.id}", {"id": t.id}) for t in records]
    return Parsed(DATABASE, "json", raw, [(r.where, t) for r, t in zip(raw, records, strict=True)], [])


def _trainee_fields(code: str, training: dict[str, Any] | None, left: date | None, why: str | None) -> dict[str, Any]:
    known = {k: v for k, v in (training or {}).items() if k in _TRAINING_FIELDS}
    record = Training.model_construct(**(_TRAINING_DEFAULTS | known)) if training is not None else None
    return {**_TRAINEE_DEFAULTS, "id": code, "training": record, "dropped_out_on": left, "dropout_reason": why}


def _factory_defaults(model: type[Any]) -> dict[str, Any]:
    """Return the values of a model's default factories, made once: model_construct would call (and inspect) each factory
    for every record, which costs more than the rest of the record (the records built with them are only read)."""
    return {name: f.default_factory() for name, f in model.model_fields.items() if f.default_factory is not None}


_TRAINING_FIELDS = frozenset(Training.model_fields)
_TRAINING_DEFAULTS = _factory_defaults(Training)
_TRAINEE_DEFAULTS = _factory_defaults(Trainee)


def stored_history(*, session: Session) -> history.History:
    """Return the database's trainees, cohorts, placements and follow-ups checked together as history files are."""
    return history.check_history(
        trainees=stored_trainees(session=session),
        placements=stored_records(session=session, kind="placements"),
        followups=stored_records(session=session, kind="followups"),
        cohorts=stored_records(session=session, kind="cohorts"),
    )


@dataclass
class StoredColumns(WithIssues):
    """The database's history as columns (`profiles.history_columns`), with the issues `stored_history` would report."""

    columns: HistoryColumns
    issues: list[Issue]


def stored_columns(*, session: Session) -> StoredColumns:
    """Return the database's history as columns: one SELECT per table, no record object per row.

    The columns are screened whole (`has_problems`); only when the screen finds something is the history read
    record by record (`stored_history`) to name each problem as a file's would be named.
    """
    cohorts = stored_records(session=session, kind="cohorts")
    trainees, trainee_codes = _trainee_columns(session)
    placements, placement_codes = _placement_columns(session, trainee_codes)
    columns = HistoryColumns(trainees, placements, _follow_up_columns(session, placement_codes), cohorts.records)
    if cohorts.ok and not has_problems(columns):
        return StoredColumns(columns, list(cohorts.issues))
    return StoredColumns(columns, stored_history(session=session).issues)


def _trainee_columns(session: Session) -> tuple[TraineeColumns, Objects]:
    """Return the trainees as columns (by code), and their codes by their row ids."""
    training = col(TraineeProfile.training)
    query = sa_select(
        col(TraineeProfile.id), col(TraineeProfile.code), training["cohort"].as_string(),
        _raw(training["completed"].as_boolean()), _day_number(col(TraineeProfile.dropped_out_on)),
        _raw(col(TraineeProfile.dropout_reason)),
    ).order_by(col(TraineeProfile.code))  # fmt: skip
    table = _table(session, query, 6)
    completed = table[:, 3]
    columns = TraineeColumns(
        ids=table[:, 1].tolist(),
        cohort=table[:, 2].tolist(),
        completed=np.asarray(completed == True, dtype=bool),  # noqa: E712  (elementwise; 1 on SQLite)
        dropped_on=table[:, 4].astype(np.int64),
        dropout_reason=table[:, 5],
    )
    return columns, _by_id(table)


def _placement_columns(session: Session, trainee_codes: Objects) -> tuple[PlacementColumns, Objects]:
    """Return the placements as columns (by code), and their codes by their row ids."""
    names = ("id", "code", "trainee_id", "employer_name", "level", "town", "start_date", "end_date", "end_reason",
             "salary_fcfa_month")  # fmt: skip
    query = sa_select(*(_read(Placement, name) for name in names)).order_by(col(Placement.code))
    table = _table(session, query, len(names))
    columns = PlacementColumns(
        ids=table[:, 1].tolist(),
        trainee=trainee_codes[table[:, 2].astype(np.int64)].tolist(),
        start=table[:, 6].astype(np.int64),
        end=table[:, 7].astype(np.int64),
        end_reason=table[:, 8],
        salary=table[:, 9].astype(np.int64),
        employer=table[:, 3].tolist(),
        level=[str(level).lower() for level in table[:, 4].tolist()],
        town=table[:, 5].tolist(),
    )
    return columns, _by_id(table)


def _follow_up_columns(session: Session, placement_codes: Objects) -> FollowUpColumns:
    names = ("placement_id", "month", "done_on", "reached", "employment", "economic", "social", "psychosocial")
    table = _table(session, sa_select(*(_read(FollowUp, name) for name in names)), len(names))
    return FollowUpColumns(
        placement=placement_codes[table[:, 0].astype(np.int64)].tolist(),
        month=table[:, 1].astype(np.int64),
        done_on=table[:, 2].astype(np.int64),
        reached=table[:, 3].astype(bool),
        employment=table[:, 4],
        economic=table[:, 5].astype(np.float64),
        social=table[:, 6].astype(np.float64),
        psychosocial=table[:, 7].astype(np.float64),
    )


def _raw(column: Any) -> Any:
    """Return a column read as the driver gives it (no per-value conversion: dates as ISO text on SQLite, enums as text)."""
    return type_coerce(column, NullType())


def _table(session: Session, query: Any, width: int) -> Objects:
    """Return a query's rows as a two-dimensional array of the driver's values, read without a result object per row."""
    session.flush()  # the ORM's autoflush, which a statement on the connection skips
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()  # the driver's own rows (tuples)
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    table = np.empty((len(rows), width), dtype=object)
    if rows:
        table[:] = rows
    return table


def _by_id(table: Objects) -> Objects:
    """Return the codes (second column) of a table's rows by their ids (first column): codes[id] is a row's code."""
    ids = table[:, 0].astype(np.int64)
    codes = np.empty(int(ids.max()) + 1 if len(ids) else 0, dtype=object)
    codes[ids] = table[:, 1]
    return codes


def _read(table: Any, name: str) -> Any:
    """Return a column to read as the driver gives it, a date as its day number."""
    column = col(getattr(table, name))
    return _day_number(column) if isinstance(table.__table__.c[name].type, Date) else _raw(column)


def _day_number(column: Any) -> Any:
    """Return a date column read as days since 1970-01-01 (NEVER when null), computed by the database."""
    return func.coalesce(type_coerce(_DayNumber(column), Integer), int(NEVER))


class _DayNumber(FunctionElement[int]):
    """Days since 1970-01-01 of a date, in each database's own words."""

    type = Integer()
    inherit_cache = True


@compiles(_DayNumber, "sqlite")
def _day_number_sqlite(element: _DayNumber, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(_DayNumber)
def _day_number_other(element: _DayNumber, compiler: Any, **kw: Any) -> str:
    return f"(({compiler.process(element.clauses, **kw)}) - DATE '1970-01-01')"


def data_version(*, session: Session) -> tuple[int, ...]:
    """Return what changes whenever the history does: the audit trail's last event (every change writes one) and
    each history table's row count and last id (rows written without an event, e.g. by a bulk load)."""
    tables = (TraineeProfile, Cohort, Placement, FollowUp)
    parts = [sa_select(func.max(col(AuditEvent.id))).scalar_subquery()]
    for table in tables:
        rows, last = sa_select(func.count()).select_from(table), sa_select(func.max(col(table.id)))
        parts += [rows.scalar_subquery(), last.scalar_subquery()]
    row = session.execute(sa_select(*parts)).one()
    return tuple(int(v or 0) for v in row)


def _as_parsed(rows: Iterable[tuple[str, dict[str, Any]]], model: type[Any]) -> Parsed[Any]:
    raw = [RawRecord(where, data) for where, data in rows]
    located, issues = exchange.validate_located(raw, model=model, source=DATABASE, fmt="json")
    return Parsed(DATABASE, "json", raw, located, issues)


Rows = list[tuple[str, dict[str, Any]]]


def _cohort_rows(session: Session, codes: Iterable[str] | None) -> Rows:
    query = select(Cohort).order_by(col(Cohort.code))
    if codes is not None:
        query = query.where(col(Cohort.code).in_(sorted(set(codes))))
    return [(f"cohort {c.code}", _cohort_data(c)) for c in session.exec(query)]


def _cohort_data(cohort: Cohort) -> dict[str, Any]:
    return _present({"id": cohort.code, **{name: getattr(cohort, name) for name in _COHORT_FIELDS}})


def _placement_rows(session: Session, codes: Iterable[str] | None) -> Rows:
    # Columns, not entities: rows read as placements do (by attribute), at a fraction of an entity's cost.
    columns = [col(getattr(Placement, name)) for name in ("code", *_PLACEMENT_COLUMNS.values())]
    query = (
        sa_select(*columns, col(TraineeProfile.code).label("trainee_code"), col(Vacancy.code).label("vacancy_code"))
        .join(TraineeProfile, col(Placement.trainee_id) == TraineeProfile.id)
        .outerjoin(Vacancy, col(Placement.vacancy_id) == Vacancy.id)
        .order_by(col(Placement.code))
    )
    found = session.execute(query).all() if codes is None else where_in(session, query, Placement.code, codes)
    return [(f"placement {p.code}", _placement_data(p, p.trainee_code, p.vacancy_code)) for p in found]


def _placement_data(placement: Any, trainee_code: str, vacancy_code: str | None) -> dict[str, Any]:
    fields = {name: getattr(placement, column) for name, column in _PLACEMENT_COLUMNS.items()}
    return _present({"id": placement.code, "trainee_id": trainee_code, "vacancy_id": vacancy_code, **fields})


def _follow_up_rows(session: Session, codes: Iterable[str] | None) -> Rows:
    columns = [col(getattr(FollowUp, name)) for name in ("month", *_FOLLOW_UP_FIELDS)]
    query = (
        sa_select(*columns, col(Placement.code).label("placement_code"))
        .join(Placement, col(FollowUp.placement_id) == Placement.id)
        .order_by(col(Placement.code), col(FollowUp.month))
    )
    found = session.execute(query).all() if codes is None else where_in(session, query, Placement.code, codes)
    return [(f"follow-up {f.placement_code}, month {f.month}", _follow_up_data(f, f.placement_code)) for f in found]


def _follow_up_data(follow_up: Any, placement_code: str) -> dict[str, Any]:
    fields = {name: getattr(follow_up, name) for name in _FOLLOW_UP_FIELDS}
    return _present({"placement_id": placement_code, "month": follow_up.month, **fields})


def _present(data: dict[str, Any]) -> dict[str, Any]:
    """Return the fields that have a value, enums as their codes."""
    return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- in: a file's records checked against the database


def database_issues(*, session: Session, parsed: Parsed[Any], kind: HistoryKind) -> list[Issue]:
    """Return every issue of a parsed history file's valid records against what the database holds."""
    if kind == "placements":
        return _placement_issues(session, parsed)
    if kind == "followups":
        return _follow_up_issues(session, parsed)
    return []


def unrecorded_cohorts(*, session: Session, trainees: Parsed[Any]) -> list[Issue]:
    """Warn of the trainees naming a cohort the database has no record of (its evaluation refuses them until it has)."""
    named = {t.training.cohort for t in trainees.records if t.training and t.training.cohort}
    known = Parsed[history.Cohort](DATABASE, "json", [RawRecord("", {"id": code}) for code in
                                   cohorts_service.cohorts_by_code(session=session, codes=named)], [], [])  # fmt: skip
    advice = ": record it (the officers' cohorts page, or rdvm import cohorts) before evaluating the database"
    return [replace(i, message=i.message + advice, severity="warning") for i in history.unknown_cohorts(trainees, known)]


def _placement_issues(session: Session, parsed: Parsed[history.Placement]) -> list[Issue]:
    records = parsed.records
    trainees = profiles_service.by_codes(session=session, codes=(p.trainee_id for p in records))
    known = Parsed[Trainee](DATABASE, "json", [RawRecord("", {"id": code}) for code in trainees], [], [])
    issues = history.unknown_trainees(parsed, known)
    codes = [*_codes_of_trainees(session, trainees), *(p.id for p in records)]
    stored = _as_parsed(_placement_rows(session, codes), history.Placement)
    issues += history.overlapping_placements(parsed, stored.records, stored_source=f"already in {DATABASE}")
    by_code = {p.id: p for p in stored.records}
    vacancies = _vacancy_ids(session, (p.vacancy_id for p in records if p.vacancy_id))
    for where, p in parsed.located:
        as_stored = _linked(p, vacancies)  # an unknown vacancy id is dropped with a warning, not a change
        issues += _placement_changes(session, parsed.source, where, as_stored, by_code.get(p.id))
        if p.vacancy_id and p.vacancy_id not in vacancies:
            message = f"no vacancy of {DATABASE} has the id {p.vacancy_id!r}: the placement is stored without it"
            issues.append(Issue(parsed.source, where, "vacancy_id", message, p.id, severity="warning"))
    return issues + _seat_issues(session, parsed, by_code, vacancies)


def _seat_of(record: history.Placement | None) -> str | None:
    """Return the vacancy whose seat a placement record holds: its vacancy's code while it runs (no end date)."""
    return record.vacancy_id if record is not None and record.end_date is None else None


def _seat_issues(
    session: Session, parsed: Parsed[history.Placement], stored: dict[str, history.Placement], vacancies: dict[str, int]
) -> list[Issue]:
    """Refuse each running placement that would take a seat its open vacancy no longer has, as a confirmed offer is
    refused (VacancyFull); the seats the file's ended or moved placements give back count first, as they are stored."""
    changes = [(where, p, _seat_of(stored.get(p.id)), _seat_of(_linked(p, vacancies))) for where, p in parsed.located]
    free = {v.code: max(v.seats - v.filled_seats, 0) for v in where_in(session, select(Vacancy), Vacancy.code, vacancies)
            if v.status in SEATED}  # fmt: skip
    for _, _, before, after in changes:
        if before != after and before in free:
            free[before] += 1
    issues = []
    for where, p, before, after in changes:
        if before == after or after not in free:
            continue
        if free[after] == 0:
            message = f"vacancy {after} has no free seat left: the running placement {p.id} would overfill it"
            issues.append(Issue(parsed.source, where, "vacancy_id", message, p.id))
        free[after] = max(free[after] - 1, 0)
    return issues


def _codes_of_trainees(session: Session, trainees: dict[str, TraineeProfile]) -> list[str]:
    """Return the codes of every stored placement of these trainees."""
    return where_in(session, select(Placement.code), Placement.trainee_id, (t.id for t in trainees.values()))


def _placement_changes(
    session: Session, source: str, where: str, record: history.Placement, stored: history.Placement | None
) -> list[Issue]:
    """Refuse a file's placement that moves a stored one to another trainee, or changes one made in the application."""
    if stored is None or stored == record:
        return []
    if stored.trainee_id != record.trainee_id:
        return [Issue(source, where, "trainee_id", f"placement {record.id} is stored for trainee {stored.trainee_id}", record.id)]
    made_here = session.exec(select(Placement.offer_id).where(Placement.code == record.id)).first() is not None
    changed = next((name for name in history.Placement.model_fields if getattr(stored, name) != getattr(record, name)), "")
    if not made_here:
        return []
    message = "differs from the placement confirmed in the application, which a file may not change (end it on its page)"
    return [Issue(source, where, changed, message, record.id)]


def _follow_up_issues(session: Session, parsed: Parsed[history.FollowUp]) -> list[Issue]:
    named = {f.placement_id for f in parsed.records}
    placements = _as_parsed(_placement_rows(session, named), history.Placement)
    issues = history.follow_up_problems(parsed, placements)
    stored = {(code, f.month): f for f, code in _stored_follow_ups(session, named)}
    for where, record in parsed.located:
        found = stored.get((record.placement_id, record.month))
        if found is not None and not _imported(found) and _follow_up_record(found, record.placement_id) != record:
            message = (f"is a second follow-up for placement {record.placement_id}, month {record.month}: "
                       f"one was recorded in the application on {found.done_on}")  # fmt: skip
            issues.append(Issue(parsed.source, where, "month", message, f"{record.placement_id}, month {record.month}"))
    return issues


def _stored_follow_ups(session: Session, placement_codes: Iterable[str]) -> list[tuple[FollowUp, str]]:
    query = select(FollowUp, Placement.code).join(Placement, col(FollowUp.placement_id) == Placement.id)
    return where_in(session, query, Placement.code, placement_codes)


def _imported(follow_up: FollowUp) -> bool:
    """Return whether a follow-up came from a history file (nobody recorded it on a page, no channel, no answers)."""
    return follow_up.recorded_by is None and follow_up.channel is None and follow_up.answers is None


def _follow_up_record(follow_up: FollowUp, placement_code: str) -> history.FollowUp:
    return history.FollowUp.model_validate(_follow_up_data(follow_up, placement_code))


def _vacancy_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    return dict(where_in(session, select(Vacancy.code, Vacancy.id), Vacancy.code, codes))


# ---------------------------------------------------------------- in: storing


def store_records(*, session: Session, kind: HistoryKind, records: Sequence[Any], actor_id: int | None) -> Stored:
    """Create or update (by id) the records of a checked history file; leave those equal to the stored ones untouched."""
    stores: dict[str, Callable[[Session, Sequence[Any], int | None], Stored]] = {
        "cohorts": _store_cohorts, "placements": _store_placements, "followups": _store_follow_ups,
    }  # fmt: skip
    done = stores[kind](session, records, actor_id)
    session.flush()
    return done


def _store_cohorts(session: Session, records: Sequence[history.Cohort], actor_id: int | None) -> Stored:
    existing = cohorts_service.cohorts_by_code(session=session, codes=(r.id for r in records))
    done = Stored()
    for record in records:
        cohort = existing.get(record.id)
        if cohort is not None and history.Cohort.model_validate(_cohort_data(cohort)) == record:
            done.unchanged += 1
            continue
        done.created, done.updated = done.created + (cohort is None), done.updated + (cohort is not None)
        cohort = cohort or Cohort(code=record.id)
        cohort.sqlmodel_update(record.model_dump(include=set(_COHORT_FIELDS)))
        cohort.updated_at = utcnow()
        session.add(cohort)
    return done


def _store_placements(session: Session, records: Sequence[history.Placement], actor_id: int | None) -> Stored:
    trainees = profiles_service.by_codes(session=session, codes=(r.trainee_id for r in records))
    vacancies = _vacancy_ids(session, (r.vacancy_id for r in records if r.vacancy_id))
    companies = _approved_companies(session)
    stored = {p.code: p for p in where_in(session, select(Placement), Placement.code, (r.id for r in records))}
    done, ending, rest, seats = Stored(), list[Placement](), list[Placement](), Counter[int]()
    for record in map(_linked, records, repeat(vacancies)):
        placement = stored.get(record.id)
        trainee = trainees[record.trainee_id]
        if placement is not None and _placement_record(placement, trainee.code, record.vacancy_id) == record:
            done.unchanged += 1
            continue
        held = _seat_held(placement)
        done.created, done.updated = done.created + (placement is None), done.updated + (placement is not None)
        placement = placement or Placement(code=record.id, trainee_id=trainee.id or 0, employer_name=record.employer,
                                           level=record.level, start_date=record.start_date, salary_fcfa_month=0)  # fmt: skip
        links = vacancies.get(record.vacancy_id or ""), companies.get(fold(record.employer))
        _apply_placement(placement, record, *links, actor_id)
        if held != (now_held := _seat_held(placement)):
            seats.update({k: v for k, v in ((held, -1), (now_held, 1)) if k is not None})
        (ending if placement.ended_at is not None else rest).append(placement)
    # Ends first: a trainee's active placement (a unique index) is ended before the next one is written.
    for batch in (ending, rest):
        session.add_all(batch)
        session.flush()
    _count_seats(session, seats)
    return done


def _seat_held(placement: Placement | None) -> int | None:
    """Return the vacancy whose seat a stored placement holds: its vacancy while it runs."""
    return placement.vacancy_id if placement is not None and placement.ended_at is None else None


def _count_seats(session: Session, changes: Counter[int]) -> None:
    """Give back the seats of placements that ended or left their vacancy, then take those of placements now running on
    an open vacancy (VacancyFull when none is left), as confirming and ending a hiring do."""
    for vacancy_id, change in sorted(changes.items()):
        for _ in range(-change):
            vacancy_status.release_seat(session=session, vacancy_id=vacancy_id)
    for vacancy_id, change in sorted(changes.items()):
        vacancy = session.get(Vacancy, vacancy_id)
        for _ in range(change if vacancy is not None and vacancy.status in SEATED else 0):
            vacancy_status.take_seat(session=session, vacancy_id=vacancy_id)


def _linked(record: history.Placement, vacancies: dict[str, int]) -> history.Placement:
    """Return the record as it is stored: without a vacancy id the database does not hold."""
    known = record.vacancy_id is None or record.vacancy_id in vacancies
    return record if known else record.model_copy(update={"vacancy_id": None})


def _placement_record(placement: Placement, trainee_code: str, vacancy_code: str | None) -> history.Placement:
    return history.Placement.model_validate(_placement_data(placement, trainee_code, vacancy_code))


def _apply_placement(
    placement: Placement, record: history.Placement, vacancy_id: int | None, employer_id: int | None, actor_id: int | None
) -> None:
    """Copy a history record onto a placement; an end newly given is recorded now, by the importer."""
    placement.vacancy_id, placement.employer_id, placement.employer_name = vacancy_id, employer_id, record.employer
    placement.level, placement.town, placement.start_date = record.level, record.town, record.start_date
    placement.salary_fcfa_month, placement.end_date = record.salary_fcfa_month, record.end_date
    placement.end_reason = EndReason(record.end_reason) if record.end_reason else None
    if record.end_date is None:
        placement.ended_at, placement.ended_by = None, None
    elif placement.ended_at is None:
        placement.ended_at, placement.ended_by = utcnow(), actor_id


def _approved_companies(session: Session) -> dict[str, int]:
    """Return the approved companies' ids by folded name (a name two companies share links neither)."""
    ids: dict[str, list[int]] = defaultdict(list)
    for employer_id, name in session.exec(select(Employer.id, Employer.name).where(Employer.status == EmployerStatus.approved)):
        ids[fold(name)].append(employer_id or 0)
    return {name: found[0] for name, found in ids.items() if len(found) == 1}


def _store_follow_ups(session: Session, records: Sequence[history.FollowUp], actor_id: int | None) -> Stored:
    named = {r.placement_id for r in records}
    placement_ids = dict(where_in(session, select(Placement.code, Placement.id), Placement.code, named))
    stored = {(code, f.month): f for f, code in _stored_follow_ups(session, named)}
    done = Stored()
    for record in records:
        follow_up = stored.get((record.placement_id, record.month))
        if follow_up is not None and _follow_up_record(follow_up, record.placement_id) == record:
            done.unchanged += 1
            continue
        done.created, done.updated = done.created + (follow_up is None), done.updated + (follow_up is not None)
        follow_up = follow_up or FollowUp(placement_id=placement_ids[record.placement_id] or 0, month=record.month,
                                          done_on=record.done_on, reached=record.reached)  # fmt: skip
        follow_up.sqlmodel_update(record.model_dump(include=set(_FOLLOW_UP_FIELDS)))
        follow_up.employment = Employment(record.employment) if record.employment else None
        session.add(follow_up)
    return done
