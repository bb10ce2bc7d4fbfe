"""The cohorts' calendar drawn as a time line: the geometry of a server-rendered SVG (the template draws it).

One row per cohort, a bar per period (selection, training in Paris, training in Bamako), a diamond per day
(return, planned employment start), a vertical line for today, and an axis with the months (every month up to
18 months shown, else every third). Coordinates are in the SVG's own units; the picture scales to the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from profiles.cohorts import Period, calendar
from profiles.models import Cohort

WIDTH = 960
LABEL_WIDTH = 120
RIGHT_MARGIN = 16
AXIS_HEIGHT = 34
ROW_HEIGHT = 34
BAR_HEIGHT = 16
#: The least room between two month labels on the axis: months are skipped (every 2nd, 3rd, 6th…) to keep it.
MIN_TICK_GAP = 80
TICK_STEPS = (1, 2, 3, 6, 12)
#: Today's label goes left of its line when the line is this close to the right edge.
TODAY_LABEL_ROOM = 90
#: The periods' kinds in the legend's order (profiles.cohorts.calendar makes them).
LEGEND = ("selection", "training_paris", "training_bamako", "training", "return", "employment")


@dataclass(frozen=True)
class Shape:
    """A period placed on the time line: a bar (x, width) or, for a day, a diamond centred on x."""

    period: Period
    x: float
    width: float


@dataclass(frozen=True)
class Row:
    """A cohort's row: where it is drawn and its shapes."""

    cohort: Cohort
    y: float
    shapes: tuple[Shape, ...]

    @property
    def middle(self) -> float:
        """Return the vertical middle of the row."""
        return self.y + ROW_HEIGHT / 2


@dataclass(frozen=True)
class Tick:
    """A month on the axis: its first day, where it is, and its name."""

    day: date
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    """The whole picture: its size, the dates it spans (today always among them), the rows, the months and today's line."""

    width: int
    height: int
    first: date
    last: date
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    today: date
    today_x: float

    @property
    def kinds(self) -> list[str]:
        """Return the kinds of period drawn, in the legend's order."""
        drawn = {shape.period.kind for row in self.rows for shape in row.shapes}
        return [kind for kind in LEGEND if kind in drawn]

    @property
    def today_label_left(self) -> bool:
        """Return whether today's label is written left of its line (the line is near the right edge)."""
        return self.today_x > self.width - TODAY_LABEL_ROOM


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def draw(cohorts: Sequence[Cohort], *, today: date, lang: str) -> Timeline | None:
    """Return the time line of these cohorts (rows in the given order), or None when none has a date."""
    periods = [(cohort, calendar(cohort)) for cohort in cohorts]
    days = [d for _, found in periods for p in found for d in (p.start, p.end)]
    if not days:
        return None
    first, last = _month_start(min(*days, today)), _next_month(max(*days, today))
    span = (last - first).days
    plot = WIDTH - LABEL_WIDTH - RIGHT_MARGIN

    def x(day: date) -> float:
        return round(LABEL_WIDTH + (day - first).days / span * plot, 1)

    rows = tuple(
        Row(cohort, AXIS_HEIGHT + i * ROW_HEIGHT, tuple(Shape(p, x(p.start), max(x(p.end) - x(p.start), 2.0)) for p in found))
        for i, (cohort, found) in enumerate(periods)
    )
    return Timeline(WIDTH, AXIS_HEIGHT + len(rows) * ROW_HEIGHT + 8, first, last, rows, _ticks(first, last, x, lang), today,
                    x(today))  # fmt: skip


def _ticks(first: date, last: date, x: Callable[[date], float], lang: str) -> tuple[Tick, ...]:
    months = []
    day = first
    while day < last:
        months.append(day)
        day = _next_month(day)
    gap = (WIDTH - LABEL_WIDTH - RIGHT_MARGIN) / len(months)
    step = next((n for n in TICK_STEPS if gap * n >= MIN_TICK_GAP), TICK_STEPS[-1])
    return tuple(Tick(m, x(m), format_date(m, "MMM yyyy", locale=lang)) for m in months[::step])
