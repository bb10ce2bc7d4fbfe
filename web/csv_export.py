"""CSV downloads of the officers' lists, through the evaluation's writer (formula-like cells neutralised)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi.responses import Response

from core.clock import utcnow
from web.evaluation_view import Table, to_csv


def csv_download(name: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """Return a list as a CSV attachment named rdvm-<name>-<today>.csv, every cell a spreadsheet could run neutralised."""
    table = Table(name, name, list(headings), [list(row) for row in rows])
    filename = f"rdvm-{name}-{utcnow().date().isoformat()}.csv"
    return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip
