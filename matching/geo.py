"""Distances and regions between the towns of one matching run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.normalise import FoldedPositions
from matching.taxonomy import Taxonomy

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(
    lat1: NDArray[np.float64], lon1: NDArray[np.float64], lat2: NDArray[np.float64], lon2: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Return haversine distances in km between points (broadcasting like numpy)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass
class TownTable:
    """The towns of a run: gazetteer towns first, then names kept as written (no coordinates)."""

    names: list[str]
    positions: dict[str, int]
    region: NDArray[np.int32]  # index into region_names, -1 when unknown
    region_names: list[str]
    distance_km: NDArray[np.float64]  # G×G, NaN when a town has no coordinates (0 on the diagonal)

    def __len__(self) -> int:
        return len(self.names)

    def same_region(self) -> NDArray[np.bool_]:
        """Return a G×G table: both towns lie in the same known region."""
        r = self.region
        return (r[:, None] == r[None, :]) & (r[:, None] >= 0)


def build_town_table(taxonomy: Taxonomy, extra_names: Iterable[str]) -> TownTable:
    """Build the town table from the gazetteer plus any names it does not know."""
    names = [t.name for t in taxonomy.towns]
    positions: dict[str, int] = FoldedPositions()  # names outside the gazetteer compared folded
    for i, name in enumerate(names):
        positions[name] = i
    for name in extra_names:
        if name not in positions:
            positions[name] = len(names)
            names.append(name)
    known = len(taxonomy.towns)
    lat = np.full(len(names), np.nan)
    lon = np.full(len(names), np.nan)
    lat[:known] = [t.lat for t in taxonomy.towns]
    lon[:known] = [t.lon for t in taxonomy.towns]
    region_names = [r.name for r in taxonomy.regions]
    region = np.full(len(names), -1, dtype=np.int32)
    region[:known] = [region_names.index(t.region) for t in taxonomy.towns]
    distance = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    np.fill_diagonal(distance, 0.0)
    return TownTable(names, positions, region, region_names, distance)
