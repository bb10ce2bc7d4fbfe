"""The evaluations the pages asked for last, kept while the history they were computed from has not changed.

An evaluation of 50,000 trainees takes about a second to read and compute; a page, its charts, its people lists and
exports ask for the same one again and again. Each is kept by its scope (date, cohort, country) and the database's
data version (`employers.history_store.data_version`: the audit trail's last event and each history table's row
count and last id), read by one small query per request: any change makes a new version, and the evaluations of the
old one are no longer found (they leave the cache as newer ones come). The history read from the database (its
columns) is kept once, for its version, so that another scope does not read it again. One cache per application.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sqlmodel import Session

from employers import history_store
from profiles.evaluation import Evaluation, Scope, evaluate_scope
from profiles.history_columns import HistoryColumns

#: Evaluations kept (scopes of the current version, and a few of the last one while requests finish).
CACHE_SIZE = 8

Version = tuple[int, ...]


class EvaluationCache:
    """The last evaluations computed, by scope and data version; safe to share between request threads."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._evaluations: OrderedDict[tuple[Scope, Version], Evaluation] = OrderedDict()
        self._columns: tuple[Version, HistoryColumns] | None = None

    def evaluation(self, session: Session, scope: Scope) -> Evaluation:
        """Return the evaluation of a scope on the database's current history (computed once per version)."""
        version = history_store.data_version(session=session)
        key = (scope, version)
        with self._lock:
            found = self._evaluations.get(key)
            if found is not None:
                self._evaluations.move_to_end(key)
                return found
        found = evaluate_scope(self._history(session, version), scope)
        with self._lock:
            self._evaluations[key] = found
            while len(self._evaluations) > self._size:
                self._evaluations.popitem(last=False)
        return found

    def _history(self, session: Session, version: Version) -> HistoryColumns:
        with self._lock:
            if self._columns is not None and self._columns[0] == version:
                return self._columns[1]
        columns = history_store.stored_columns(session=session).columns
        with self._lock:
            self._columns = (version, columns)
        return columns
