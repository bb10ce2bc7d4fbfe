"""A trainee's overall grade from its module grades: the cohort-weighted mean, unless an officer gave one.

The matching reads `training.overall`. The training school grades modules; when no officer (form or import)
gave an overall grade, the overall grade is the mean of the module grades weighted by the cohort's module
weights (a module the cohort does not list weighs 1, as every module does in a file, where the engine takes
their plain mean), rounded to 2 decimals, and `overall_from_modules` says so: it follows every change of the
grades or the weights. A grade an officer gives stands until an officer removes it. An import of the very value
computed (an export imported back) is not a grade given: the grade stays computed.

Functions here change the profile in memory (a new `training` dict, so the JSON column is saved) and stamp
`updated_at`, which the employers' cached candidate lists key on; the caller adds and flushes.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import fsum
from typing import Any

from core.clock import utcnow
from profiles.models import Cohort, TraineeProfile

#: Decimals of a computed overall grade.
DECIMALS = 2


def weighted_mean(grades: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    """Return the mean of the grades weighted by module (1 for a module without a weight), or None without grades."""
    if not grades:
        return None
    total = fsum(weights.get(name, 1.0) for name in grades)
    return round(fsum(grade * weights.get(name, 1.0) for name, grade in grades.items()) / total, DECIMALS)


def training_of(profile: TraineeProfile) -> dict[str, Any]:
    """Return a copy of the profile's training record (cohort, overall, modules, completed), empty fields included."""
    return {"cohort": profile.cohort, "overall": None, "modules": {}, **(profile.training or {})}


def save_training(profile: TraineeProfile, training: Mapping[str, Any]) -> None:
    """Store a new training record on the profile and stamp it changed."""
    profile.training = dict(training)
    profile.updated_at = utcnow()


def refresh_overall(profile: TraineeProfile, weights: Mapping[str, float]) -> None:
    """Compute the overall grade again from the module grades, unless an officer gave it."""
    training = training_of(profile)
    if training["overall"] is not None and not profile.overall_from_modules:
        return
    mean = weighted_mean(training["modules"], weights)
    if mean == training["overall"] and profile.overall_from_modules == (mean is not None):
        return  # unchanged (and a profile without any grade keeps no training record)
    training["overall"] = mean
    profile.overall_from_modules = mean is not None
    save_training(profile, training)


def settle_overall(profile: TraineeProfile, weights: Mapping[str, float], *, computed_before: float | None) -> None:
    """Decide, after an officer's form or an import set the training record, whether its overall grade is given.

    `computed_before` is the overall grade computed before the change (None when it was given or absent): stating
    that same value again gives nothing, stating none asks for the computed one.
    """
    stated = training_of(profile)["overall"]
    if stated is not None and stated != computed_before:
        profile.overall_from_modules = False
        return
    profile.overall_from_modules = stated is not None  # a computed value, or none yet: refreshed from the modules
    refresh_overall(profile, weights)


def computed_overall(profile: TraineeProfile) -> float | None:
    """Return the overall grade when it is computed from the modules, else None."""
    return training_of(profile)["overall"] if profile.overall_from_modules else None


def move_to_cohort(profile: TraineeProfile, cohort: Cohort) -> None:
    """Give the profile the cohort's (possibly new) code, and recompute its grade with the cohort's weights."""
    if profile.cohort != cohort.code or training_of(profile)["cohort"] != cohort.code:
        profile.cohort = cohort.code
        save_training(profile, {**training_of(profile), "cohort": cohort.code})
    refresh_overall(profile, cohort.weights)
