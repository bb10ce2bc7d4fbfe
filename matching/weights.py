"""Weights files: the component weights `rdvm learn --out` writes and `rdvm rank|plan --weights` use.

A weights file is one JSON object: `version` (of this file format, 1), `weights` (component → weight, each
≥ 0, summing to 1; a component left out weighs 0), `source` (what they were learned from), `n` (the outcomes),
`aucs` (`baseline` and `learned`, cross-validated) and `created_at` (ISO 8601, UTC).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from matching.config import ScoringConfig, weight_problems, with_weights
from matching.exchange import ExchangeError, Issue, file_text
from matching.learning import Learned

#: The version of the weights file format.
FORMAT_VERSION = 1
#: The weights version a ranking made with a weights file records (stored versions are numbered from 1).
FILE_VERSION = -1


def document(learned: Learned, *, source: str, created_at: datetime) -> dict[str, Any]:
    """Return the weights file of a learning result: the weights it says to use."""
    return {
        "version": FORMAT_VERSION,
        "weights": learned.weights,
        "source": source,
        "n": learned.n,
        "aucs": {"baseline": learned.baseline_auc, "learned": learned.learned_auc},
        "created_at": created_at.isoformat(timespec="seconds"),
    }


def write(path: str | Path, learned: Learned, *, source: str, created_at: datetime) -> None:
    """Write a weights file."""
    text = json.dumps(document(learned, source=source, created_at=created_at), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", "utf-8")


def read(path: str | Path) -> dict[str, float]:
    """Read a weights file's weights; raise ExchangeError naming every problem at once."""
    source = str(path)
    text, issues = file_text(Path(path))
    if text is None:
        raise ExchangeError(issues)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeError([Issue(source, f"line {exc.lineno}", "", f"is not valid JSON: {exc.msg}")]) from None
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or not weights:
        raise ExchangeError([Issue(source, "top level", "weights", "expected an object of component weights")])
    problems = [Issue(source, "weights", name, message) for name, message in weight_problems(weights)]
    if isinstance(data.get("version"), int) and data["version"] > FORMAT_VERSION:
        problems.append(Issue(source, "top level", "version", f"is newer than this rdvm reads ({FORMAT_VERSION})"))
    if problems:
        raise ExchangeError(problems)
    return {name: float(value) for name, value in weights.items()}


def config_from(path: str | Path) -> ScoringConfig:
    """Return the scoring configuration with a weights file's weights."""
    return with_weights(read(path), FILE_VERSION)
