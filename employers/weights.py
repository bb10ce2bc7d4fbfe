"""The score's weights in use: versions adopted by an admin from learned proposals, and roll backs.

The engine's defaults (`matching.config`) are version 0. Adopting or rolling back adds a version (see
`WeightsVersion`) and writes an audit event in the same transaction; the latest version is the one the
application ranks with (`employers.candidates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import cast

from sqlmodel import Session, col, select

from core import audit
from employers.exceptions import WeightsNotAdoptable, WeightsVersionNotFound
from employers.models import WeightsVersion
from employers.outcomes import stored_outcomes
from matching.config import DEFAULT_WEIGHTS, ScoringConfig, with_weights
from matching.learning import Learned, learn

#: The `source` of weights learned from the database.
DATABASE_SOURCE = "database: placements and follow-ups"


def current(*, session: Session) -> WeightsVersion | None:
    """Return the weights version in use, None while the defaults are."""
    return session.exec(select(WeightsVersion).order_by(col(WeightsVersion.id).desc()).limit(1)).first()


def history(*, session: Session) -> list[WeightsVersion]:
    """Return every weights version, the latest first."""
    return list(session.exec(select(WeightsVersion).order_by(col(WeightsVersion.id).desc())))


def version_in_use(*, session: Session) -> int:
    """Return the number of the weights version in use (0: the defaults)."""
    found = current(session=session)
    return 0 if found is None else cast(int, found.id)


def current_config(*, session: Session) -> ScoringConfig:
    """Return the scoring configuration with the weights in use (the defaults restored are the defaults, level by level)."""
    found = current(session=session)
    if found is None or found.restores == 0:
        return ScoringConfig(weights_version=0 if found is None else cast(int, found.id))
    return with_weights(found.weights, cast(int, found.id))


def current_weights(*, session: Session) -> Mapping[str, float]:
    """Return the weights in use, by component."""
    found = current(session=session)
    return DEFAULT_WEIGHTS if found is None else found.weights


def propose(*, session: Session, as_of: date, against: ScoringConfig | None = None) -> Learned:
    """Learn weights from the database's placements and follow-ups, against the scoring in use (or `against`)."""
    stored = stored_outcomes(session=session, as_of=as_of)
    return learn(stored.trainees, stored.vacancies, stored.outcomes, against or current_config(session=session))


def adopt(*, session: Session, learned: Learned, source: str, by: int | None) -> WeightsVersion:
    """Store a learned proposal that meets the adoption rule as the weights in use; audited."""
    if not learned.adopted:
        raise WeightsNotAdoptable(learned.reason)
    with_weights(learned.weights, 0)  # checked before it is stored
    version = WeightsVersion(
        weights=dict(learned.weights), source=source, n=learned.n, baseline_auc=learned.baseline_auc,
        learned_auc=learned.learned_auc, adopted_by=by,
    )  # fmt: skip
    return _store(session, version, action="adopt", details={"n": learned.n, "reason": learned.why.code.value})


def roll_back(*, session: Session, to: int, by: int | None) -> WeightsVersion:
    """Put an earlier version's weights back in use (0: the defaults) as a new version; audited."""
    if to == 0:
        weights, source = dict(DEFAULT_WEIGHTS), "defaults"
    else:
        earlier = session.get(WeightsVersion, to)
        if earlier is None:
            raise WeightsVersionNotFound(str(to))
        weights, source = dict(earlier.weights), earlier.source
    version = WeightsVersion(weights=weights, source=source, restores=to, adopted_by=by)
    return _store(session, version, action="roll_back", details={"restores": to})


def _store(session: Session, version: WeightsVersion, *, action: str, details: dict[str, object]) -> WeightsVersion:
    before = current(session=session)
    session.add(version)
    session.flush()
    audit.record(
        session, actor_id=version.adopted_by, entity="weights", entity_id=version.id, action=action,
        from_state=str(before.id if before else 0), to_state=str(version.id), details={**details, "weights": version.weights},
    )  # fmt: skip
    return version
