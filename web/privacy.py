"""A trainee's privacy rights over everything the application holds on them: the personal export (JSON and a readable
HTML page), the erasure (every personal value removed or irreversibly replaced, the counts and dates the evaluation
needs kept), and the retention rule that erases those whose time has come. It composes every package (profiles,
employers, accounts), so it lives in the web layer; the CLI and the officers' pages both call it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, cast, delete, insert, or_, update
from sqlmodel import Session, SQLModel, col, select

from core import audit
from core.audit import AuditEvent
from core.clock import utcnow
from employers.models import (
    CandidateRequest,
    Employer,
    EmploymentConfirmation,
    FollowUp,
    Offer,
    OutboxMessage,
    Placement,
    Vacancy,
)  # fmt: skip
from profiles import consent as consent_service
from profiles.exceptions import TraineeNotFound
from profiles.indicators import add_months
from profiles.models import Attendance, CertificationAward, Consent, ProfileView, TraineeNote, TraineeProfile
from web.auth.models import AuthSession, SignInAttempt, User
from web.messages import N_

#: What an erased name reads as (the code stays: the record is pseudonymous, not gone).
ERASED_NAME = "—"
#: The follow-up after which a placed trainee's retention time starts (INDICATORS.md's last one).
LAST_FOLLOW_UP_MONTH = 12


def trainee_by_code(session: Session, code: str) -> TraineeProfile:
    """Return the profile with this code, or raise TraineeNotFound."""
    profile = session.exec(select(TraineeProfile).where(TraineeProfile.code == code)).first()
    if profile is None:
        raise TraineeNotFound(code)
    return profile


# ---------------------------------------------------------------- the view log

#: The pages and exports that show trainees' names, phones or birth dates, by the name the view log keeps
#: (ProfileView.page); every one logs the trainees it shows through `log_views`.
VIEWED_PAGES = {
    "officer_trainee": N_("Fiche de l'agent (agents du programme)"),
    "officer_trainee_form": N_("Formulaire de la fiche de l'agent"),
    "officer_trainees": N_("Liste et recherche des agents"),
    "officer_trainees_csv": N_("Liste des agents (CSV)"),
    "officer_dashboard": N_("Tableau de bord et choses à faire"),
    "officer_dashboard_csv": N_("Liste du tableau de bord (CSV)"),
    "officer_followups": N_("Suivis à faire"),
    "officer_followups_csv": N_("Suivis à faire (CSV)"),
    "officer_followup": N_("Un suivi après placement"),
    "officer_calendar": N_("Calendrier des promotions"),
    "officer_plan": N_("Plan de placement"),
    "officer_plan_csv": N_("Plan de placement (CSV)"),
    "officer_review": N_("Examen d'une offre"),
    "officer_review_csv": N_("Examen d'une offre (CSV)"),
    "officer_sms_preview": N_("Aperçu d'un SMS groupé"),
    "officer_audit": N_("Historique des actions"),
    "officer_outbox": N_("Messages envoyés"),
    "officer_outbox_csv": N_("Messages envoyés (CSV)"),
    "admin_accounts": N_("Comptes"),
    "personal_export": N_("Export des données personnelles"),
    "evaluation_people": N_("Personnes derrière un chiffre de l'évaluation"),
    "school_cohort": N_("Promotion vue par le centre de formation"),
    "school_attendance": N_("Feuille de présence"),
    "school_trainee": N_("Agent vu par le centre de formation"),
    "company_vacancy": N_("Offre et embauches vues par la société"),
    "company_offers_api": N_("Propositions lues par l'API de la société"),
    "company_offer": N_("Proposition vue par la société"),
    "offer_letter": N_("Lettre d'embauche"),
}


def log_views(*, session: Session, trainee_ids: Iterable[int | None], viewer: User, page: str) -> int:
    """Note that an account was shown these trainees' personal data on a page: one insert for the request, whatever their
    number (each trainee once); return how many were noted."""
    if page not in VIEWED_PAGES:
        raise ValueError(f"unknown page for the view log: {page}")
    ids = sorted({i for i in trainee_ids if i})
    if not ids:
        return 0
    shared = {"viewer_id": viewer.id, "employer_id": viewer.employer_id, "page": page, "at": utcnow()}
    session.execute(insert(ProfileView), [{**shared, "trainee_id": i} for i in ids])
    return len(ids)


def trainees_by_phone(session: Session, phones: Iterable[str | None]) -> list[int]:
    """Return the trainees these phone numbers belong to (a message's recipient shown on a page), in one query."""
    wanted = sorted({p for p in phones if p})
    if not wanted:
        return []
    return list(session.exec(select(TraineeProfile.id).where(col(TraineeProfile.phone).in_(wanted))).all())  # type: ignore[arg-type]


def trainees_in(*shown: object) -> set[int]:
    """Return the ids of the trainee profiles held in what a page shows, walked through dataclasses, mappings and sequences."""
    found: set[int] = set()
    seen: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, TraineeProfile):
            found.add(value.id or 0)
        elif isinstance(value, (str, bytes, int, float, date)) or value is None or id(value) in seen:
            return
        else:
            seen.add(id(value))
            if is_dataclass(value) and not isinstance(value, type):
                items: Iterable[object] = (getattr(value, f.name) for f in fields(value))
            elif isinstance(value, Mapping):
                items = value.values()
            else:
                items = value if isinstance(value, (list, tuple, set, frozenset)) else ()
            for item in items:
                walk(item)

    for value in shown:
        walk(value)
    found.discard(0)
    return found


# ---------------------------------------------------------------- the personal export


def _row(record: SQLModel, *, without: Iterable[str] = ()) -> dict[str, Any]:
    return record.model_dump(mode="json", exclude=set(without))


def _offers(session: Session, trainee_id: int) -> list[Offer]:
    return list(session.exec(select(Offer).where(Offer.trainee_id == trainee_id).order_by(col(Offer.id))))


def _placements(session: Session, trainee_id: int) -> list[Placement]:
    return list(session.exec(select(Placement).where(Placement.trainee_id == trainee_id).order_by(col(Placement.start_date))))


def _messages(session: Session, profile: TraineeProfile, offer_ids: list[int]) -> list[OutboxMessage]:
    about: list[Any] = [col(OutboxMessage.offer_id).in_(offer_ids)] if offer_ids else []
    if profile.phone:
        about.append(col(OutboxMessage.recipient_phone) == profile.phone)
    if not about:
        return []
    return list(session.exec(select(OutboxMessage).where(or_(*about)).order_by(col(OutboxMessage.id))))


def personal_data(*, session: Session, profile: TraineeProfile) -> dict[str, Any]:
    """Return everything held on a trainee, as plain JSON values, section by section."""
    tid = profile.id or 0
    offers = _offers(session, tid)
    vacancies = {v.id: v for v in session.exec(select(Vacancy).where(col(Vacancy.id).in_([o.vacancy_id for o in offers])))}
    companies = {e.id: e.name for e in session.exec(select(Employer))} if offers else {}
    placements = _placements(session, tid)
    placement_ids = [p.id for p in placements]
    views = session.exec(select(ProfileView, User.login, User.role).join(User, isouter=True)
                         .where(ProfileView.trainee_id == tid).order_by(col(ProfileView.at)))  # fmt: skip

    def offer_row(o: Offer) -> dict[str, Any]:
        v = vacancies.get(o.vacancy_id)
        job = {"vacancy": v.code, "title": v.title, "company": companies.get(v.employer_id)} if v else {}
        return {**_row(o), **job}

    def of(model: Any, column: Any, ids: list[Any]) -> list[dict[str, Any]]:
        return [_row(r) for r in session.exec(select(model).where(col(column).in_(ids)))] if ids else []

    return {
        "format": "rdvm-personal-export/1",
        "exported_at": utcnow().isoformat(),
        "profile": _row(profile),
        "consent": [_row(c) for c in consent_service.history(session=session, trainee_id=tid)],
        "accounts": [_row(u, without=("password_hash",)) for u in session.exec(select(User).where(User.trainee_id == tid))],
        "offers": [offer_row(o) for o in offers],
        "candidate_requests": of(CandidateRequest, CandidateRequest.trainee_id, [tid]),
        "placements": [_row(p) for p in placements],
        "follow_ups": of(FollowUp, FollowUp.placement_id, placement_ids),
        "employment_confirmations": of(EmploymentConfirmation, EmploymentConfirmation.placement_id, placement_ids),
        "attendance": of(Attendance, Attendance.trainee_id, [tid]),
        "certifications": of(CertificationAward, CertificationAward.trainee_id, [tid]),
        "officer_notes": of(TraineeNote, TraineeNote.trainee_id, [tid]),
        "messages": [_row(m) for m in _messages(session, profile, [o.id or 0 for o in offers])],
        "audit_events": [
            _row(e) for e in session.exec(select(AuditEvent).where(AuditEvent.trainee_id == tid).order_by(col(AuditEvent.id)))
        ],  # fmt: skip
        "views": [{**_row(v), "viewer": login, "viewer_role": role} for v, login, role in views],
    }


# ---------------------------------------------------------------- erasure


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed, by kind of record (counts only)."""

    code: str
    counts: dict[str, int]


def _scrub_texts(session: Session, profile: TraineeProfile, offer_ids: list[int], placement_ids: list[int]) -> dict[str, int]:
    """Clear the free texts and identifiers of the person's records; the scores, states and dates stay."""
    tid = [profile.id or 0]
    cleared: list[tuple[Any, Any, list[int], dict[str, Any]]] = [
        (Offer, Offer.id, offer_ids, {"override_reason": None, "override_note": None, "reason": None}),
        (CandidateRequest, CandidateRequest.trainee_id, tid, {"note": None}),
        (Placement, Placement.trainee_id, tid, {"end_note": None}),
        (FollowUp, FollowUp.placement_id, placement_ids, {"answers": None, "note": None}),
        (CertificationAward, CertificationAward.trainee_id, tid, {"certificate_number": ERASED_NAME}),
        (Consent, Consent.trainee_id, tid, {"document": None}),
        (TraineeNote, TraineeNote.trainee_id, tid, {"text": ERASED_NAME}),
    ]
    counts: dict[str, int] = {}
    for model, column, ids, values in cleared:
        if ids:
            done = session.execute(update(model).where(col(column).in_(ids)).values(**values))
            counts[model.__tablename__] = int(getattr(done, "rowcount", 0) or 0)
    return counts


def _naming(column: Any, values: list[str]) -> Any:
    return or_(*(cast(column, String).contains(v) for v in values))


def _scrub_messages(session: Session, profile: TraineeProfile, offer_ids: list[int], names: list[str]) -> int:
    texts = (OutboxMessage.sms_text, OutboxMessage.email_subject, OutboxMessage.email_body, OutboxMessage.recipient_phone)
    about = [_naming(t, names) for t in texts] + ([col(OutboxMessage.offer_id).in_(offer_ids)] if offer_ids else [])
    found = list(session.exec(select(OutboxMessage).where(or_(*about))))
    for m in found:  # kept as a count and a date of what was sent, nothing more
        m.recipient_phone = m.last_error = None
        m.sms_text = m.email_subject = m.email_body = ERASED_NAME
        session.add(m)
    return len(found)


def _scrub_audit(session: Session, trainee_id: int, names: list[str]) -> int:
    texts = (AuditEvent.reason, AuditEvent.details)
    events = session.exec(
        select(AuditEvent).where(or_(col(AuditEvent.trainee_id) == trainee_id, *(_naming(t, names) for t in texts)))
    )
    changed = [e for e in events if audit.erase(e)]
    session.add_all(changed)
    return len(changed)


def _close_accounts(session: Session, profile: TraineeProfile, names: list[str]) -> int:
    users = list(session.exec(select(User).where(or_(col(User.trainee_id) == profile.id, col(User.login).in_(names)))))
    for u in users:  # kept (other rows name it as who acted), but anonymous and unusable
        u.login, u.full_name, u.active = f"erased-{u.id}", ERASED_NAME, False
        u.password_hash = "!" + secrets.token_hex(16)
        session.add(u)
        session.execute(delete(AuthSession).where(col(AuthSession.user_id) == u.id))
    session.execute(delete(SignInAttempt).where(col(SignInAttempt.login).in_(names)))
    return len(users)


def _pseudonymise(profile: TraineeProfile) -> None:
    """Drop the profile's identifying values; keep the code, cohort, training, levels and dates the evaluation reads."""
    profile.full_name, profile.phone, profile.birth_date, profile.summary = ERASED_NAME, None, None, None
    profile.experience = [{k: v for k, v in item.items() if k != "title"} for item in profile.experience]
    profile.consent_to_share = False
    profile.updated_at = utcnow()


def erase(*, session: Session, code: str, reason: str, by: int | None) -> Erasure:
    """Remove or irreversibly replace every personal value held on a trainee, keep the counts and dates, audit it."""
    profile = trainee_by_code(session, code)
    names = [v for v in (profile.full_name, profile.phone) if v and v != ERASED_NAME]
    tid = profile.id or 0
    offer_ids = [o.id or 0 for o in _offers(session, tid)]
    placement_ids = [p.id or 0 for p in _placements(session, tid)]
    counts = _scrub_texts(session, profile, offer_ids, placement_ids)
    counts["messages"] = _scrub_messages(session, profile, offer_ids, names)
    counts["accounts"] = _close_accounts(session, profile, names)
    _pseudonymise(profile)
    session.add(profile)
    session.flush()
    counts["audit_events"] = _scrub_audit(session, tid, names) if names else 0
    session.flush()
    audit.record(session, actor_id=by, entity="trainee", entity_id=tid, action="erase", trainee_id=tid, reason=reason.strip(),
                 details={k: counts[k] for k in sorted(counts)})  # fmt: skip
    return Erasure(profile.code, counts)


# ---------------------------------------------------------------- retention


@dataclass(frozen=True)
class Due:
    """A trainee whose personal data the retention rule erases, and the day from which it is due."""

    code: str
    since: date
    why: str


def retention_start(profile: TraineeProfile, last_start: date | None) -> tuple[date, str] | None:
    """Return the day a trainee's retention time starts and why: their departure, or the last follow-up's due date."""
    if profile.dropped_out_on is not None:
        return profile.dropped_out_on, "departure"
    if last_start is not None:
        return add_months(last_start, LAST_FOLLOW_UP_MONTH), "follow_up_12"
    return None


def due_for_erasure(*, session: Session, months: int, today: date) -> list[Due]:
    """Return the trainees (not erased yet) whose retention time started `months` months or more before today, by code."""
    latest: dict[int, date] = {}
    for trainee_id, start in session.execute(select(col(Placement.trainee_id), col(Placement.start_date))):
        latest[trainee_id] = max(start, latest.get(trainee_id, start))
    due: list[Due] = []
    kept = select(TraineeProfile).where(TraineeProfile.full_name != ERASED_NAME).order_by(col(TraineeProfile.code))
    for profile in session.exec(kept):
        start = retention_start(profile, latest.get(profile.id or 0))
        if start is not None and add_months(start[0], months) <= today:
            due.append(Due(profile.code, add_months(start[0], months), start[1]))
    return due
