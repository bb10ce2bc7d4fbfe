"""The officers' records: the audit trail (searchable by trainee, company, vacancy) and the outbox."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from core import audit as audit_trail
from employers import dashboard as records
from employers.dashboard import AuditSearch
from web import privacy
from web.auth.models import Role
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import EvaluatorUser, Lang, OfficerUser
from web.errors import DomainRoute
from web.messages import N_
from web.pages import render
from web.privacy import VIEWED_PAGES
from web.routes.accounts import ROLE_NAMES
from web.routes.officer import officer_context

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

#: Names of what an audit event is about, and of a placement's states.
ENTITIES = {"offer": N_("Proposition"), "placement": N_("Placement"), "vacancy": N_("Offre"), "employer": N_("Société"),
            "trainee": N_("Agent"), "user": N_("Compte"), "cohort": N_("Promotion"),
            "training_centre": N_("Centre de formation"), "import": N_("Import"), "follow_up": N_("Suivi"),
            "weights": N_("Poids du score"), "trainee_note": N_("Note sur l'agent"), "sms": N_("SMS groupé"),
            "plan": N_("Plan de placement")}  # fmt: skip
#: What was done, for the events that are not moves between offer or placement states (those show their states).
ACTIONS = {
    "apply": N_("Demande d'accès"), "approve": N_("Demande acceptée"), "reject": N_("Demande refusée"),
    "create": N_("Création"), "edit": N_("Modification"), "publish": N_("Publication"), "close": N_("Clôture"),
    "fill": N_("Complète (dernier poste pourvu)"), "reopen": N_("Rouverte (un poste libéré)"),
    "consent": N_("Consentement au partage"), "availability": N_("Disponibilités"), "pin_reset": N_("Nouveau code PIN"),
    "pin_change": N_("Code PIN changé"), "password_change": N_("Mot de passe changé"), "enable": N_("Compte activé"),
    "disable": N_("Compte désactivé"), "trainees": N_("Import d'agents"), "vacancies": N_("Import d'offres"),
    "attendance": N_("Appel"), "grades": N_("Notes des modules"), "certification": N_("Certification délivrée"),
    "training_completed": N_("Fin de formation"), "departure": N_("Départ du programme"),
    "departure_cancelled": N_("Départ annulé"), "adopt": N_("Poids adoptés"),
    "roll_back": N_("Retour à des poids antérieurs"), "note": N_("Note écrite"), "call": N_("Appel téléphonique"),
    "send": N_("Envoi"), "offer": N_("Propositions envoyées"),
}  # fmt: skip
#: The entities whose events are moves between the states of their lifecycle (shown as "from → to").
MOVES = frozenset({"offer", "placement"})
CONSENT = {"given": N_("donné"), "withdrawn": N_("retiré")}
PLACEMENT_STATES = {"active": N_("En poste"), "ended": N_("Placement terminé")}
#: A trainee's reasons for declining, as the audit trail records them (codes).
DECLINE_REASONS = {"distance": N_("Trop loin"), "salary": N_("Salaire"), "schedule": N_("Horaires"),
                   "other_job": N_("A trouvé un autre emploi"), "other": N_("Autre raison")}  # fmt: skip
#: The outbox filters: which messages each one shows.
OUTBOX_FILTERS = {"": None, "pending": False, "sent": True}


@router.get("/officer/audit", response_class=HTMLResponse)
def audit(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser, page: int = 1) -> Response:
    """Show the audit trail, newest first, searched by trainee (code or name), company (name) and vacancy (code).

    The auditor reads it pseudonymised: trainee codes, never a name or a free-text reason.
    """
    search = AuditSearch.of(request.query_params)
    auditor = user.role == Role.auditor
    found = records.search_audit(session=session, search=search, page=page, by_name=not auditor)
    if not auditor:  # the auditor reads trainee codes only
        privacy.log_views(session=session, trainee_ids=privacy.trainees_in(found), viewer=user, page="officer_audit")
    context = {**officer_context(lang), "found": found, "search": search, "entities": ENTITIES, "actions": ACTIONS,
               "moves": MOVES, "consent": CONSENT, "placement_states": PLACEMENT_STATES,
               "decline_reasons": DECLINE_REASONS, "auditor": auditor, "chain": audit_trail.verify(session)}  # fmt: skip
    return render(request, "officer/audit.html", context)


@router.get("/officer/views", response_class=HTMLResponse)
def views(request: Request, session: SessionDep, lang: Lang, user: EvaluatorUser, trainee: str = "", viewer: str = "",
          shown: str = "", page: int = 1) -> Response:  # fmt: skip
    """Show the view log: who was shown whose personal data on which page, newest first (pseudonymised for the auditor)."""
    auditor = user.role == Role.auditor
    search = records.ViewSearch(trainee.strip(), int(viewer) if viewer.strip().isdigit() else None,
                                shown if shown in VIEWED_PAGES else "")  # fmt: skip
    found = records.view_log(session=session, search=search, page=page, by_name=not auditor)
    context = {**officer_context(lang), "found": found, "search": search, "auditor": auditor,
               "viewed_pages": VIEWED_PAGES, "role_names": ROLE_NAMES}  # fmt: skip
    return render(request, "officer/views.html", context)


@router.get("/officer/outbox", response_class=HTMLResponse)
def outbox(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, show: str = "", page: int = 1) -> Response:
    """Show the outbox, newest first: every message, or the pending or sent ones."""
    chosen = show if show in OUTBOX_FILTERS else ""
    found = records.outbox(session=session, sent=OUTBOX_FILTERS[chosen], page=page)
    phones = privacy.trainees_by_phone(session, (line.message.recipient_phone for line in found.rows))
    privacy.log_views(session=session, trainee_ids=phones, viewer=user, page="officer_outbox")
    context = {**officer_context(lang), "found": found, "show": chosen, "counts": records.outbox_counts(session=session)}
    return render(request, "officer/outbox.html", context)
