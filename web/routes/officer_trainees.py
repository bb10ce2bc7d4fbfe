"""The officers' trainee management: profiles (create, edit), cohorts, PINs, and file imports with a preview.

The profile form and the import check values alike: both go through the exchange model and normaliser
(profiles.forms, matching.exchange), so a value refused in a file is refused in the form, on the same field.
An uploaded file is checked and its import tried inside a savepoint that is rolled back, so the preview
lists every refusal the real import would meet while writing nothing; the file then travels to the
confirmation signed (web.signing), and is checked again there before it is imported in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature
from sqlmodel import Session, col, select
from starlette.datastructures import FormData, UploadFile

from core.clock import utcnow
from core.problems import Problem
from employers import followups
from employers import gaps as gaps_service
from employers import offers as offers_service
from employers import service as employers_service
from employers.dashboard import user_names
from employers.exceptions import InvalidEnding
from employers.imports import IMPORT_KINDS, ImportKind, ImportOutcome, guess_import_kind, import_text
from employers.models import Employer, Offer, OfferState, Placement, Vacancy
from matching import exchange
from matching.exchange import Issue
from matching.models import LITERACY_LEVELS, MOBILITIES
from matching.taxonomy import get_taxonomy
from profiles import cohorts as cohorts_service
from profiles import consent as consent_service
from profiles import departures
from profiles import notes as notes_service
from profiles import school as school_service
from profiles import service as profiles_service
from profiles.exceptions import InvalidDeparture, InvalidProfile
from profiles.forms import TraineeForm, by_form_field
from profiles.models import CertificationAward, Cohort, DropoutReason, TraineeProfile
from profiles.phases import Phase, profile_phase
from web import privacy
from web.auth import pin_reset
from web.auth import service as auth_service
from web.auth.exceptions import AccountNotFound, AuthError, TooManyAttempts
from web.auth.models import User
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted, client_address
from web.errors import DomainRoute
from web.forms import typed_ending
from web.i18n import translator
from web.labels import Labels
from web.messages import MESSAGES, N_, done_message, field_messages, message, sentences
from web.pages import render
from web.routes.privacy import SCOPE_WORDS
from web.signing import signer

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

PER_PAGE = 50
MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
#: The signed file is cut into hidden fields of this many characters: starlette refuses a form field over 1 MB.
PAYLOAD_CHUNK = 500_000
PAYLOAD_MAX_AGE_SECONDS = 2 * 3600
PAYLOAD_PURPOSE = "officer-import"
IMPORT_PREFIX = "/officer/import"
#: Largest request body of each import step, enforced while it is received (web.security.BodyLimit): the file
#: plus room for the form's other fields; the confirmation carries the signed copy of a file, escaped for JSON,
#: compressed and encoded: at most 1.35 times a file at the limit, measured on random text of several alphabets.
BODY_LIMITS = {f"{IMPORT_PREFIX}/preview": MAX_UPLOAD_BYTES + 64 * 1024, f"{IMPORT_PREFIX}/confirm": 2 * MAX_UPLOAD_BYTES}


GENDERS = (("F", N_("Femme")), ("M", N_("Homme")))
MOBILITY_NAMES = {"town": N_("Sa ville et 30 km autour"), "region": N_("Toute sa région"), "country": N_("Tout le pays")}
EDUCATION_NAMES = {"none": N_("Aucune"), "primary": N_("Primaire"), "lower_secondary": N_("Collège"),
                   "upper_secondary": N_("Lycée"), "higher": N_("Supérieur")}  # fmt: skip
SECTOR_NAMES = {"security": N_("Sécurité"), "other": N_("Autre secteur")}
KINDS = IMPORT_KINDS


def form_choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Return the options of the profile form's selects and checkbox groups, in the page's language."""
    labels, say = Labels(lang), translator(lang)
    base = labels.choices()
    return {
        **base,
        "gender": [(value, say(name)) for value, name in GENDERS],
        "mobility": [(value, say(MOBILITY_NAMES[value])) for value in MOBILITIES],
        "education": [(value, say(name)) for value, name in EDUCATION_NAMES.items()],
        "sector": [(value, say(name)) for value, name in SECTOR_NAMES.items()],
        "literacy": [(value, labels.scale(value)) for value in LITERACY_LEVELS],
        # A trainee may hold a certification that is not valid in Mali (a French card): the vacancy form hides those.
        "certification": [(c.code, labels.certification(c.code)) for c in get_taxonomy().certifications],
        "driving_licences": base["driving_licence"],
        "preferred_levels": base["level"],
        "preferred_shifts": base["shift"],
    }


# ---------------------------------------------------------------- the list


@dataclass(frozen=True)
class TraineeLine:
    """A line of the trainees' list: the profile, whether a placement is running, whether an account exists."""

    profile: TraineeProfile
    placed: bool
    has_account: bool


def trainee_lines(session: Session, profiles: Sequence[TraineeProfile]) -> list[TraineeLine]:
    """Return the list's lines for these profiles."""
    ids = [p.id for p in profiles if p.id is not None]
    if not ids:
        return []
    placed = employers_service.placed_trainees(session=session, trainee_ids=ids)
    accounts = set(session.exec(select(User.trainee_id).where(col(User.trainee_id).in_(ids))))
    return [TraineeLine(p, p.id in placed, p.id in accounts) for p in profiles]


def list_url(cohort: str, search: str) -> Callable[[int], str]:
    """Return the function giving the address of a page of the list, the filters kept."""

    def page_url(page: int) -> str:
        query = {k: v for k, v in {"cohort": cohort, "q": search, "page": str(page)}.items() if v}
        return "/officer/trainees?" + urlencode(query)

    return page_url


@router.get("/officer/trainees", response_class=HTMLResponse)
def trainees(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, cohort: str = "", q: str = "", page: int = 1
) -> Response:
    """List the trainees (code, name, town, cohort, placed, consent, account), by cohort and by a search on code or name."""
    found = profiles_service.list_profiles(session=session, cohort=cohort, search=q.strip(), page=page, per_page=PER_PAGE)
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(found.profiles), viewer=user, page="officer_trainees")
    context = {
        "found": found, "lines": trainee_lines(session, found.profiles), "cohort": cohort, "q": q,
        "cohorts": profiles_service.cohort_counts(session=session), "no_cohort": profiles_service.NO_COHORT,
        "page_url": list_url(cohort, q.strip()),
    }  # fmt: skip
    return render(request, "officer/trainees.html", context)


# ---------------------------------------------------------------- the profile form


def form_page(
    request: Request,
    session: Session,
    lang: str,
    form: TraineeForm,
    *,
    profile: TraineeProfile | None,
    problems: Sequence[Problem] = (),
    status: int = 200,
) -> Response:
    """Render the profile form with its values, errors and warnings next to each field."""
    errors = field_messages(by_form_field(p for p in problems if p.severity == "error"), lang)
    shown = profiles_service.profile_warnings(profile) if profile is not None and not errors else []
    context = {
        "form": form, "profile": profile, "errors": errors, "warnings": field_messages(by_form_field(shown), lang),
        "choices": form_choices(lang), "labels": Labels(lang),
        "cohorts": [c for c, _ in profiles_service.cohort_counts(session=session) if c],
    }  # fmt: skip
    return render(request, "officer/trainee_form.html", context, status)


def to_profile(profile_id: int | None, done: str) -> RedirectResponse:
    """Go (after a POST) to a trainee's page, with a confirmation."""
    return RedirectResponse(f"/officer/trainees/{profile_id}?done={done}", status_code=303)


@router.get("/officer/trainees/new", response_class=HTMLResponse)
def new_trainee_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser) -> Response:
    """Show an empty profile form."""
    return form_page(request, session, lang, TraineeForm(), profile=None)


@router.post("/officer/trainees/new", response_class=HTMLResponse)
def new_trainee_submit(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, submitted: Submitted) -> Response:
    """Save a new profile, or show the form again with what to correct (nothing is saved)."""
    form = TraineeForm.from_form(submitted)
    try:
        profile = profiles_service.create_profile(session=session, data=form.data(), consent=form.consent, by=user.id)
    except InvalidProfile as invalid:
        return form_page(request, session, lang, form, profile=None, problems=invalid.problems, status=422)
    return to_profile(profile.id, "profile_saved")


@router.get("/officer/trainees/{trainee_id}/edit", response_class=HTMLResponse)
def edit_trainee_page(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int) -> Response:
    """Show the profile's form, filled in."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    privacy.log_views(session=session, trainee_ids=[profile.id], viewer=user, page="officer_trainee_form")
    form = TraineeForm.from_profile(profile.to_exchange(), cohort=profile.cohort, consent=profile.consent_to_share,
                                    overall_computed=profile.overall_from_modules)  # fmt: skip
    return form_page(request, session, lang, form, profile=profile)


@router.post("/officer/trainees/{trainee_id}/edit", response_class=HTMLResponse)
def edit_trainee_submit(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int, submitted: Submitted
) -> Response:
    """Save the profile's new fields, or show the form again with what to correct (nothing is saved)."""
    form = TraineeForm.from_form(submitted)
    try:
        profiles_service.update_profile(session=session, profile_id=trainee_id, data=form.data(), consent=form.consent,
                                        by=user.id)  # fmt: skip
    except InvalidProfile as invalid:
        profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
        return form_page(request, session, lang, form, profile=profile, problems=invalid.problems, status=422)
    return to_profile(trainee_id, "profile_saved")


# ---------------------------------------------------------------- the profile page and the account


@dataclass(frozen=True)
class OfferLine:
    """An offer of the trainee's history, with its vacancy, company and, once confirmed, placement."""

    offer: Offer
    vacancy: Vacancy | None
    company: Employer | None
    placement: Placement | None


def history(session: Session, user: User, profile_id: int) -> list[OfferLine]:
    """Return the trainee's offers and placements, newest first, as the officer may see them."""
    lines = []
    for offer in offers_service.list_offers(session=session, by=user.actor, trainee_id=profile_id):
        vacancy = session.get(Vacancy, offer.vacancy_id)
        company = session.get(Employer, vacancy.employer_id) if vacancy else None
        confirmed = offer.state == OfferState.confirmed
        placement = offers_service.placement_of(session=session, offer_id=offer.id or 0) if confirmed else None
        lines.append(OfferLine(offer, vacancy, company, placement))
    return lines


def placements(session: Session, profile_id: int) -> list[Placement]:
    """Return every placement of a trainee, from offers or from the programme's history."""
    return list(session.exec(select(Placement).where(Placement.trainee_id == profile_id)))


def profile_page(
    request: Request,
    session: Session,
    lang: str,
    user: User,
    profile: TraineeProfile,
    *,
    done: str = "",
    pin: str | None = None,
    refusal: str | None = None,
    departure: Departure | None = None,
    ending: Ending | None = None,
    note: NoteTyped | None = None,
    status: int = 200,
) -> Response:
    """Render a trainee's profile, path in the programme, offers and account; a PIN just issued is shown this once."""
    privacy.log_views(session=session, trainee_ids=[profile.id], viewer=user, page="officer_trainee")
    note = note or NoteTyped()
    notes = notes_service.notes_of(session=session, trainee_id=profile.id or 0)
    context = {
        "outlook": gaps_service.trainee_outlook(session=session, profile=profile, lang="en" if lang == "en" else "fr"),
        "notes": notes, "note": note, "note_authors": user_names(session, (n.author_id for n in notes if n.author_id)),
        "note_errors": field_messages(note.problems, lang),
        "profile": profile, "record": profile.to_exchange(), "labels": Labels(lang), "choices": form_choices(lang),
        "warnings": sentences(profiles_service.profile_warnings(profile), lang),
        "history": history(session, user, profile.id or 0), "path": programme_path(session, profile),
        "departure": departure or Departure(), "departure_errors": field_messages((departure or Departure()).problems, lang),
        "reasons": [(r.value, Labels(lang).dropout_reason(r.value)) for r in DropoutReason],
        "ending": ending or Ending(), "ending_errors": field_messages((ending or Ending()).problems, lang),
        "follow_ups": followups.by_placement(session=session, placements=placements(session, profile.id or 0),
                                             today=utcnow().date(), statuses=followups.STATUSES),
        "account": auth_service.trainee_account(session=session, trainee_id=profile.id or 0), "pin": pin, "refusal": refusal,
        "done": done_message(done, lang), "today": utcnow().date(),
        "consents": consent_service.history(session=session, trainee_id=profile.id or 0), "scope_words": SCOPE_WORDS,
    }  # fmt: skip
    response = render(request, "officer/trainee.html", context, status)
    if pin is not None:
        response.headers["Cache-Control"] = "no-store"  # the PIN must not stay in a cache
    return response


@dataclass(frozen=True)
class ProgrammePath:
    """Where a trainee stands in the programme: the cohort (when recorded), the phase today, what the school recorded."""

    cohort: Cohort | None
    phase: Phase
    presence: school_service.Presence | None
    awards: tuple[CertificationAward, ...]


def programme_path(session: Session, profile: TraineeProfile) -> ProgrammePath:
    """Return the trainee's cohort, phase today, attendance and certifications awarded."""
    cohort = cohorts_service.cohort_by_code(session=session, code=profile.cohort) if profile.cohort else None
    placed = employers_service.placed_trainees(session=session, trainee_ids=[profile.id or 0])
    ids = [profile.id or 0]
    return ProgrammePath(
        cohort, profile_phase(profile, cohort, placed=bool(placed), on=utcnow().date()),
        school_service.presence(session=session, trainee_ids=ids).get(profile.id or 0),
        tuple(school_service.awards_of(session=session, trainee_ids=ids).get(profile.id or 0, ())),
    )  # fmt: skip


@dataclass(frozen=True)
class Departure:
    """The departure form as typed, and what is wrong with it."""

    typed: dict[str, str] = field(default_factory=dict)
    problems: Sequence[Problem] = ()


@dataclass(frozen=True)
class NoteTyped:
    """The note form as typed, and what is wrong with it."""

    typed: dict[str, str] = field(default_factory=dict)
    problems: Sequence[Problem] = ()


@dataclass(frozen=True)
class Ending:
    """The form ending one placement as typed, and what is wrong with it."""

    placement_id: int = 0
    typed: dict[str, str] = field(default_factory=dict)
    problems: Sequence[Problem] = ()


@router.get("/officer/trainees/{trainee_id}", response_class=HTMLResponse)
def trainee_page(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int, done: str = ""
) -> Response:
    """Show a trainee's profile, what the import would warn about, the offers and placements, and the account."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    return profile_page(request, session, lang, user, profile, done=done)


@router.post("/officer/trainees/{trainee_id}/pin", response_class=HTMLResponse)
def issue_pin(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int) -> Response:
    """Create the trainee's account or give it a new PIN (ending its sessions), and show the PIN once, on this page."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    if not profile.phone:
        return profile_page(request, session, lang, user, profile, refusal=message("no_phone", lang), status=409)
    try:
        _, pin = auth_service.issue_trainee_pin(session=session, trainee_id=trainee_id, full_name=profile.full_name,
                                                phone=profile.phone, by=user.id)  # fmt: skip
    except AuthError as refused:
        return profile_page(request, session, lang, user, profile, refusal=message(refused.code, lang), status=409)
    return profile_page(request, session, lang, user, profile, done="pin_issued", pin=pin)


#: What the trainee's page says once a reset code is sent, or why none could be.
MESSAGES.update({
    "done_pin_code_sent": N_("Le code est parti par SMS : l'agent choisit son nouveau code secret avec lui, sur la page "
                             "« J'ai oublié mon code »."),
    "pin_code_no_account": N_("L'agent n'a pas d'accès actif : créez-lui un accès ou donnez-lui un nouveau code."),
    "pin_code_wait": N_("Trop de codes envoyés pour cet agent ou depuis votre poste. Attendez {minutes} min."),
})  # fmt: skip


@router.post("/officer/trainees/{trainee_id}/pin/code", response_class=HTMLResponse)
def send_pin_code(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int) -> Response:
    """Send the trainee a code by SMS to choose a new PIN themselves (as "J'ai oublié mon code" does); audited, throttled."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    account = auth_service.trainee_account(session=session, trainee_id=trainee_id)
    try:
        if account is None:
            raise AccountNotFound(str(trainee_id))
        pin_reset.send_code_for(session=session, user=account, by=user.id or 0, client=client_address(request),
                                minutes=get_settings().pin_reset_minutes)  # fmt: skip
    except AccountNotFound:
        return profile_page(request, session, lang, user, profile, refusal=message("pin_code_no_account", lang), status=409)
    except TooManyAttempts as wait:
        said = message("pin_code_wait", lang, {"minutes": str(wait.minutes())})
        return profile_page(request, session, lang, user, profile, refusal=said, status=429)
    return RedirectResponse(f"/officer/trainees/{trainee_id}?done=pin_code_sent#account", status_code=303)


@router.post("/officer/trainees/{trainee_id}/departure", response_class=HTMLResponse)
def record_departure(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int, submitted: Submitted
) -> Response:
    """Record that the trainee left the programme (day and reason); they are no longer proposed to companies."""
    typed = {name: str(submitted.get(name) or "") for name in ("dropped_out_on", "dropout_reason")}
    try:
        departures.record_departure(session=session, profile_id=trainee_id, typed=typed, today=utcnow().date(), by=user.id)
    except InvalidDeparture as invalid:
        profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
        return profile_page(request, session, lang, user, profile, departure=Departure(typed, invalid.problems), status=422)
    return to_profile(trainee_id, "departure")


@router.post("/officer/trainees/{trainee_id}/departure/cancel", response_class=HTMLResponse)
def cancel_departure(session: SessionDep, user: OfficerUser, trainee_id: int) -> Response:
    """Remove a departure recorded by mistake: the trainee is back in the programme."""
    departures.cancel_departure(session=session, profile_id=trainee_id, by=user.id)
    return to_profile(trainee_id, "departure_cancelled")


@router.post("/officer/placements/{placement_id}/end", response_class=HTMLResponse)
def end_placement(
    request: Request, session: SessionDep, lang: Lang, user: OfficerUser, placement_id: int, form: Submitted
) -> Response:
    """End a trainee's active placement on its last day, for a reason from the list; its seat opens again."""
    placement = offers_service.get_placement(session=session, placement_id=placement_id, by=user.actor)
    typed = typed_ending(form)
    try:
        offers_service.end_placement(session=session, placement_id=placement_id, by=user.actor, end_date=typed["end_date"],
                                     reason=typed["end_reason"], note=typed["end_note"])  # fmt: skip
    except InvalidEnding as invalid:
        profile = profiles_service.get_profile(session=session, profile_id=placement.trainee_id)
        ending = Ending(placement_id, typed, invalid.problems)
        return profile_page(request, session, lang, user, profile, ending=ending, status=422)
    return to_profile(placement.trainee_id, "ended")


# ---------------------------------------------------------------- importing a file


class UploadRefused(Exception):
    """The file cannot be checked: none was chosen, it is too large, or its signed copy does not verify."""

    def __init__(self, code: str, status: int) -> None:
        self.code, self.status = code, status
        super().__init__(code)


@dataclass(frozen=True)
class Upload:
    """An uploaded exchange file: its name, what it holds, whether its trainees consent, and its text."""

    name: str
    kind: ImportKind
    consent: bool
    text: str
    unreadable: Issue | None = None


@dataclass
class ImportCheck:
    """An uploaded file and what importing it gives or meets (the same outcome `rdvm import` prints)."""

    upload: Upload
    outcome: ImportOutcome


def received_file(form: FormData) -> Upload:
    """Return the file of the upload form, its kind chosen or guessed; raise UploadRefused without a file or when too large."""
    sent = form.get("file")
    try:
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise UploadRefused("import_no_file", 422)
        data = sent.file.read(MAX_UPLOAD_BYTES + 1)
    finally:
        close_files(form)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused("import_too_large", 413)
    name = PureWindowsPath(sent.filename).name  # "C:\\...\\stagiaires.csv" from some browsers, a bare name from others
    text, unreadable = exchange.decode(data, source=name)
    if unreadable:
        return Upload(name, "trainees", False, "", unreadable[0])
    chosen = str(form.get("kind") or "")
    kind = next((k for k in KINDS if k == chosen), None)
    kind = kind or guess_import_kind(text, fmt="csv" if name.lower().endswith(".csv") else "json")
    return Upload(name, kind, kind == "trainees" and bool(form.get("consent")), text)


def close_files(form: FormData) -> None:
    """Close the form's uploaded files (spooled to disk when large): a form read by a dependency is closed by nobody else."""
    for _, value in form.multi_items():
        if isinstance(value, UploadFile):
            value.file.close()


def check_upload(session: Session, upload: Upload, *, lang: str, keep: bool, by: int | None = None) -> ImportCheck:
    """Check a file as `rdvm import` does and import it inside a savepoint, kept only when `keep` (and nothing is wrong)."""
    if upload.unreadable is not None:
        return ImportCheck(upload, ImportOutcome([upload.unreadable]))
    try:
        fmt = exchange.detect_format(upload.name)
    except exchange.ExchangeError as exc:  # neither .csv nor .json
        return ImportCheck(upload, ImportOutcome(exc.issues))
    outcome = import_text(session=session, text=upload.text, source=upload.name, fmt=fmt, kind=upload.kind,
                          consent=upload.consent, keep=keep, by=by)  # fmt: skip
    if outcome.refusal is not None:
        outcome.issues.append(Issue(upload.name, "file", "", message(outcome.refusal.code, lang)))
    return ImportCheck(upload, outcome)


def sealed(upload: Upload, user_id: int) -> list[str]:
    """Return the file signed for the confirmation form, cut into hidden fields (compressed when it helps)."""
    token = signer(PAYLOAD_PURPOSE).dumps({"name": upload.name, "kind": upload.kind, "consent": upload.consent,
                                           "text": upload.text, "by": user_id, "at": int(time.time())})  # fmt: skip
    return [token[start : start + PAYLOAD_CHUNK] for start in range(0, len(token), PAYLOAD_CHUNK)]


def opened(chunks: Iterable[str], user_id: int) -> Upload:
    """Return the file of a confirmation form; raise UploadRefused unless this officer had it checked, recently, as is."""
    try:
        data = signer(PAYLOAD_PURPOSE).loads("".join(chunks))
    except BadSignature:
        raise UploadRefused("import_tampered", 400) from None
    fresh = isinstance(data, dict) and time.time() - float(data.get("at", 0)) <= PAYLOAD_MAX_AGE_SECONDS
    if not fresh or data.get("by") != user_id or data.get("kind") not in KINDS:
        raise UploadRefused("import_tampered", 400)
    return Upload(str(data["name"]), data["kind"], bool(data["consent"]) and data["kind"] == "trainees", str(data["text"]))


def import_page(request: Request, lang: str, *, refusal: UploadRefused | None = None, done: str = "",
                counts: dict[str, Any] | None = None) -> Response:  # fmt: skip
    """Render the upload form, with a refusal or the confirmation of an import."""
    said = message(refusal.code, lang, {"limit": str(MAX_UPLOAD_MB)}) if refusal else None
    context = {"refusal": said, "done": done_message(done, lang), "counts": counts or {}, "limit": MAX_UPLOAD_MB}
    return render(request, "officer/import.html", context, refusal.status if refusal else 200)


def preview_page(request: Request, checked: ImportCheck, user: User, *, status: int = 200) -> Response:
    """Render what an import would do: every error and warning, the counts, and the confirmation form when possible."""
    payload = sealed(checked.upload, user.id or 0) if not checked.outcome.errors else []
    return render(request, "officer/import_preview.html", {"checked": checked, "payload": payload}, status)


@router.get("/officer/import", response_class=HTMLResponse)
def import_form(
    request: Request,
    lang: Lang,
    user: OfficerUser,
    done: str = "",
    kind: str = "",
    created: int = 0,
    updated: int = 0,
    unchanged: int = 0,
) -> Response:
    """Show the upload form (and, after an import, what it did)."""
    counts = {"kind": kind, "created": created, "updated": updated, "unchanged": unchanged} if done == "imported" else None
    return import_page(request, lang, done=done, counts=counts)


@router.post("/officer/import/preview", response_class=HTMLResponse)
def import_preview(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, submitted: Submitted) -> Response:
    """Check an uploaded file and show every error and warning and what it would create or update; write nothing."""
    try:
        upload = received_file(submitted)
    except UploadRefused as refused:
        return import_page(request, lang, refusal=refused)
    checked = check_upload(session, upload, lang=lang, keep=False)
    return preview_page(request, checked, user, status=422 if checked.outcome.errors else 200)


@router.post("/officer/import/confirm", response_class=HTMLResponse)
def import_confirm(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, submitted: Submitted) -> Response:
    """Check the previewed file again and import it in one transaction (nothing on any error)."""
    try:
        upload = opened([str(chunk) for chunk in submitted.getlist("payload")], user.id or 0)
    except UploadRefused as refused:
        return import_page(request, lang, refusal=refused)
    checked = check_upload(session, upload, lang=lang, keep=True, by=user.id)
    if checked.outcome.errors:
        return preview_page(request, checked, user, status=422)
    query = urlencode(
        {
            "done": "imported",
            "kind": upload.kind,
            "created": checked.outcome.created,
            "updated": checked.outcome.updated,
            "unchanged": checked.outcome.unchanged,
        }
    )
    return RedirectResponse(f"/officer/import?{query}", status_code=303)
