"""The reintegration questionnaire of the follow-ups, as data: its questions, their answers' scores, the dimensions' scores.

The questions live in ``employers/data/reintegration.json`` (French and English words, the indicator of IOM's
Reintegration Sustainability Survey each one comes from; README, "The reintegration questionnaire"). Each answer
has a score in [0, 1], 1 the best situation. A dimension's score (economic, social, psychosocial — the RSS's three
dimensions, INDICATORS.md's follow-up fields) is the mean of the scores of its questions, rounded to 4 decimals,
and is computed only when every question of the dimension is answered: a call cut short leaves it unknown rather
than scored on half the questions. Pure: no database, no web.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from core.problems import Problem

#: The questionnaire shipped with the application.
DEFAULT_PATH = Path(__file__).parent / "data" / "reintegration.json"
#: The RSS's dimensions, in the order pages show them (the follow-up's score columns).
DIMENSIONS = ("economic", "social", "psychosocial")
#: The form field of a question's answer: "q_" and the question's id.
FIELD = "q_{}"


class QuestionnaireError(ValueError):
    """The questionnaire's file is malformed (a score outside [0, 1], a question twice, an unknown dimension…)."""


@dataclass(frozen=True)
class Option:
    """One answer to a question: its code, its words and its score in [0, 1]."""

    value: str
    fr: str
    en: str
    score: float

    def label(self, lang: str) -> str:
        """Return the answer's words in a language (French unless English)."""
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Question:
    """A question of one dimension, the RSS indicator it comes from, and its answers."""

    id: str
    dimension: str
    indicator: str
    fr: str
    en: str
    options: tuple[Option, ...]

    @property
    def field(self) -> str:
        """Return the name of the form field holding the answer."""
        return FIELD.format(self.id)

    def label(self, lang: str) -> str:
        """Return the question in a language (French unless English)."""
        return self.en if lang == "en" else self.fr

    def option(self, value: str) -> Option | None:
        """Return the answer with this code, or None."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Questionnaire:
    """The questionnaire: its version, the dimensions' names and the questions in the order they are asked."""

    version: int
    dimension_names: Mapping[str, Mapping[str, str]]
    questions: tuple[Question, ...]

    def of(self, dimension: str) -> tuple[Question, ...]:
        """Return the questions of one dimension."""
        return tuple(q for q in self.questions if q.dimension == dimension)

    def dimension_label(self, dimension: str, lang: str) -> str:
        """Return a dimension's name in a language."""
        return self.dimension_names[dimension]["en" if lang == "en" else "fr"]


def load(path: str | Path = DEFAULT_PATH) -> Questionnaire:
    """Read and check a questionnaire file; raise QuestionnaireError naming what is wrong."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        questions = tuple(_question(q) for q in data["questions"])
        made = Questionnaire(int(data["version"]), data["dimensions"], questions)
    except (KeyError, TypeError, ValueError) as exc:
        raise QuestionnaireError(f"{path}: {exc}") from exc
    _check(made, str(path))
    return made


@cache
def get_questionnaire() -> Questionnaire:
    """Return the questionnaire shipped with the application, read once."""
    return load(DEFAULT_PATH)


def _question(data: Mapping[str, Any]) -> Question:
    options = tuple(Option(str(o["value"]), str(o["fr"]), str(o["en"]), float(o["score"])) for o in data["options"])
    return Question(str(data["id"]), str(data["dimension"]), str(data["indicator"]), str(data["fr"]), str(data["en"]), options)


def _check(questionnaire: Questionnaire, source: str) -> None:
    ids = [q.id for q in questionnaire.questions]
    wrong = [f"question {i!r} appears twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    wrong += [f"question {q.id!r} has the unknown dimension {q.dimension!r}" for q in questionnaire.questions
              if q.dimension not in DIMENSIONS]  # fmt: skip
    wrong += [f"dimension {d!r} has no question" for d in DIMENSIONS if not questionnaire.of(d)]
    wrong += [f"dimension {d!r} has no name" for d in DIMENSIONS if d not in questionnaire.dimension_names]
    for q in questionnaire.questions:
        values = [o.value for o in q.options]
        if len(values) < 2 or len(set(values)) != len(values):
            wrong.append(f"question {q.id!r} needs two answers or more, each once")
        wrong += [f"answer {o.value!r} of {q.id!r} scores {o.score}, outside [0, 1]" for o in q.options if not 0 <= o.score <= 1]
    if wrong:
        raise QuestionnaireError(f"{source}: " + "; ".join(wrong))


def check_answers(questionnaire: Questionnaire, answers: Mapping[str, str]) -> list[Problem]:
    """Return a problem for each answer that is not one of its question's (an unknown question is ignored)."""
    return [Problem(q.field, "field_choice") for q in questionnaire.questions
            if answers.get(q.id) and q.option(answers[q.id]) is None]  # fmt: skip


def scores(questionnaire: Questionnaire, answers: Mapping[str, str]) -> dict[str, float | None]:
    """Return each dimension's score in [0, 1]: the mean of its answers' scores, None unless all its questions are answered."""
    found: dict[str, float | None] = {}
    for dimension in DIMENSIONS:
        chosen = [q.option(answers.get(q.id) or "") for q in questionnaire.of(dimension)]
        found[dimension] = round(sum(o.score for o in chosen if o) / len(chosen), 4) if all(chosen) else None
    return found
