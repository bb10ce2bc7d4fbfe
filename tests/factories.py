"""Small builders of exchange records for tests: sensible defaults, override what the test is about."""

from __future__ import annotations

from typing import Any

from matching.models import Trainee, Vacancy

_counter = {"t": 0, "v": 0}


def trainee(**overrides: Any) -> Trainee:
    """Return a valid, normalised trainee living in Bamako; keyword arguments replace fields."""
    _counter["t"] += 1
    data: dict[str, Any] = {
        "id": f"T-TEST-{_counter['t']:04d}",
        "full_name": "Test Trainee",
        "home_town": "Bamako",
        "languages": [{"language": "bm", "level": "native"}, {"language": "fr", "level": "fluent"}],
        "literacy": "functional",
        "experience": [{"title": "agent de sécurité", "years": 2, "sector": "security", "country": "FR"}],
        "skills": ["access_control", "patrol"],
        "certifications": ["SST"],
        "training": {"cohort": "2026-A", "overall": 14},
    }
    data.update(overrides)
    return Trainee.model_validate(data)


def vacancy(**overrides: Any) -> Vacancy:
    """Return a valid, normalised guard vacancy in Bamako; keyword arguments replace fields."""
    _counter["v"] += 1
    data: dict[str, Any] = {
        "id": f"V-TEST-{_counter['v']:04d}",
        "employer": "Sahel Sécurité",
        "title": "Agent de sécurité",
        "level": "guard",
        "town": "Bamako",
    }
    data.update(overrides)
    return Vacancy.model_validate(data)
