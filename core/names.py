"""How a person's name is shown: stored as it was typed, displayed in one consistent case everywhere."""

from __future__ import annotations

import re

_PART = re.compile(r"([\s'’-]+)")


def display_name(name: str | None) -> str:
    """Return a name as shown to people: each part capitalised, the rest in small letters ("TOURE Sambou" →
    "Toure Sambou", "ousmane coulibaly" → "Ousmane Coulibaly", "n'diaye" → "N'Diaye"); spaces are made single."""
    if not name:
        return ""
    parts = _PART.split(" ".join(name.split()))
    return "".join(part if _PART.fullmatch(part) else part[:1].upper() + part[1:].lower() for part in parts)
