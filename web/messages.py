"""Messages shown to people, by code, in French (the source language of the translation catalogue).

Templates and the API both look codes up here, so a refusal reads the same on a page and in JSON.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (the gettext marker: extracted by pybabel, translated when shown)
    """Mark a French message for the catalogue without translating it yet."""
    return text


MESSAGES: dict[str, str] = {
    "invalid_credentials": N_("Identifiant ou mot de passe incorrect."),
    "too_many_attempts": N_("Trop d'essais. Attendez une minute avant de réessayer."),
    "account_disabled": N_("Ce compte ne peut pas se connecter pour le moment."),
    "pin_six_digits": N_("Le code doit avoir 6 chiffres."),
    "password_too_short": N_("Le mot de passe doit avoir au moins 10 caractères."),
    "login_taken": N_("Cet identifiant est déjà utilisé."),
    "csrf": N_("La page a expiré. Rechargez-la et recommencez."),
    "not_signed_in": N_("Connectez-vous pour continuer."),
    "forbidden": N_("Vous n'avez pas accès à cette page."),
    "not_found": N_("Page introuvable."),
}
