"""Importing an exchange file of trainees or vacancies: the one pipeline of `rdvm import` and the officers' import page.

The file's text is read and checked as `rdvm validate` does (every error and warning at once, each at its place
in the file), then its records are created or updated (by id) inside a savepoint: kept only when asked and nothing
is wrong, so a preview writes nothing and an import is all or nothing. A refusal of the database that names
records (a vacancy of an unknown company, another company's vacancy code) becomes an issue at the record's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session

from core import audit
from employers import service as employers_service
from employers.exceptions import EmployerError, UnknownEmployers, UnmatchedRecord, VacancyCodeTaken
from matching import exchange
from matching.exchange import Issue, WithIssues
from profiles import service as profiles_service
from profiles.exceptions import ProfileError

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
    kind: exchange.Kind,
    consent: bool = False,
    keep: bool = True,
    by: int | None = None,
) -> ImportOutcome:
    """Check a file's text and create or update its records, kept only when `keep` and nothing is wrong.

    An import kept is one audit event (by `by`; None: the system) with its counts, not one per record.
    """
    loaded = exchange.parse_text(text, kind=kind, source=source, fmt=fmt)
    outcome = ImportOutcome(list(loaded.issues), len(loaded.records))
    if loaded.errors:
        return outcome
    try:
        with session.begin_nested() as savepoint:
            outcome.created, outcome.updated = store_records(session=session, kind=kind, records=loaded.records, consent=consent)
            if not keep:
                savepoint.rollback()
            else:
                details = {"kind": kind, "source": source, "records": outcome.records, "created": outcome.created,
                           "updated": outcome.updated, "consent": consent}  # fmt: skip
                audit.record(session, actor_id=by, entity="import", entity_id=None, action=kind, details=details)
    except (ProfileError, EmployerError) as refused:
        located = located_issues(refused, text=text, source=source, fmt=fmt, kind=kind)
        outcome.issues += located
        outcome.refusal = None if located else refused
    return outcome


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
