"""CSV exports of the officers' lists — trainees, vacancies, a vacancy's review, the dashboard's lists, follow-ups,
the audit trail, the outbox, companies' applications — each as its page filters it, through one writer
(web.csv_export: formula-like cells neutralised). The plan's export lives with the plan (web.routes.officer_plan)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from core.clock import utcnow
from core.formats import day
from employers import dashboard as records
from employers import followups
from employers import review as review_service
from employers import service as employers_service
from employers.dashboard import AuditSearch, OfferItem
from employers.exceptions import VacancyNotFound
from employers.models import EmployerStatus, Vacancy, VacancyStatus
from profiles import service as profiles_service
from web import privacy
from web.csv_export import csv_download
from web.db import SessionDep
from web.deps import Lang, OfficerUser
from web.errors import DomainRoute
from web.i18n import translator
from web.routes.officer import DASHBOARD_LISTS
from web.routes.officer_records import OUTBOX_FILTERS
from web.routes.officer_trainees import trainee_lines

router = APIRouter(route_class=DomainRoute)

#: Rows of the largest export (every vacancy, every audit event of a search): far above the programme's size.
MAX_ROWS = 100_000


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def headings(lang: str, *names: str) -> list[str]:
    """Return the columns' names in the page's language."""
    _ = translator(lang)
    return [_(name) for name in names]


@router.get("/officer/trainees.csv")
def trainees_csv(session: SessionDep, lang: Lang, user: OfficerUser, cohort: str = "", q: str = "") -> Response:
    """Return the trainees' list, as filtered on its page, as CSV."""
    found = profiles_service.matching_profiles(session=session, cohort=cohort, search=q.strip())
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(found), viewer=user, page="officer_trainees_csv")
    rows = ([line.profile.code, line.profile.full_name, line.profile.phone or "", line.profile.home_town,
             line.profile.cohort or "", int(line.placed), int(line.profile.consent_to_share), int(line.has_account)]
            for line in trainee_lines(session, found))  # fmt: skip
    cols = headings(lang, "Code", "Nom", "Téléphone", "Ville", "Promotion", "En poste", "Partage du profil", "Accès")
    return csv_download("agents", cols, rows)


@router.get("/officer/vacancies.csv")
def vacancies_csv(session: SessionDep, lang: Lang, user: OfficerUser, status: str = "") -> Response:
    """Return every company's vacancies (all, or of one status) as CSV."""
    chosen = VacancyStatus(status) if status in VacancyStatus.__members__ else None
    lines = review_service.vacancy_lines(session=session, status=chosen, limit=MAX_ROWS)
    rows = ([x.vacancy.code, x.vacancy.title, x.employer_name, x.vacancy.town, x.vacancy.level, x.vacancy.status.value,
             x.vacancy.seats, x.vacancy.filled_seats, x.offers, x.in_progress, x.requests] for x in lines)  # fmt: skip
    cols = headings(lang, "Offre", "Intitulé", "Société", "Ville", "Niveau", "État", "Places", "Pourvues", "Propositions",
                    "En cours", "Demandes")  # fmt: skip
    return csv_download(f"offres{'-' + chosen.value if chosen else ''}", cols, rows)


@router.get("/officer/vacancies/{vacancy_id}/review.csv")
def review_csv(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, vacancy_id: int) -> Response:
    """Return a vacancy's review — the eligible ranked, then the others with why — as filtered on its page, as CSV."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise VacancyNotFound(vacancy_id)
    found = review_service.review(session=session, vacancy=vacancy, lang=lang).filtered(
        review_service.Filters.of(request.query_params)
    )
    privacy.log_views(session=session, trainee_ids=found.trainee_ids(), viewer=user, page="officer_review_csv")
    eligible = ([r.rank, r.code, r.full_name, r.home_town, r.cohort or "", 1, round((r.score or 0) * 100), " ; ".join(r.reasons)]
                for r in found.eligible)  # fmt: skip
    others = (["", r.code, r.full_name, r.home_town, r.cohort or "", 0, "", " ; ".join(r.reasons)] for r in found.ineligible)
    cols = headings(lang, "Rang", "Code", "Nom", "Ville", "Promotion", "Éligible", "Score", "Raisons")
    return csv_download(f"examen-{vacancy.code}", cols, [*eligible, *others])


def _offer_rows(items: Iterable[OfferItem]) -> Iterable[Sequence[Any]]:
    for x in items:
        yield [x.vacancy.code, x.vacancy.title, x.employer_name, x.trainee.code, x.trainee.full_name, x.trainee.phone or "",
               x.offer.state.value, _iso(x.offer.created_at), _iso(x.expires_at), _iso(x.answered_at)]  # fmt: skip


#: The dashboard's lists of offers, by the name "see all" uses, and the board's field holding each.
OFFER_LISTS = {"requested": "requested", "offers": "waiting_answer", "overdue": "past_expiry", "accepted": "to_confirm",
               "expiring": "expiring"}  # fmt: skip


@router.get("/officer/dashboard/{name}.csv")
def dashboard_csv(session: SessionDep, lang: Lang, user: OfficerUser, name: str) -> Response:
    """Return one of the dashboard's lists, whole, as CSV (unknown names: 404)."""
    if name not in DASHBOARD_LISTS:
        return Response(status_code=404)
    board = records.dashboard(session=session, limit=None)
    listed = {"vacancies": (), "trainees": board.not_placed.rows, **{k: getattr(board, v).rows for k, v in OFFER_LISTS.items()}}
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(listed[name]), viewer=user,
                      page="officer_dashboard_csv")  # fmt: skip
    if name == "vacancies":
        rows: Iterable[Sequence[Any]] = (
            [v.vacancy.code, v.vacancy.title, v.employer_name, v.vacancy.town, v.free_seats, v.vacancy.seats]
            for v in board.open_vacancies.rows
        )
        cols = headings(lang, "Offre", "Intitulé", "Société", "Ville", "Places libres", "Places")
    elif name == "trainees":
        rows = ([t.trainee.code, t.trainee.full_name, t.trainee.phone or "", t.trainee.home_town, t.trainee.cohort or "",
                 t.in_progress] for t in board.not_placed.rows)  # fmt: skip
        cols = headings(lang, "Code", "Nom", "Téléphone", "Ville", "Promotion", "Propositions en cours")
    else:
        rows = _offer_rows(getattr(board, OFFER_LISTS[name]).rows)
        cols = headings(lang, "Offre", "Intitulé", "Société", "Code agent", "Agent", "Téléphone", "État", "Créée le",
                        "Expire le", "Réponse le")  # fmt: skip
    return csv_download(f"tableau-{name}", cols, rows)


@router.get("/officer/followups.csv")
def followups_csv(session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Return the follow-ups fallen due and not recorded as CSV."""
    items = followups.open_items(session=session, today=utcnow().date())
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(items), viewer=user, page="officer_followups_csv")
    rows = ([i.trainee.code, i.trainee.full_name, i.trainee.phone or "", i.placement.employer_name, i.month, day(i.due),
             i.status, int(i.company_says_left)] for i in items)  # fmt: skip
    cols = headings(lang, "Code", "Nom", "Téléphone", "Société", "Mois", "Dû le", "État", "La société signale un départ")
    return csv_download("suivis", cols, rows)


@router.get("/officer/audit.csv")
def audit_csv(request: Request, session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Return the audit trail, as searched on its page, as CSV (officers only: it names people)."""
    found = records.search_audit(session=session, search=AuditSearch.of(request.query_params), per_page=MAX_ROWS)
    rows = ([_iso(x.at), x.actor_name or "", x.event.entity, x.event.action, x.event.from_state or "", x.event.to_state or "",
             x.trainee.code if x.trainee else "", x.vacancy.code if x.vacancy else "", x.employer_name or "",
             x.event.reason or x.event.cause or ""] for x in found.rows)  # fmt: skip
    cols = headings(lang, "Quand", "Qui", "Quoi", "Action", "De", "À", "Agent", "Offre", "Société", "Raison")
    return csv_download("historique", cols, rows)


@router.get("/officer/outbox.csv")
def outbox_csv(session: SessionDep, lang: Lang, user: OfficerUser, show: str = "") -> Response:
    """Return the outbox (every message, or the pending or sent ones) as CSV."""
    found = records.outbox(session=session, sent=OUTBOX_FILTERS.get(show), per_page=MAX_ROWS)
    phones = privacy.trainees_by_phone(session, (line.message.recipient_phone for line in found.rows))
    privacy.log_views(session=session, trainee_ids=phones, viewer=user, page="officer_outbox_csv")
    rows = ([_iso(x.created_at), _iso(x.sent_at), x.message.kind, x.recipient_name or x.message.recipient_phone or
             x.message.recipient_email or "", x.message.sms_text, x.message.attempts, x.message.last_error or ""]
            for x in found.rows)  # fmt: skip
    cols = headings(lang, "Écrit le", "Envoyé le", "Type", "Destinataire", "SMS", "Essais", "Erreur")
    return csv_download("messages", cols, rows)


@router.get("/officer/applications.csv")
def applications_csv(session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Return the companies waiting for a decision on their application as CSV."""
    found = employers_service.list_applications(session=session, status=EmployerStatus.pending)
    rows = ([c.name, c.licence_number, c.town, c.contact_name, c.phone, c.email, _iso(c.created_at)] for c in found)
    cols = headings(lang, "Société", "Agrément", "Ville", "Contact", "Téléphone", "E-mail", "Demandé le")
    return csv_download("demandes-acces", cols, rows)
