"""The engine's message catalogue: every sentence it shows, in French (default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

CATALOGUE: dict[str, dict[Lang, str]] = {
    # hard rules
    "missing_certification": {"fr": "certification requise manquante : {code}", "en": "missing required certification {code}"},
    "missing_certifications": {
        "fr": "certifications requises manquantes : {code}",
        "en": "missing required certifications {code}",
    },
    "missing_language": {
        "fr": "langue requise manquante : {language} ({code}), niveau {level} demandé",
        "en": "missing required language {language} ({code}), {level} required",
    },
    "language_below": {
        "fr": "{language} ({code}) : niveau {have}, {level} demandé",
        "en": "{language} ({code}) spoken at {have}, below the {level} required",
    },
    "outside_mobility_town": {
        "fr": "{site} est hors de la zone de mobilité ({home} et {radius} km autour)",
        "en": "{site} is outside the trainee's mobility ({home} and {radius} km around)",
    },
    "outside_mobility_region": {
        "fr": "{site} est hors de la zone de mobilité (région de {region})",
        "en": "{site} is outside the trainee's mobility ({region} region)",
    },
    "outside_mobility_country": {
        "fr": "{site} est hors de la zone de mobilité ({country})",
        "en": "{site} is outside the trainee's mobility ({country})",
    },
    "missing_licence": {
        "fr": "permis de conduire {category} requis, absent",
        "en": "missing required driving licence {category}",
    },
    "experience_below": {
        "fr": "{have} d'expérience en sécurité, {need} requis",
        "en": "{have} of security experience, {need} required",
    },
    "literacy_below": {
        "fr": "lecture et écriture : niveau {have}, {need} requis",
        "en": "literacy {have}, below the {need} required",
    },
    "count_mobility": {"fr": "{site} est hors de leur zone de mobilité", "en": "{site} is outside their mobility"},
    "count_experience": {
        "fr": "moins de {need} d'expérience en sécurité",
        "en": "less than {need} of security experience",
    },
    "count_literacy": {"fr": "lecture et écriture sous le niveau {need}", "en": "literacy below {need}"},
    # training gaps (`rdvm gaps`): one step that would open seats
    "gap": {
        "fr": "{trainees} stagiaire(s) à {step} de {seats} place(s) ouverte(s) ({vacancies} offre(s))",
        "en": "{trainees} trainee(s) one {step} away from {seats} open seat(s) ({vacancies} vacancies)",
    },
    "gap_certification": {"fr": "un {code}", "en": "{code}"},
    "gap_language": {"fr": "un niveau « {level} » en {language}", "en": "{language} ({level}) level"},
    "gap_licence": {"fr": "un permis {category}", "en": "driving licence {category}"},
    "gap_town": {"fr": "une ville de plus ({town})", "en": "extra town ({town})"},
    # the components' names, beside their bars on the pages
    "component_skills": {"fr": "Compétences demandées", "en": "Required skills"},
    "component_preferred_skills": {"fr": "Compétences appréciées", "en": "Preferred skills"},
    "component_certifications": {"fr": "Certifications appréciées", "en": "Preferred certifications"},
    "component_text": {"fr": "Profil proche de l'offre", "en": "Profile close to the job"},
    "component_experience": {"fr": "Expérience", "en": "Experience"},
    "component_training": {"fr": "Note de formation", "en": "Training grade"},
    "component_proximity": {"fr": "Proximité", "en": "Proximity"},
    "component_availability": {"fr": "Disponibilité", "en": "Availability"},
    "component_level": {"fr": "Niveau souhaité", "en": "Wanted level"},
    "component_shift": {"fr": "Horaires souhaités", "en": "Wanted shift"},
    "component_languages": {"fr": "Langues", "en": "Languages"},
    "component_leadership": {"fr": "Encadrement déjà exercé", "en": "Leadership history"},
    # what raised or lowered a score
    "holds_required": {"fr": "détient {codes} (requis)", "en": "holds {codes} (required)"},
    "holds_required_by": {
        "fr": "détient {held}, qui couvre {code} (requis)",
        "en": "holds {held}, which covers {code} (required)",
    },
    "shown_skill": {"fr": "{skill} : {shown}", "en": "{skill}: {shown}"},
    "shown_module": {"fr": "module {grade}/20", "en": "module {grade}/20"},
    "shown_title": {"fr": "poste « {title} »", "en": "job “{title}”"},
    "skills_high": {"fr": "maîtrise {hits} des {total} compétences demandées", "en": "has {hits} of the {total} required skills"},
    "skills_low": {"fr": "compétences demandées absentes : {names}", "en": "lacks required skills: {names}"},
    "preferred_skills_high": {"fr": "compétences appréciées : {names}", "en": "has preferred skills: {names}"},
    "preferred_skills_low": {"fr": "compétences appréciées absentes : {names}", "en": "lacks preferred skills: {names}"},
    "certifications_high": {"fr": "détient {codes} (apprécié)", "en": "holds {codes} (preferred)"},
    "certifications_low": {"fr": "n'a pas {codes} (apprécié)", "en": "lacks {codes} (preferred)"},
    "text_high": {"fr": "profil proche de l'offre", "en": "profile close to the job description"},
    "text_low": {"fr": "profil éloigné de l'offre", "en": "profile far from the job description"},
    "experience_high": {"fr": "{years} d'expérience en sécurité", "en": "{years} of security experience"},
    "experience_low": {"fr": "peu d'expérience en sécurité ({years})", "en": "little security experience ({years})"},
    "training_high": {"fr": "note de formation {grade}/20", "en": "training grade {grade}/20"},
    "training_low": {"fr": "note de formation faible ({grade}/20)", "en": "low training grade ({grade}/20)"},
    "training_none": {"fr": "pas de note de formation ({grade}/20 supposé)", "en": "no training grade ({grade}/20 assumed)"},
    "leadership_high": {"fr": "a déjà encadré des agents ({years})", "en": "has led a team before ({years})"},
    "leadership_low": {"fr": "n'a jamais encadré d'agents", "en": "has never led a team"},
    "proximity_same": {"fr": "habite à {site}, où se trouve le poste", "en": "lives in {site}, where the job is"},
    "proximity_extra": {"fr": "accepte de travailler à {site}", "en": "accepts to work in {site}"},
    "proximity_extra_far": {
        "fr": "accepte de travailler à {site}, habite à {km} km du site",
        "en": "accepts to work in {site}, lives {km} km from the site",
    },
    "proximity_km": {"fr": "habite à {km} km du site", "en": "lives {km} km from the site"},
    "proximity_unknown": {"fr": "distance au site inconnue", "en": "distance to the site unknown"},
    "availability_high": {"fr": "disponible à la date de début", "en": "available by the start date"},
    "availability_low": {
        "fr": "disponible {days} jours après la date de début",
        "en": "available {days} days after the start date",
    },
    "level_high": {"fr": "souhaite un poste de {level}", "en": "wants a {level} post"},
    "level_low": {"fr": "préfère un autre niveau ({levels})", "en": "prefers another level ({levels})"},
    "shift_high": {"fr": "accepte le travail de {shift}", "en": "accepts {shift} work"},
    "shift_low": {"fr": "préfère le travail de {shifts}", "en": "prefers {shifts} work"},
    "languages_high": {"fr": "parle {names}", "en": "speaks {names}"},
    # what separates a candidate from the next one (the pages)
    "ahead_part": {"fr": "{name} +{points}", "en": "{name} +{points}"},
    "ahead_close": {
        "fr": "devant le suivant (écart {gap}/100) : {parts}",
        "en": "ahead of the next one ({gap}/100 apart): {parts}",
    },
    "tie_band": {
        "fr": "à égalité avec le suivant (écart {gap}/100) : {parts}",
        "en": "tied with the next one ({gap}/100 apart): {parts}",
    },
    "tie_exact": {
        "fr": "à égalité exacte avec le suivant, départagés par {why}",
        "en": "exactly tied with the next one, separated by {why}",
    },
    "tie_experience": {"fr": "l'expérience ({a} contre {b})", "en": "experience ({a} against {b})"},
    "tie_distance": {"fr": "la distance ({a} km contre {b} km)", "en": "distance ({a} km against {b} km)"},
    "tie_id": {"fr": "l'ordre des identifiants", "en": "the order of the ids"},
    "languages_low": {"fr": "parle peu {names}", "en": "speaks little {names}"},
}

LABELS: dict[str, dict[Lang, str]] = {
    "guard": {"fr": "agent", "en": "guard"},
    "supervisor": {"fr": "chef de poste", "en": "supervisor"},
    "manager": {"fr": "responsable", "en": "manager"},
    "day": {"fr": "jour", "en": "day"},
    "night": {"fr": "nuit", "en": "night"},
    "rotating": {"fr": "rotation", "en": "rotating"},
    "basic": {"fr": "notions", "en": "basic"},
    "conversational": {"fr": "conversation", "en": "conversational"},
    "fluent": {"fr": "courant", "en": "fluent"},
    "native": {"fr": "langue maternelle", "en": "native"},
    "none": {"fr": "aucun", "en": "none"},
    "functional": {"fr": "fonctionnel", "en": "functional"},
}


_AND: dict[Lang, str] = {"fr": " et ", "en": " and "}


def listed(items: list[str], lang: Lang) -> str:
    """Return items as a sentence lists them: "a, b et c", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + _AND[lang] + items[-1]


def say(key: str, lang: Lang, **values: object) -> str:
    """Return the catalogue sentence `key` in `lang`, filled with values."""
    return CATALOGUE[key][lang].format(**values)


def label(value: str, lang: Lang) -> str:
    """Return the display label of an enumerated value (level, shift, language level, literacy)."""
    return LABELS.get(value, {}).get(lang, value)


#: A number of years, singular and plural, by language (French: below 2 is singular; English: only 1).
_YEARS = {"fr": ("{n} an", "{n} ans"), "en": ("{n} year", "{n} years")}


def years_text(value: float, lang: Lang) -> str:
    """Return a number of years with its unit in the right number: "1 an", "1,5 an", "2 ans", "1 year", "0 years"."""
    singular = abs(value) < 2 if lang == "fr" else value == 1
    return _YEARS[lang][0 if singular else 1].format(n=number(value, lang))


def number(value: float, lang: Lang) -> str:
    """Return a number with at most two decimals (1.96 never reads "2"), with a decimal comma in French."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text
