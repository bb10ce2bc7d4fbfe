"""The readable page of a personal export: the same content as the JSON, as a standalone HTML page."""

from __future__ import annotations

from typing import Any

from web.i18n import translator
from web.messages import N_
from web.pages import templates

#: The export's sections, in the order shown, with their headings.
SECTIONS = (
    ("consent", N_("Consentements")), ("accounts", N_("Comptes")), ("offers", N_("Propositions d'emploi")),
    ("candidate_requests", N_("Demandes des sociétés")), ("placements", N_("Emplois")), ("follow_ups", N_("Suivis")),
    ("employment_confirmations", N_("Confirmations des sociétés")), ("attendance", N_("Présence à la formation")),
    ("certifications", N_("Certifications")), ("officer_notes", N_("Notes et appels des conseillers")),
    ("messages", N_("Messages envoyés")),
    ("audit_events", N_("Historique des changements")),
    ("views", N_("Qui a consulté ces données")),
)  # fmt: skip


def export_html(data: dict[str, Any], lang: str) -> str:
    """Return a personal export as a standalone, printable HTML page (every value escaped)."""
    page = templates.env.get_template("privacy/export.html")
    return page.render(data=data, sections=SECTIONS, _=translator(lang), lang=lang)
