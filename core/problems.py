"""The vocabulary of checking records (a form, an API body, a file's record): problems, checks, refusals.

A problem is a field path and a message code (with the values the message needs); the web layer and the
command line write the sentence, French first, through their catalogues. Errors stop a save; warnings
(an unknown town, a salary below the minimum wage) are shown and the save goes on.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any, Generic, Literal, TypeVar

from pydantic_core import ErrorDetails

Record = TypeVar("Record")

Severity = Literal["error", "warning"]

# pydantic error type → message code (the web catalogue holds the sentences).
_CODES = {
    "missing": "field_required",
    "too_short": "field_required",
    "string_too_short": "field_required",
    "literal_error": "field_choice",
    "enum": "field_choice",
    "int_parsing": "field_whole_number",
    "int_from_float": "field_whole_number",
    "int_type": "field_whole_number",
    "float_parsing": "field_number",
    "float_type": "field_number",
    "greater_than_equal": "field_at_least",
    "greater_than": "field_at_least",
    "less_than_equal": "field_at_most",
    "too_long": "field_too_long",
    "string_too_long": "field_too_long",
    "date_parsing": "field_date",
    "date_type": "field_date",
    "date_from_datetime_parsing": "field_date",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in one field: the field, a message code and the message's values."""

    field: str
    code: str
    values: Mapping[str, str] = default(default_factory=dict)
    severity: Severity = "error"


@dataclass
class RecordCheck(Generic[Record]):
    """The outcome of checking a record's fields (a form, an API body): the normalised record when valid, every problem."""

    record: Record | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that prevent saving."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Return the problems that are only shown (values kept as written)."""
        return [p for p in self.problems if p.severity == "warning"]


class InvalidFields(Exception):
    """Some fields are wrong; `problems` lists every one (errors only), to show next to each field."""

    code = "invalid_form"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in self.problems))


def form_text(value: Any) -> str:
    """Return a stored value as a form field shows it: nothing for None, 2 rather than 2.0."""
    if value is None:
        return ""
    return _plain(value)


def problems_from_errors(
    errors: Iterable[ErrorDetails], *, skip: Sequence[str] = (), date_fields: Collection[str] = ()
) -> list[Problem]:
    """Turn pydantic's validation errors into problems, one per field (the first error of a field wins)."""
    problems: dict[str, Problem] = {}
    for error in errors:
        path = ".".join(str(part) for part in error["loc"])
        if path and path.split(".")[0] not in skip and path not in problems:
            problems[path] = _problem(path, error, date_fields)
    return list(problems.values())


def _problem(path: str, error: ErrorDetails, date_fields: Collection[str]) -> Problem:
    kind, ctx = error["type"], error.get("ctx") or {}
    if error.get("input") is None and kind not in ("greater_than_equal", "greater_than", "less_than_equal"):
        return Problem(path, "field_required")
    if kind == "value_error":
        return Problem(path, "field_date" if path.split(".")[0] in date_fields else "field_invalid")
    code = _CODES.get(kind, "field_invalid")
    limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("max_length"))))
    return Problem(path, code, {"limit": _plain(limit)} if limit is not None else {})


def _plain(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
