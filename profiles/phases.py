"""A trainee's phase in the programme, computed from the records as of a day; never stored, so never stale.

The rules form a table, read top to bottom: the first that holds gives the phase.

    left          a departure is recorded on or before the day (dropped_out_on ≤ day), whatever else is true
    placed        the trainee holds an active placement
    job_seeking   training is over (training.completed, or the cohort's training_end has passed) and the planned
                  employment start has come (employment_start ≤ day) or none is planned; or training ended without
                  being completed (training.completed false)
    trained       training is over and completed (or not yet known), before the planned employment start
    in_training   training_start ≤ day ≤ training_end (no end: from the start on)
    returned      return_date ≤ day, before training
    selected      otherwise: selected, not yet back nor in training (and anyone whose cohort gives no date)

A departure recorded after the day does not count yet (INDICATORS.md: departures after the as-of date are
ignored). The placement is the caller's to say (profiles never read employers' tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from profiles.models import TraineeProfile


class Phase(StrEnum):
    """Where a trainee stands in the programme, in the order a trainee goes through them."""

    selected = "selected"
    returned = "returned"
    in_training = "in_training"
    trained = "trained"
    job_seeking = "job_seeking"
    placed = "placed"
    left = "left"


class Calendar(Protocol):
    """The dates of a cohort that decide its trainees' phases (a Cohort has them)."""

    @property
    def return_date(self) -> date | None: ...

    @property
    def training_start(self) -> date | None: ...

    @property
    def training_end(self) -> date | None: ...

    @property
    def employment_start(self) -> date | None: ...


@dataclass(frozen=True)
class Standing:
    """What a trainee's phase follows from, as of one day."""

    on: date
    cohort: Calendar | None
    completed: bool | None
    dropped_out_on: date | None
    placed: bool

    def reached(self, moment: date | None) -> bool:
        """Return whether a date of the cohort is known and has come."""
        return moment is not None and moment <= self.on

    @property
    def training_over(self) -> bool:
        """Return whether training is over: completed, or its last day has passed."""
        end = self.cohort.training_end if self.cohort else None
        return self.completed is True or (end is not None and end < self.on)

    @property
    def employment_due(self) -> bool:
        """Return whether jobs may start: the planned start has come, or none is planned."""
        start = self.cohort.employment_start if self.cohort else None
        return start is None or start <= self.on


def _in_training(s: Standing) -> bool:
    return s.cohort is not None and s.reached(s.cohort.training_start)


RULES: tuple[tuple[Phase, Callable[[Standing], bool]], ...] = (
    (Phase.left, lambda s: s.reached(s.dropped_out_on)),
    (Phase.placed, lambda s: s.placed),
    (Phase.job_seeking, lambda s: s.training_over and (s.employment_due or s.completed is False)),
    (Phase.trained, lambda s: s.training_over),
    (Phase.in_training, _in_training),
    (Phase.returned, lambda s: s.cohort is not None and s.reached(s.cohort.return_date)),
    (Phase.selected, lambda s: True),
)


def phase_of(standing: Standing) -> Phase:
    """Return the phase of the first rule that holds."""
    return next(phase for phase, holds in RULES if holds(standing))


def profile_phase(profile: TraineeProfile, cohort: Calendar | None, *, placed: bool, on: date) -> Phase:
    """Return a trainee's phase as of a day, from its profile, its cohort's dates and whether it holds a placement."""
    completed = (profile.training or {}).get("completed")
    return phase_of(Standing(on, cohort, completed, profile.dropped_out_on, placed))
