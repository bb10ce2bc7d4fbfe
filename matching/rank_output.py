"""Write `rdvm rank`'s document (FORMAT.md, version 2) as a stream: one vacancy a line, never the whole in memory.

The document is compact JSON, one vacancy per line, so a tool (or `jq`) reads it vacancy by vacancy. With
the full list of ineligible trainees, each vacancy's list is assembled from bytes written once per trainee
(its id) and once per distinct list of failed rules, not serialised pair by pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import numpy as np
import orjson

from matching.ranking import FORMAT, BlockIneligible, VacancyRanking
from matching.timing import stage


class _IneligibleBytes:
    """Encodes vacancies' ineligible lists from bytes prepared once per trainee and once per block's rule lists."""

    def __init__(self) -> None:
        self._heads: np.ndarray | None = None  # per trainee: {"trainee_id":"…","reasons":
        self._block: BlockIneligible | None = None
        self._tails: np.ndarray | None = None  # per list of failed rules: ["…","…"]},

    def encode(self, ranking: VacancyRanking) -> bytes:
        """Return the vacancy's ineligible trainees as the inside of a JSON array."""
        found, mine = ranking.failed()
        if self._heads is None:
            self._heads = _objects([b'{"trainee_id":' + orjson.dumps(i) + b',"reasons":' for i in ranking.trainee_ids])
        if found is not self._block:
            self._block, self._tails = found, _objects([orjson.dumps(s) + b"}," for s in found.sentences])
        assert self._tails is not None
        trainees, groups = found.trainees[mine], found.groups[mine]
        parts = np.empty(2 * len(trainees), dtype=object)
        parts[0::2], parts[1::2] = self._heads[trainees], self._tails[groups]
        return b"".join(parts.tolist())[:-1]  # the last entry's comma


def _objects(items: list[bytes]) -> np.ndarray:
    """Return a list of bytes as a numpy object array (so it can be indexed by arrays)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def write_document(rankings: Iterable[VacancyRanking], out: BinaryIO, *, ineligible: bool = False) -> None:
    """Stream the `rdvm rank` JSON document to a binary file, vacancy by vacancy (`ineligible`: the full lists too)."""
    encoder = _IneligibleBytes()
    out.write(b'{"format":' + orjson.dumps(FORMAT) + b',"vacancies":[')
    for i, ranking in enumerate(rankings):
        with stage("output"):
            body = orjson.dumps(ranking.to_dict())
            if ineligible:
                body = body[:-1] + b',"ineligible":[' + encoder.encode(ranking) + b"]}"
            out.write((b",\n" if i else b"\n") + body)
    out.write(b"\n]}\n")
