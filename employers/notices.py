"""The notices of the placement workflow, written in French: an SMS and an e-mail (subject and body) for each.

Each notice is keyed "<event>.<audience>". An SMS holds at most 160 characters of the GSM 03.38 alphabet,
so it always fits in one SMS: the values put in it are clipped (a long company name or job title), then the
longest of them shortened further until the text fits, never the essentials (a date, an amount, a code, the
short link); letters outside that alphabet lose their accent (ê → e; é, è, à, ù and Ç exist in it; Bambara's
ɛ, ɔ, ɲ, ŋ are written e, o, ny, ng) and, as a last resort, the text is cut at a word. Employers and officers
read a trainee's code and initials, never the name or phone number.

Languages. French is the source; a notice is rendered in the recipient's language from the catalogue of
employers/locales/<lang>/LC_MESSAGES/*.po (msgid: the French text of the template below), read by the same
mechanism as the pages' (core.catalogue). A text missing from a catalogue is sent in French.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from core import catalogue
from matching.country import get_pack

#: The notices' translations (French, the source, needs none).
LOCALES = Path(__file__).parent / "locales"

#: Characters of one SMS in the GSM 7-bit alphabet.
SMS_LIMIT = 160
#: The GSM 03.38 basic character set: any other character would send the SMS in UCS-2, 70 characters long.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ",
                              "\u202f": " ", "…": "...", "ɛ": "e", "Ɛ": "E", "ɔ": "o", "Ɔ": "O", "ɲ": "ny", "Ɲ": "Ny",
                              "ŋ": "ng", "Ŋ": "Ng"})  # fmt: skip
#: The longest a value may be inside an SMS (the e-mail gets it whole).
SMS_FIELD_LIMITS = {"employer": 40, "title": 40, "town": 24, "trainee_code": 20, "initials": 12, "vacancy_code": 20,
                    "reason": 40, "office_phone": 20, "place": 40, "when": 24, "link": 100}  # fmt: skip
SUBJECT_LIMIT = 200
#: Values never shortened to fit an SMS: what the reader must act on.
ESSENTIALS = frozenset({"deadline", "start_date", "end_date", "salary", "pay", "office_phone", "link", "code", "minutes",
                        "smig_note", "programme", "currency"})  # fmt: skip
#: The shortest a value is made to fit an SMS (shorter, a name no longer says anything).
SHORTEST_FIELD = 8
#: A monthly amount's unit in an SMS, by language.
PER_MONTH = {"fr": "F/mois", "en": "F/month", "bm": "F/kalo"}

#: What a trainee's decline reason code reads as.
DECLINE_REASONS = {"distance": "trop loin", "salary": "salaire", "schedule": "horaires", "other_job": "autre emploi",
                   "other": "autre raison"}  # fmt: skip
NO_REASON = "non précisé"
#: Said after a hiring's salary when it is below the minimum wage ({smig}: the SMIG, {currency}: the pack's).
SMIG_NOTE = " (sous le SMIG de {smig} {currency})"
#: An interview's day and hour in a notice.
INTERVIEW_MOMENT = "{day} à {hour}"
#: What the reason a placement ended (models.EndReason) reads as.
END_REASONS = {"resigned": "démission", "dismissed": "licenciement", "contract_ended": "fin du contrat",
               "trial_failed": "période d'essai non concluante", "remigrated": "reparti à l'étranger",
               "other": "autre raison"}  # fmt: skip
#: What the cause of a move made by the system (models.OfferCause) reads as.
CAUSES = {"vacancy_closed": "offre fermée par la société", "placed_elsewhere": "agent placé sur un autre poste",
          "asked_by_employer": "demandé par la société"}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    """A notice's texts: the SMS, and the e-mail's subject and body."""

    sms: str
    subject: str
    body: str


SIGNATURE = "\n\nL'équipe {programme}"

FOLLOW_UP_BODY = (
    "Bonjour {name},\n\nVotre conseiller {programme} vous appellera cette semaine (vers le {due}) pour prendre de "
    "vos nouvelles, {month} mois après le début de votre emploi chez {employer} : votre travail, votre "
    "vie ici, ce qui va et ce qui ne va pas. Que vous soyez encore dans cet emploi ou non, cet appel "
    "compte pour nous."
)

NOTICES: dict[str, Notice] = {
    "offer_made.trainee": Notice(
        sms="{programme} : poste {title} chez {employer}, {town}{pay}. Répondez avant le {deadline} : {link}",
        subject="Proposition de poste : {title} à {town}",
        body="Bonjour {name},\n\n{employer} vous propose un poste : {title} à {town}.\n\nRépondez avant le {deadline} : "
        "connectez-vous avec votre numéro de téléphone et votre code, ouvrez Mon espace, puis acceptez ou refusez la "
        "proposition. Sans réponse à cette date, elle expire. Votre conseiller peut aussi vous aider." + SIGNATURE,
    ),
    "offer_expiring.trainee": Notice(
        sms="{programme} : la proposition de {employer} ({title}, {town}) expire le {deadline}. Répondez : {link}",
        subject="Rappel : répondez à la proposition de {employer}",
        body="Bonjour {name},\n\nLa proposition de poste de {employer} ({title} à {town}) attend votre réponse. "
        "Elle expire le {deadline} : acceptez-la ou refusez-la avant, dans Mon espace." + SIGNATURE,
    ),
    "offer_accepted.employer": Notice(
        sms="{programme} : le candidat {trainee_code} ({initials}) accepte votre poste {vacancy_code}. Confirmez l'embauche "
        "(date de début, salaire) sur le portail.",
        subject="Candidat {trainee_code} : poste {vacancy_code} accepté",
        body="Bonjour,\n\nLe candidat {trainee_code} ({initials}) accepte votre poste {vacancy_code} ({title} à {town}).\n\n"
        "Confirmez l'embauche sur le portail {programme} en indiquant la date de début et le salaire mensuel, "
        "ou refusez la candidature en donnant la raison." + SIGNATURE,
    ),
    "offer_accepted.officer": Notice(
        sms="{programme} : {trainee_code} accepte le poste {vacancy_code} chez {employer}. L'employeur doit confirmer "
        "l'embauche.",
        subject="{trainee_code} accepte le poste {vacancy_code}",
        body="Bonjour,\n\n{trainee_code} ({initials}) accepte le poste {vacancy_code} ({title} à {town}) chez {employer}. "
        "L'employeur doit maintenant confirmer l'embauche." + SIGNATURE,
    ),
    "offer_declined.employer": Notice(
        sms="{programme} : le candidat {trainee_code} ({initials}) décline votre poste {vacancy_code}. Un conseiller vous "
        "proposera d'autres candidats.",
        subject="Candidat {trainee_code} : poste {vacancy_code} décliné",
        body="Bonjour,\n\nLe candidat {trainee_code} ({initials}) décline votre poste {vacancy_code} ({title} à {town}). "
        "Un conseiller vous proposera d'autres candidats." + SIGNATURE,
    ),
    "offer_declined.officer": Notice(
        sms="{programme} : {trainee_code} décline le poste {vacancy_code} chez {employer} (motif : {reason}). Proposez "
        "un autre candidat.",
        subject="{trainee_code} décline le poste {vacancy_code}",
        body="Bonjour,\n\n{trainee_code} ({initials}) décline le poste {vacancy_code} ({title} à {town}) chez {employer}. "
        "Motif : {reason}.\n\nProposez le poste à un autre candidat." + SIGNATURE,
    ),
    "placement_confirmed.trainee": Notice(
        sms="{programme} : {employer} confirme votre embauche ({title}, {town}). Début le {start_date}, {salary} F{smig_note}.",
        subject="Embauche confirmée : {title} chez {employer}",
        body="Bonjour {name},\n\n{employer} confirme votre embauche : {title} à {town}, à partir du {start_date}, "
        "pour un salaire de {salary} {currency} par mois{smig_note}.\n\nFélicitations ! Votre conseiller reste à votre écoute."
        + SIGNATURE,
    ),
    "placement_confirmed.officer": Notice(
        sms="{programme} : embauche confirmée de {trainee_code} chez {employer} (poste {vacancy_code}), début le {start_date}, "
        "{salary} F{smig_note}.",
        subject="Embauche confirmée : {trainee_code} chez {employer}",
        body="Bonjour,\n\n{employer} confirme l'embauche de {trainee_code} ({initials}) au poste {vacancy_code} "
        "({title} à {town}), à partir du {start_date}, pour {salary} {currency} par mois{smig_note}." + SIGNATURE,
    ),
    "offer_expired.officer": Notice(
        sms="{programme} : {trainee_code} n'a pas répondu à temps pour le poste {vacancy_code} chez {employer}. "
        "La proposition a expiré.",
        subject="Proposition expirée : {trainee_code}, poste {vacancy_code}",
        body="Bonjour,\n\n{trainee_code} ({initials}) n'a pas répondu à temps à la proposition du poste {vacancy_code} "
        "({title} à {town}) chez {employer} : elle a expiré. Proposez le poste à un autre candidat." + SIGNATURE,
    ),
    "offer_rejected.officer": Notice(
        sms="{programme} : {employer} refuse la candidature de {trainee_code} au poste {vacancy_code}. Motif : {reason}.",
        subject="Candidature refusée : {trainee_code}, poste {vacancy_code}",
        body="Bonjour,\n\n{employer} refuse la candidature de {trainee_code} ({initials}) au poste {vacancy_code} "
        "({title} à {town}). Motif : {reason}." + SIGNATURE,
    ),
    "offer_withdrawn.trainee": Notice(
        sms="{programme} : la proposition de poste de {employer} ({title}) est retirée. Votre conseiller reste à votre écoute.",
        subject="Proposition retirée : {title} chez {employer}",
        body="Bonjour {name},\n\nLa proposition de poste de {employer} ({title} à {town}) est retirée : vous n'avez "
        "plus à y répondre. Votre conseiller reste à votre écoute." + SIGNATURE,
    ),
    "placement_ended.officer": Notice(
        sms="{programme} : le placement de {trainee_code} chez {employer} (poste {vacancy_code}) a pris fin le {end_date}. "
        "Motif : {reason}.",
        subject="Fin de placement : {trainee_code} chez {employer}",
        body="Bonjour,\n\nLe placement de {trainee_code} ({initials}) chez {employer}, au poste {vacancy_code} "
        "({title} à {town}), a pris fin le {end_date}. Motif : {reason}." + SIGNATURE,
    ),
    "placement_ended.employer": Notice(
        sms="{programme} : le placement de {trainee_code} au poste {vacancy_code} a pris fin le {end_date}, noté par un "
        "conseiller. Motif : {reason}.",
        subject="Fin de placement : {trainee_code}, poste {vacancy_code}",
        body="Bonjour,\n\nUn conseiller {programme} a noté la fin du placement de {trainee_code} ({initials}) au poste "
        "{vacancy_code} ({title} à {town}) le {end_date}. Motif : {reason}.\n\nSi c'est une erreur, répondez à ce "
        "message." + SIGNATURE,
    ),
    "application_approved.employer": Notice(
        sms="{programme} : la demande d'accès de {employer} est approuvée. Connectez-vous au portail pour publier vos offres.",
        subject="Votre accès au portail {programme} est ouvert",
        body="Bonjour,\n\nLa demande d'accès de {employer} est approuvée : connectez-vous au portail {programme} avec "
        "l'adresse e-mail et le mot de passe de la demande, puis publiez vos offres." + SIGNATURE,
    ),
    "application_rejected.employer": Notice(
        sms="{programme} : la demande d'accès de {employer} n'est pas acceptée. Motif : {reason}.",
        subject="Votre demande d'accès au portail {programme}",
        body="Bonjour,\n\nLa demande d'accès de {employer} au portail {programme} n'est pas acceptée. Motif : {reason}."
        "\n\nVous pouvez nous écrire pour en parler." + SIGNATURE,
    ),
    "interview_scheduled.trainee": Notice(
        sms="{programme} : entretien avec {employer} ({title}) le {when}, lieu : {place}. Votre conseiller peut vous aider.",
        subject="Entretien avec {employer} le {when}",
        body="Bonjour {name},\n\n{employer} souhaite vous rencontrer pour le poste {title} à {town}.\n\nEntretien le {when}, "
        "lieu : {place}.\n\nSi vous ne pouvez pas venir, prévenez votre conseiller." + SIGNATURE,
    ),
    "interview_scheduled.officer": Notice(
        sms="{programme} : {employer} fixe un entretien avec {trainee_code} (poste {vacancy_code}) le {when}, lieu : {place}.",
        subject="Entretien : {trainee_code}, poste {vacancy_code}, le {when}",
        body="Bonjour,\n\n{employer} fixe un entretien avec {trainee_code} ({initials}) pour le poste {vacancy_code} "
        "({title} à {town}) le {when}, lieu : {place}.\n\nAprès l'entretien, proposez le poste à l'agent si la société "
        "le souhaite." + SIGNATURE,
    ),
    "interview_scheduled.employer": Notice(
        sms="{programme} : entretien fixé avec le candidat {trainee_code} ({initials}), poste {vacancy_code}, le {when}, lieu : "
        "{place}.",
        subject="Entretien avec {trainee_code}, poste {vacancy_code}, le {when}",
        body="Bonjour,\n\nUn conseiller {programme} fixe l'entretien du candidat {trainee_code} ({initials}) pour votre poste "
        "{vacancy_code} ({title} à {town}) le {when}, lieu : {place}." + SIGNATURE,
    ),
    "colleague_invited.employer": Notice(
        sms="{programme} : {employer} vous invite sur le portail. Ouvrez le lien de l'e-mail avant le {deadline}.",
        subject="{employer} vous invite sur le portail {programme}",
        body="Bonjour {name},\n\n{employer} vous invite à utiliser son compte sur le portail {programme}, pour suivre ses "
        "offres et ses candidats.\n\nChoisissez votre mot de passe en ouvrant ce lien avant le {deadline} (il ne sert "
        "qu'une fois) :\n{link}\n\nSi vous ne connaissez pas cette société, ignorez ce message." + SIGNATURE,
    ),
    "password_reset.user": Notice(
        sms="{programme} : pour choisir un nouveau mot de passe, ouvrez le lien de l'e-mail (valable {minutes} min).",
        subject="Nouveau mot de passe pour le portail {programme}",
        body="Bonjour,\n\nQuelqu'un (vous, sans doute) a demandé un nouveau mot de passe pour ce compte du portail "
        "{programme}. Choisissez-le en ouvrant ce lien dans les {minutes} minutes (il ne sert qu'une fois) :\n{link}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas." + SIGNATURE,
    ),
    "follow_up_call.trainee": Notice(
        sms="{programme} : Bonjour, votre conseiller RDV vous appellera cette semaine pour prendre de vos nouvelles et "
        "parler de votre emploi.",
        subject="Votre conseiller {programme} vous appelle cette semaine",
        body=FOLLOW_UP_BODY + SIGNATURE,
    ),
    "follow_up_call_phone.trainee": Notice(
        sms="{programme} : Bonjour, votre conseiller RDV vous appellera cette semaine pour prendre de vos nouvelles. "
        "Une question ? Appelez le {office_phone}.",
        subject="Votre conseiller {programme} vous appelle cette semaine",
        body=FOLLOW_UP_BODY + "\n\nUne question ? Appelez le {office_phone}." + SIGNATURE,
    ),
    "pin_reset.trainee": Notice(
        sms="{programme} : votre code pour choisir un nouveau code secret est {code}. Il expire dans {minutes} min. Ne le "
        "donnez à personne.",
        subject="Votre code pour choisir un nouveau code secret",
        body="Bonjour {name},\n\nVotre code pour choisir un nouveau code secret est {code}. Il expire dans {minutes} "
        "minutes. Si vous n'avez rien demandé, ne faites rien et parlez-en à votre conseiller." + SIGNATURE,
    ),
}
#: A short link to an offer: the public address of the application (web.config's public_url), then /o/<code>.
_PUBLIC_URL = {"base": ""}


def use_public_url(base: str) -> None:
    """Set the public address of the application that short links in SMS start with (web.config sets it)."""
    _PUBLIC_URL["base"] = base.rstrip("/")


def offer_code(offer_id: int) -> str:
    """Return an offer's short code: its id in base 36 (the short link's last part)."""
    digits, code = "0123456789abcdefghijklmnopqrstuvwxyz", ""
    while True:
        offer_id, rest = divmod(offer_id, 36)
        code = digits[rest] + code
        if offer_id == 0:
            return code


def offer_id_of(code: str) -> int | None:
    """Return the offer id a short code stands for (None for a code that is not one)."""
    try:
        return int(code, 36) if code.isascii() and code.isalnum() and len(code) <= 12 else None
    except ValueError:
        return None


def short_link(offer_id: int) -> str:
    """Return the short link to an offer's page that an SMS carries."""
    return f"{_PUBLIC_URL['base']}/o/{offer_code(offer_id)}"


@cache
def translations(lang: str) -> NullTranslations:
    """Return the notices' catalogue of a language (French and a language without one: the texts as written)."""
    return catalogue.compiled(LOCALES, lang)


def gsm(text: str) -> str:
    """Return the text in the GSM 03.38 basic alphabet: accents outside it dropped, other characters as "?"."""
    return "".join(_gsm_char(c) for c in text.translate(_PUNCTUATION))


def _gsm_char(char: str) -> str:
    if char in GSM_BASIC:
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(c in GSM_BASIC for c in base) else "?"


def clip(text: str, limit: int) -> str:
    """Return the text cut to `limit` characters at a word's end when there is one, "..." marking a cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    word_end = cut.rfind(" ")
    return (cut[:word_end] if word_end > limit // 2 else cut).rstrip(" ,;:") + "..."


def render(key: str, values: Mapping[str, str], lang: str = "fr") -> Notice:
    """Return a notice in `lang` filled with its values: the SMS in one GSM message, the e-mail whole."""
    template, translate = NOTICES[key], translations(lang).gettext
    values = {**country_values(), **values}
    subject = clip(translate(template.subject).format_map(values), SUBJECT_LIMIT)
    return Notice(fit_sms(translate(template.sms), values), subject, translate(template.body).format_map(values))


def country_values() -> dict[str, str]:
    """Return the values every notice may say from the active country pack: the programme's name, the currency."""
    pack = get_pack()
    return {"programme": pack.programme_short, "currency": pack.currency_label}


def fit_sms(template: str, values: Mapping[str, str]) -> str:
    """Return the SMS filled with its values in at most 160 GSM characters: the longest values shortened first.

    Each value is first clipped to its own limit; while the text is too long, the longest value that is not an
    essential one (ESSENTIALS) is shortened by what is too much (at most down to the next longest, so long
    values end up alike), never below SHORTEST_FIELD; only then is the text cut.
    """
    limits = {name: SMS_FIELD_LIMITS.get(name, 40) for name in values}
    while True:
        short = {name: value if name in ESSENTIALS else clip(gsm(value), limits[name]) for name, value in values.items()}
        text = gsm(template.format_map(short))
        excess = len(text) - SMS_LIMIT
        shrinkable = [n for n in values if n not in ESSENTIALS and f"{{{n}}}" in template and len(short[n]) > SHORTEST_FIELD]
        if excess <= 0 or not shrinkable:
            return clip(text, SMS_LIMIT)
        longest, *others = sorted(shrinkable, key=lambda n: -len(short[n]))
        # Down to the next longest value first, so that long values end up alike rather than one made tiny.
        target = max(len(short[longest]) - excess, len(short[others[0]]) if others else 0)
        limits[longest] = max(SHORTEST_FIELD, min(target, len(short[longest]) - 1))
