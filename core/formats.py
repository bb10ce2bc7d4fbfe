"""How dates, times and amounts are written for people: one way per language, used by pages and messages."""

from __future__ import annotations

from datetime import UTC, date, datetime

#: Thousands separator of each language; French uses the narrow no-break space, so "40 000" never wraps.
_THOUSANDS = {"fr": "\u202f", "en": ","}


def money(amount: int, lang: str = "fr") -> str:
    """Return an amount with its thousands grouped: "85 000" in French, "85,000" in English."""
    return f"{amount:,}".replace(",", _THOUSANDS.get(lang, _THOUSANDS["fr"]))


#: English months as a day is written ("2 Dec 2026"), whatever the machine's locale.
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(moment: date | datetime | None, lang: str = "fr") -> str:
    """Return a day as 31/01/2027 (French) or 31 Jan 2027 (English); a stored time is read in UTC (Mali's and Senegal's time)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        moment = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    if lang == "en":
        return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}"
    return moment.strftime("%d/%m/%Y")


def day_and_hour(moment: datetime | None, lang: str = "fr") -> str:
    """Return a time as 31/01/2027 14:05, in UTC (Mali's and Senegal's time). Nothing for None."""
    if moment is None:
        return ""
    return f"{day(moment, lang)} {(moment.astimezone(UTC) if moment.tzinfo else moment).strftime('%H:%M')}"
