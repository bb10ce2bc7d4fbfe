"""Names shown for codes (levels, skills, languages, statuses, score components), in the page's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from employers.models import EndReason, Vacancy
from matching import components
from matching.messages import label, number, say
from matching.models import LANGUAGE_LEVELS, LEVELS, LICENCE_CATEGORIES, LITERACY_LEVELS, SHIFTS
from matching.normalise import fold
from matching.taxonomy import Taxonomy, get_taxonomy
from web.messages import MESSAGES, message


@dataclass(frozen=True)
class Labels:
    """Names shown for codes, in one language: the taxonomy's own labels, the engine's for scales."""

    lang: str

    @property
    def _english(self) -> bool:
        return self.lang == "en"

    def scale(self, value: str | None) -> str:
        """Return the label of a level, shift, language level or literacy level."""
        return label(value, "en" if self._english else "fr") if value else ""

    def skill(self, code: str) -> str:
        """Return a skill's label (the code itself when it is not in the taxonomy)."""
        found = get_taxonomy().skill(code)
        return (found.en if self._english else found.fr) if found else code

    def certification(self, code: str) -> str:
        """Return a certification's full name."""
        found = get_taxonomy().certification(code)
        return (found.en if self._english else found.fr) if found else code

    def language(self, code: str) -> str:
        """Return a language's name."""
        found = get_taxonomy().language(code)
        return (found.en if self._english else found.fr) if found else code

    def names(self, kind: str, values: Iterable[str]) -> str:
        """Return the labels of several values of one kind ("skill", "certification", "language", "scale"), comma-separated."""
        name: Callable[[str], str] = getattr(self, kind)
        return ", ".join(name(v) for v in values)

    def ordinal(self, place: int | None) -> str:
        """Return a place in a ranking as an ordinal: "1er", "3e" in French; "1st", "3rd" in English."""
        n = place or 0
        if not self._english:
            return "1er" if n == 1 else f"{n}e"
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    def number(self, value: float) -> str:
        """Return a number with at most one decimal (a decimal comma in French)."""
        return number(value, "en" if self._english else "fr")

    def component(self, name: str) -> str:
        """Return the name of a score component."""
        return say(f"component_{name}", "en" if self._english else "fr")

    def status(self, kind: str, value: str) -> str:
        """Return the name of a vacancy's or an application's status."""
        return message(f"{kind}_status_{value}", self.lang)

    def offer_state(self, state: str) -> str:
        """Return the name of an offer's state."""
        return message(f"offer_state_{state}", self.lang)

    def phase(self, phase: str) -> str:
        """Return the name of a trainee's phase in the programme."""
        return message(f"phase_{phase}", self.lang)

    def dropout_reason(self, reason: str) -> str:
        """Return the words of a reason for leaving the programme."""
        return message(f"dropout_{reason}", self.lang)

    def end_reason(self, reason: str) -> str:
        """Return the words of a reason a placement ended (employers.models.EndReason)."""
        return message(f"end_reason_{reason}", self.lang)

    def end_reasons(self) -> list[tuple[str, str]]:
        """Return the reasons a placement may end for, as (code, words) options."""
        return [(r.value, self.end_reason(r.value)) for r in EndReason]

    def employment(self, value: str) -> str:
        """Return the words of what a followed-up person does (employers.models.Employment)."""
        return message(f"employment_{value}", self.lang)

    def channel(self, value: str) -> str:
        """Return the words of how a follow-up reached the person (employers.models.ContactChannel)."""
        return message(f"channel_{value}", self.lang)

    def notice(self, kind: str) -> str:
        """Return what an outbox message is about and for whom ("offer_accepted.officer": "Proposition acceptée, à l'équipe")."""
        event, _, audience = kind.partition(".")
        if f"notice_{event}" not in MESSAGES or f"audience_{audience}" not in MESSAGES:
            return kind
        return f"{message(f'notice_{event}', self.lang)}, {message(f'audience_{audience}', self.lang)}"

    def module(self, name: str) -> str:
        """Return a training module's name as written by people: "securite_incendie" reads "Securite incendie"."""
        words = name.replace("_", " ").strip()
        return words[:1].upper() + words[1:]

    def period(self, kind: str) -> str:
        """Return the name of a period or a day of a cohort's calendar."""
        return message(f"period_{kind}", self.lang)

    def choices(self) -> dict[str, list[tuple[str, str]]]:
        """Return the options of the vacancy form's selects, checkbox groups and suggestions."""
        taxonomy = get_taxonomy()
        return {
            "level": [(v, self.scale(v)) for v in LEVELS],
            "shift": [(v, self.scale(v)) for v in SHIFTS],
            "min_literacy": [(v, self.scale(v)) for v in LITERACY_LEVELS if v != "none"],
            "language_level": [(v, self.scale(v)) for v in LANGUAGE_LEVELS],
            "driving_licence": [(v, v) for v in LICENCE_CATEGORIES],
            "language": sorted(((x.code, self.language(x.code)) for x in taxonomy.languages), key=_by_name),
            "certification": [
                (c.code, self.certification(c.code)) for c in taxonomy.certifications if _recognised(taxonomy, c.code)
            ],
            "skill": sorted(((s.code, self.skill(s.code)) for s in taxonomy.skills), key=_by_name),
            "town": sorted(((t.name, t.name) for t in taxonomy.towns), key=_by_name),
        }


def components_shown(vacancy: Vacancy) -> list[str]:
    """Return the score components a vacancy gives content to, in the engine's order.

    The others are 1 for everyone ("no preferred skill asked"): the engine never gives them as reasons
    (matching.explain), and the page leaves their bars out too.
    """

    return components.applying(vacancy)


def _by_name(option: tuple[str, str]) -> str:
    return fold(option[1])  # "Ségou" between "San" and "Sikasso", not after "Syama"


def _recognised(taxonomy: Taxonomy, code: str) -> bool:
    """Return whether the taxonomy's country recognises a certification (every one without a pack)."""
    return taxonomy.pack is None or taxonomy.pack.recognises(code)
