"""Importing a file of trainees, vacancies, cohorts, placements or follow-ups: the one pipeline of `rdvm import` and
the officers' import page.

The file's text is read and checked as `rdvm validate` (exchange files) or `rdvm evaluate` (history files,
INDICATORS.md) do — every error and warning at once, each at its place in the file — a history file also against
the database (employers.history_store), then its records are created or updated (by id) inside a savepoint: kept
only when asked and nothing is wrong, so a preview writes nothing and an import is all or nothing. A refusal of
the database that names records (a vacancy of an unknown company, another company's vacancy code) becomes an issue
at the record's row. A kept import writes one audit event (entity "import") with its counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from sqlmodel import Session

from core import audit
from employers import history_store
from employers import service as employers_service
from employers.exceptions import EmployerError, UnknownEmployers, UnmatchedRecord, VacancyCodeTaken
from matching import exchange
from matching.exchange import Issue, WithIssues
from profiles import history
from profiles import service as profiles_service
from profiles.exceptions import ProfileError
from profiles.history import HistoryKind

#: What a file may hold: the exchange format's records, or the programme's history (INDICATORS.md).
ImportKind = Literal["trainees", "vacancies", "cohorts", "placements", "followups"]
HISTORY_KINDS: tuple[HistoryKind, ...] = get_args(HistoryKind)
IMPORT_KINDS: tuple[ImportKind, ...] = get_args(ImportKind)

#: A refusal of the database no single record of the file can be blamed for.
Refusal = EmployerError | ProfileError


@dataclass
class ImportOutcome(WithIssues):
    """What importing a file gives or meets: every issue, the records' counts, and a refusal of the whole file."""

    issues: list[Issue] = field(default_factory=list)
    records: int = 0
    created: int = 0
    updated: int = 0
    refusal: Refusal | None = None
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        """Return whether nothing stops the import."""
        return not self.errors and self.refusal is None


def import_text(
    *,
    session: Session,
    text: str,
    source: str,
    fmt: Literal["json", "csv"],
    kind: ImportKind,
    consent: bool = False,
    keep: bool = True,
    by: int | None = None,
) -> ImportOutcome:
    """Check a file's text and create or update its records, kept only when `keep` and nothing is wrong.

    An import kept is one audit event (by `by`; None: the system) with its counts, not one per record.
    """
    if kind == "cohorts" or kind == "placements" or kind == "followups":
        return _import_history(session=session, text=text, source=source, fmt=fmt, kind=kind, keep=keep, by=by)
    parsed = exchange.parse_located(text, kind=kind, model=exchange.MODELS[kind], source=source, fmt=fmt)
    loaded = parsed.result()
    outcome = ImportOutcome(list(loaded.issues), len(loaded.records))
    if kind == "trainees" and loaded.ok:
        outcome.issues += history_store.unrecorded_cohorts(session=session, trainees=parsed)
    if loaded.errors:
        return outcome
    try:
        with session.begin_nested() as savepoint:
            outcome.created, outcome.updated = store_records(session=session, kind=kind, records=loaded.records, consent=consent)
            _audit(session, outcome, kind=kind, source=source, by=by, consent=consent)
            if not keep:
                savepoint.rollback()
    except (ProfileError, EmployerError) as refused:
        located = located_issues(refused, text=text, source=source, fmt=fmt, kind=kind)
        outcome.issues += located
        outcome.refusal = None if located else refused
    return outcome


def _import_history(
    *, session: Session, text: str, source: str, fmt: Literal["json", "csv"], kind: HistoryKind, keep: bool, by: int | None
) -> ImportOutcome:
    """Check a history file by itself and against the database; store it when nothing is wrong."""
    parsed = history.parse_records(text, kind=kind, source=source, fmt=fmt)
    issues = list(parsed.issues) + history_store.database_issues(session=session, parsed=parsed, kind=kind)
    outcome = ImportOutcome(issues, len(parsed.records))
    if outcome.errors:
        return outcome
    with session.begin_nested() as savepoint:
        done = history_store.store_records(session=session, kind=kind, records=parsed.records, actor_id=by)
        outcome.created, outcome.updated, outcome.unchanged = done.created, done.updated, done.unchanged
        _audit(session, outcome, kind=kind, source=source, by=by)
        if not keep:
            savepoint.rollback()
    return outcome


def _audit(session: Session, outcome: ImportOutcome, *, kind: ImportKind, source: str, by: int | None,
           consent: bool = False) -> None:  # fmt: skip
    """Record an import as one audit event with its counts (by `by`; None: the system), not one per record."""
    counts = {"records": outcome.records, "created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged}
    audit.record(session, actor_id=by, entity="import", entity_id=None, action=kind,
                 details={"kind": kind, "source": source, **counts, "consent": consent})  # fmt: skip


def guess_import_kind(text: str, *, fmt: Literal["json", "csv"]) -> ImportKind:
    """Guess what a file's text holds: a history file by its key or columns, else trainees or vacancies."""
    head = text.removeprefix("\ufeff").lstrip()
    if fmt == "csv":
        columns = set(next(iter(head.splitlines()), "").replace(";", ",").split(","))
    else:
        columns = {key for key in HISTORY_KEYS.values() if f'"{key}"' in head[:5000]}
    for kind, key in HISTORY_KEYS.items():
        if key in columns or (fmt == "json" and head.startswith("{") and f'"{kind}"' in head[:200]):
            return kind
    return exchange.guess_kind_of_text(text, fmt=fmt)


#: A column only each history file has, by kind.
HISTORY_KEYS: dict[HistoryKind, str] = {"followups": "placement_id", "placements": "trainee_id", "cohorts": "budget_eur"}


def store_records(*, session: Session, kind: exchange.Kind, records: Sequence[Any], consent: bool) -> tuple[int, int]:
    """Create or update the records in the database; return (created, updated)."""
    if kind == "trainees":
        return profiles_service.import_trainees(session=session, records=records, consent=consent)
    return employers_service.import_vacancies(session=session, records=records)


def located_issues(refused: Refusal, *, text: str, source: str, fmt: Literal["json", "csv"], kind: exchange.Kind) -> list[Issue]:
    """Return, for each record the database refused (unknown company, another company's code), its issue in the file."""
    if not isinstance(refused, UnknownEmployers | VacancyCodeTaken):
        return []
    raw, _ = exchange.read_raw(text, source=source, fmt=fmt, kind=kind)
    places = {str(r.data.get("id", "")).strip(): r.where for r in raw}
    taken = isinstance(refused, VacancyCodeTaken)
    return [_unmatched(source, places, record, taken=taken) for record in refused.records]


def _unmatched(source: str, places: dict[str, str], record: UnmatchedRecord, *, taken: bool) -> Issue:
    where = places.get(record.vacancy_id, f"index {record.index}")
    if taken:
        return Issue(source, where, "id", "is the id of another company's vacancy", record.vacancy_id)
    problem = "several companies have" if record.ambiguous else "no company has"
    return Issue(source, where, "employer", f"{problem} the name {record.employer!r}", record.vacancy_id)
