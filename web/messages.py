"""Messages shown to people, by code, in French (the source language of the translation catalogue).

Templates and the API both look codes up here, so a refusal reads the same on a page and in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from core.problems import Problem
from web.i18n import translator


def N_(text: str) -> str:  # noqa: N802  (the gettext marker: extracted by pybabel, translated when shown)
    """Mark a French message for the catalogue without translating it yet."""
    return text


MESSAGES: dict[str, str] = {
    "invalid_credentials": N_(
        "Identifiant ou mot de passe incorrect. (Le compte d'une société ne s'ouvre qu'une fois sa demande acceptée.)"
    ),
    "too_many_attempts": N_("Trop d'essais. Attendez {minutes} min avant de réessayer."),
    "pin_six_digits": N_("Le code doit avoir 6 chiffres."),
    "password_too_short": N_("Le mot de passe doit avoir au moins 10 caractères."),
    "password_too_long": N_("Le mot de passe doit avoir au plus 256 caractères."),
    "login_invalid": N_("Cet identifiant n'est pas valable : 254 caractères au plus, sans caractère de contrôle."),
    "login_taken": N_("Cet identifiant est déjà utilisé."),
    "account_not_found": N_("Aucun compte n'a cet identifiant."),
    "disable_reason_required": N_("Écrivez pourquoi ce compte est désactivé."),
    "own_account": N_("Vous ne pouvez pas désactiver votre propre compte."),
    "done_account_disabled": N_("Le compte est désactivé : il ne peut plus se connecter."),
    "done_account_enabled": N_("Le compte est de nouveau actif."),
    "csrf": N_("La page a expiré. Rechargez-la et recommencez."),
    "request_too_large": N_("La demande est trop volumineuse : {limit} Ko au plus."),
    "not_signed_in": N_("Connectez-vous pour continuer."),
    "forbidden": N_("Vous n'avez pas accès à cette page."),
    "not_found": N_("Page introuvable."),
    "body_unreadable": N_("Le corps de la demande n'est pas du JSON lisible (UTF-8)."),
    "idempotency_key_invalid": N_("L'en-tête Idempotency-Key doit avoir de 1 à {limit} caractères."),
    "idempotency_key_reused": N_("Cette clé Idempotency-Key a déjà servi pour une autre demande : prenez-en une nouvelle."),
    "number_out_of_range": N_("Un nombre de la demande est trop grand : aucune fiche n'a ce numéro."),
    # employers
    "employer_error": N_("Cette action n'est pas possible."),
    "weights_not_adoptable": N_("Les poids proposés ne remplissent pas la règle d'adoption : les poids en service sont gardés."),
    "invalid_form": N_("Certains champs sont à corriger : voyez les messages sous chaque champ."),
    "field_required": N_("Ce champ est obligatoire."),
    "field_choice": N_("Choisissez une des valeurs proposées."),
    "field_whole_number": N_("Écrivez un nombre entier, sans virgule."),
    "field_number": N_("Écrivez un nombre, par exemple 1,5."),
    "field_at_least": N_("Écrivez un nombre au moins égal à {limit}."),
    "field_at_most": N_("Écrivez un nombre au plus égal à {limit}."),
    "field_too_long": N_("Ce texte est trop long : {limit} caractères au plus."),
    "seats_below_filled": N_("{filled} places sont déjà pourvues : le nombre de places ne peut pas être plus petit."),
    "field_date": N_("Écrivez une vraie date sous la forme AAAA-MM-JJ, par exemple 2026-03-01."),
    "field_invalid": N_("Cette valeur n'est pas valable."),
    "unknown_town": N_("« {value} » n'est pas dans notre liste de villes : seuls les agents de cette ville seront proposés."),
    "unknown_certification": N_("« {value} » ne correspond à aucune certification connue ; elle est gardée telle quelle."),
    "unknown_skill": N_("« {value} » ne correspond à aucune compétence connue ; elle est gardée telle quelle."),
    "unknown_language": N_("« {value} » ne correspond à aucune langue connue ; elle est gardée telle quelle."),
    "below_smig": N_(
        "Ce salaire est inférieur au SMIG ({smig} {currency} par mois). L'offre reste possible ; vérifiez le montant."
    ),
    "invalid_email": N_("Écrivez une adresse e-mail valable, par exemple nom@societe.ml."),
    "invalid_phone": N_("Écrivez un numéro de téléphone valable, par exemple {example}."),
    "licence_taken": N_("Une société a déjà demandé un accès avec ce numéro d'agrément."),
    "email_taken": N_("Un compte utilise déjà cette adresse e-mail."),
    "not_pending": N_("Cette demande a déjà été traitée."),
    "reason_required": N_("Indiquez la raison du refus."),
    "end_reason_required": N_("Indiquez pourquoi le contrat prend fin."),
    "withdraw_reason_required": N_("Écrivez pourquoi vous retirez cette proposition."),
    "invalid_transition": N_("Cette action n'est pas possible pour une offre dans cet état."),
    "vacancy_not_open": N_("Publiez l'offre avant de demander un candidat."),
    "candidate_unavailable": N_("Cet agent ne figure pas parmi les candidats proposés pour cette offre."),
    "unknown_employers": N_("Des offres nomment une société inconnue, ou un nom que portent plusieurs sociétés."),
    "vacancy_code_taken": N_("Des offres reprennent le code d'une offre d'une autre société."),
    "duplicate_vacancy_code": N_("Le même code d'offre apparaît plusieurs fois."),
    "vacancy_status_draft": N_("Brouillon"),
    "vacancy_status_open": N_("Publiée"),
    "vacancy_status_filled": N_("Pourvue"),
    "vacancy_status_closed": N_("Fermée"),
    "employer_status_pending": N_("En attente"),
    "employer_status_approved": N_("Approuvée"),
    "employer_status_rejected": N_("Refusée"),
    "done_saved": N_("L'offre est enregistrée."),
    "done_published": N_("L'offre est publiée : elle est proposée aux candidats."),
    "done_closed": N_("L'offre est fermée."),
    "done_requested": N_("Votre demande est transmise à l'agent de placement."),
    "done_approved": N_("La société est approuvée : ses comptes peuvent se connecter."),
    "done_rejected": N_("La demande est refusée."),
    # the company's account, its colleagues and its candidate lists (issue #13, employers)
    "available_now": N_("Disponible aujourd'hui"),
    "available_by_start": N_("Disponible au début du poste ({day})"),
    "done_password_reset": N_("Votre nouveau mot de passe est enregistré : connectez-vous avec lui."),
    "done_company_saved": N_("Les informations de la société sont enregistrées."),
    "done_invited": N_("L'invitation est envoyée par e-mail : le lien sert une fois, pendant 7 jours."),
    "done_joined": N_("Votre compte est créé : connectez-vous avec votre e-mail et votre mot de passe."),
    "invitation_unusable": N_(
        "Ce lien d'invitation ne sert plus : il a déjà servi ou il a expiré. Demandez une nouvelle invitation."
    ),
    "done_interview": N_("L'entretien est fixé : l'agent et son conseiller sont prévenus."),
    "interview_in_past": N_("Choisissez une date et une heure à venir."),
    # offers and placements
    "action_not_allowed": N_("Votre rôle ne permet pas cette action."),
    "invalid_offer_transition": N_("Cette proposition a déjà changé d'état : rechargez la page pour voir où elle en est."),
    "trainee_ineligible": N_(
        "Cet agent ne remplit pas les exigences de l'offre. Seul un agent de placement peut passer outre, avec une raison écrite."
    ),
    "override_reason_required": N_("Écrivez pourquoi vous passez outre aux exigences de l'offre."),
    "offer_expired": N_("Le délai pour répondre à cette proposition est passé. Parlez-en à votre conseiller."),
    "vacancy_full": N_("Toutes les places de cette offre sont déjà pourvues."),
    "already_placed": N_("Cet agent a déjà un poste confirmé."),
    "placement_ended": N_("Ce placement est déjà terminé."),
    "duplicate_code": N_("Le même code d'agent apparaît plusieurs fois."),
    "profile_error": N_("Cette action n'est pas possible sur ce profil."),
    # trainee profiles and imports
    "trainee_code_taken": N_("Un autre agent a déjà ce code."),
    "unknown_place": N_(
        "« {value} » n'est pas dans notre liste de villes : il est gardé tel quel, mais la distance aux postes ne peut pas "
        "être calculée."
    ),
    "invalid_country": N_("Écrivez le pays en deux lettres, par exemple ML ou FR."),
    "no_phone": N_("Ajoutez d'abord un numéro de téléphone au profil : c'est l'identifiant de l'agent pour se connecter."),
    "import_no_file": N_("Choisissez un fichier .csv ou .json."),
    "import_too_large": N_("Ce fichier dépasse {limit} Mo. Découpez-le en plusieurs fichiers."),
    "import_tampered": N_("Le fichier à importer n'a pas pu être vérifié (modifié ou trop ancien). Chargez-le de nouveau."),
    "offer_state_shortlisted": N_("Présélectionné"),
    "offer_state_interview": N_("Entretien"),
    "offer_state_offered": N_("Proposée"),
    "offer_state_accepted": N_("Acceptée"),
    "offer_state_declined": N_("Refusée par l'agent"),
    "offer_state_confirmed": N_("Embauche confirmée"),
    "offer_state_rejected_by_employer": N_("Refusée par la société"),
    "offer_state_expired": N_("Expirée"),
    "offer_state_withdrawn": N_("Retirée"),
    # why the system moved an offer (employers.models.OfferCause)
    "offer_cause_vacancy_closed": N_("offre fermée par la société"),
    "offer_cause_placed_elsewhere": N_("agent placé sur un autre poste"),
    "offer_cause_asked_by_employer": N_("demandé par la société"),
    "done_shortlisted": N_("L'agent est ajouté à la présélection."),
    "done_offered": N_("La proposition est envoyée à l'agent."),
    "done_withdrawn": N_("La proposition est retirée."),
    "language_unknown": N_("Langue de mes messages : choisissez une des langues de la liste."),
    "done_accepted": N_("Vous avez accepté. La société va confirmer votre embauche."),
    "done_declined": N_("Vous avez refusé cette proposition."),
    "done_confirmed": N_("L'embauche est confirmée."),
    "done_confirmed_below_smig": N_(
        "L'embauche est confirmée, mais ce salaire est inférieur au SMIG : l'agent et son conseiller en sont informés."
    ),
    "done_turned_down": N_("Vous avez refusé ce candidat."),
    "done_ended": N_("Le placement est terminé."),
    "done_profile_saved": N_("Le profil est enregistré."),
    "done_pin_issued": N_("Le nouveau code est créé."),
    "done_imported": N_("Le fichier est importé."),
    "done_availability": N_("Votre disponibilité est enregistrée."),
    "done_pin": N_("Votre nouveau code secret est enregistré."),
    # cohorts, the training school, departures
    "cohort_code_taken": N_("Une autre promotion a déjà ce code."),
    "selection_order": N_("La fin de la sélection ne peut pas précéder son début."),
    "training_order": N_("La fin de la formation ne peut pas précéder son début."),
    "employment_order": N_("Les emplois ne peuvent pas commencer avant la fin de la formation."),
    "module_twice": N_("Le module « {value} » apparaît deux fois."),
    "date_in_future": N_("Cette date est dans le futur : écrivez la date d'aujourd'hui ou une date passée."),
    "day_outside_training": N_("Ce jour est en dehors des dates de formation de la promotion."),
    "grade_range": N_("Écrivez une note entre 0 et 20, par exemple 14,5."),
    "dropout_reason_required": N_("Choisissez la raison du départ."),
    "done_cohort_saved": N_("La promotion est enregistrée."),
    "done_departure": N_("Le départ de l'agent est enregistré : il n'est plus proposé aux sociétés."),
    "done_departure_cancelled": N_("Le départ est annulé : l'agent est de nouveau dans le programme."),
    "done_attendance": N_("Les présences sont enregistrées."),
    "done_grades": N_("Les notes sont enregistrées."),
    "done_certification": N_("La certification est enregistrée."),
    "done_completed": N_("La fin de formation est enregistrée."),
    "phase_selected": N_("Sélectionné"),
    "phase_returned": N_("Rentré au pays"),
    "phase_in_training": N_("En formation"),
    "phase_trained": N_("Formé"),
    "phase_job_seeking": N_("Cherche un emploi"),
    "phase_placed": N_("En poste"),
    "phase_left": N_("A quitté le programme"),
    "dropout_health": N_("Santé"),
    "dropout_family": N_("Raisons familiales"),
    "dropout_remigrated": N_("Reparti à l'étranger"),
    "dropout_other_job": N_("A trouvé un autre emploi"),
    "dropout_disciplinary": N_("Exclu pour raison disciplinaire"),
    "dropout_unreachable": N_("Injoignable"),
    "dropout_other": N_("Autre raison"),
    # placements' ends and follow-ups
    "end_before_start": N_("Le contrat ne peut pas finir avant son début ({start})."),
    "end_reason_resigned": N_("Démission"),
    "end_reason_dismissed": N_("Licenciement"),
    "end_reason_contract_ended": N_("Fin du contrat"),
    "end_reason_trial_failed": N_("Période d'essai non concluante"),
    "end_reason_remigrated": N_("Reparti à l'étranger"),
    "end_reason_other": N_("Autre raison"),
    "only_when_reached": N_("Laissez ce champ vide : la personne n'a pas été jointe."),
    "done_before_start": N_("Le suivi ne peut pas précéder le début du contrat ({start})."),
    "follow_up_not_due": N_("Ce suivi n'est pas encore dû."),
    "follow_up_recorded": N_("Ce suivi est déjà enregistré."),
    "done_follow_up": N_("Le suivi est enregistré."),
    "done_employment_confirmed": N_("Votre réponse est enregistrée. Merci !"),
    "employment_same_employer": N_("Toujours chez le même employeur"),
    "employment_other_security_job": N_("Autre emploi dans la sécurité"),
    "employment_other_job": N_("Autre emploi"),
    "employment_unemployed": N_("Sans emploi"),
    "employment_abroad": N_("Reparti à l'étranger"),
    # the officers' notes, call log, bulk SMS and plan (issue 13)
    "invalid_choice": N_("Choisissez une valeur de la liste."),
    "note_text_required": N_("Écrivez la note."),
    "note_too_long": N_("La note est trop longue : {limit} caractères au plus."),
    "call_outcome_required": N_("Dites comment l'appel s'est passé."),
    "call_reached": N_("joint"),
    "call_no_answer": N_("pas de réponse"),
    "call_wrong_number": N_("mauvais numéro"),
    "done_note": N_("La note est enregistrée."),
    "sms_text_required": N_("Écrivez le message."),
    "sms_too_long": N_("Le SMS dépasse {limit} caractères : raccourcissez-le."),
    "sms_preview_expired": N_("L'aperçu a expiré ou a été modifié : relisez-le et confirmez de nouveau."),
    "done_sms_queued": N_("Les SMS sont dans la boîte d'envoi."),
    "done_plan_offered": N_("Les propositions du plan sont envoyées."),
    "notice_offer_made": N_("Proposition de poste"),
    "notice_interview_scheduled": N_("Entretien fixé"),
    "notice_colleague_invited": N_("Invitation d'un collègue"),
    "notice_password_reset": N_("Nouveau mot de passe"),
    "notice_offer_expiring": N_("Rappel avant expiration"),
    "notice_offer_accepted": N_("Proposition acceptée"),
    "notice_offer_declined": N_("Proposition déclinée"),
    "notice_offer_expired": N_("Proposition expirée"),
    "notice_offer_rejected": N_("Candidature refusée"),
    "notice_offer_withdrawn": N_("Proposition retirée"),
    "notice_placement_confirmed": N_("Embauche confirmée"),
    "notice_placement_ended": N_("Fin de placement"),
    "notice_follow_up_call": N_("Appel de suivi"),
    "notice_follow_up_call_phone": N_("Appel de suivi"),
    "audience_trainee": N_("à l'agent"),
    "audience_employer": N_("à la société"),
    "audience_officer": N_("à l'équipe"),
    "audience_user": N_("à la personne du compte"),
    "channel_call": N_("Appel"),
    "channel_visit": N_("Visite"),
    "channel_sms": N_("SMS"),
    "period_selection": N_("Sélection"),
    "period_training": N_("Formation"),
    "period_training_paris": N_("Formation à Paris"),
    "period_training_bamako": N_("Formation à Bamako"),
    "period_return": N_("Retour au pays"),
    "period_employment": N_("Début des emplois prévu"),
}


def message(code: str, lang: str, values: Mapping[str, str] | None = None) -> str:
    """Return the sentence of a message code in a language, filled with its values."""
    text = translator(lang)(MESSAGES.get(code, MESSAGES["employer_error"]))
    return text.format(**values) if values else text


def field_messages(problems: Iterable[Problem], lang: str, *, top_level: bool = False) -> dict[str, str]:
    """Return {field: sentences} for problems; `top_level` gathers "required_languages.0.level" under "required_languages"."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        key = problem.field.split(".")[0] if top_level else problem.field
        sentence = message(problem.code, lang, problem.values)
        if sentence not in found.setdefault(key, []):
            found[key].append(sentence)
    return {key: " ".join(sentences) for key, sentences in found.items()}


def sentences(problems: Iterable[Problem], lang: str) -> list[str]:
    """Return the sentence of each problem."""
    return [message(p.code, lang, p.values) for p in problems]


def done_message(done: str, lang: str) -> str | None:
    """Return the confirmation named by a redirect's ?done=, or None."""
    return message(f"done_{done}", lang) if f"done_{done}" in MESSAGES else None
