"""Privacy pages: the public notice (/privacy), the officer's consent form, personal export and erasure of a trainee,
the trainee's own consent page (withdrawal, effective at once), and the admin's page to disable an account."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from profiles import consent as consent_service
from profiles import service as profiles_service
from profiles.exceptions import InvalidConsent
from profiles.models import ConsentScope
from web import privacy
from web.config import get_settings
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted, TraineeUser
from web.errors import DomainRoute
from web.messages import MESSAGES, N_, done_message
from web.pages import render
from web.privacy_pages import export_html

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

MESSAGES.update({
    "invalid_consent": N_("Cochez au moins un usage ; la référence du document tient en 200 caractères."),
    "unknown_account": N_("Aucun compte n'a cet identifiant."),
    "done_consent": N_("Le consentement est enregistré."),
    "done_erased": N_("Les données personnelles de l'agent sont effacées."),
    "done_withdrawn": N_("C'est fait : votre accord est retiré."),
    "erase_confirm": N_("Recopiez le code de l'agent pour confirmer."),
    "erase_reason": N_("Dites pourquoi les données sont effacées."),
})  # fmt: skip

#: Each scope in plain words, for the officer and the trainee.
SCOPE_WORDS: dict[ConsentScope, tuple[str, str]] = {
    ConsentScope.share: ("🏢", N_("Montrer mon profil aux sociétés (sans mon nom ni mon téléphone)")),
    ConsentScope.sms: ("📱", N_("Recevoir des SMS du programme")),
    ConsentScope.evaluation: ("📊", N_("Compter mon parcours dans l'évaluation du programme")),
}


@router.get("/privacy", response_class=HTMLResponse)
def privacy_notice(request: Request, lang: Lang) -> Response:
    """Show, in plain words, what is kept on trainees, why, for how long, and who to ask."""
    settings = get_settings()
    context = {"months": settings.retention_months, "contact": settings.privacy_contact}
    return render(request, "privacy/notice.html", context)


# ---------------------------------------------------------------- officers


@router.post("/officer/trainees/{trainee_id}/consent", response_class=HTMLResponse)
def record_consent(session: SessionDep, user: OfficerUser, trainee_id: int, form: Submitted) -> Response:
    """Record a consent decision (given or withdrawn) on the scopes ticked, with its document reference."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    scopes = consent_service.parse_scopes(str(v) for v in form.getlist("scopes"))
    consent_service.record(session=session, profile=profile, scopes=scopes, given=form.get("given") == "1", by=user.id,
                           document=str(form.get("document") or ""))  # fmt: skip
    return RedirectResponse(f"/officer/trainees/{trainee_id}?done=consent", status_code=303)


@router.get("/officer/trainees/{trainee_id}/export.json")
def export_json(session: SessionDep, user: OfficerUser, trainee_id: int) -> Response:
    """Download everything held on a trainee as JSON (their personal export)."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    privacy.log_views(session=session, trainee_ids=[profile.id], viewer=user, page="personal_export")
    data = privacy.personal_data(session=session, profile=profile)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    disposition = f'attachment; filename="rdvm-{profile.code}.json"'
    return Response(body, media_type="application/json", headers={"Content-Disposition": disposition})


@router.get("/officer/trainees/{trainee_id}/export", response_class=HTMLResponse)
def export_page(session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int) -> Response:
    """Show everything held on a trainee as a readable page, to print or hand over."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    privacy.log_views(session=session, trainee_ids=[profile.id], viewer=user, page="personal_export")
    return HTMLResponse(export_html(privacy.personal_data(session=session, profile=profile), lang))


@router.get("/officer/trainees/{trainee_id}/erase", response_class=HTMLResponse)
def erase_page(request: Request, session: SessionDep, user: OfficerUser, trainee_id: int) -> Response:
    """Ask for confirmation (the trainee's code typed again) and a reason before erasing."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    return render(request, "privacy/erase.html", {"profile": profile, "errors": {}})


@router.post("/officer/trainees/{trainee_id}/erase", response_class=HTMLResponse)
def erase(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, trainee_id: int, form: Submitted) -> Response:
    """Erase the trainee's personal data once the code is typed again and a reason given."""
    profile = profiles_service.get_profile(session=session, profile_id=trainee_id)
    reason = str(form.get("reason") or "").strip()
    errors = {}
    if str(form.get("confirm") or "").strip() != profile.code:
        errors["confirm"] = "erase_confirm"
    if not reason:
        errors["reason"] = "erase_reason"
    if errors:
        return render(request, "privacy/erase.html", {"profile": profile, "errors": errors, "reason": reason}, 422)
    privacy.erase(session=session, code=profile.code, reason=reason, by=user.id)
    return RedirectResponse(f"/officer/trainees/{trainee_id}?done=erased", status_code=303)


# ---------------------------------------------------------------- the trainee


@router.get("/trainee/consent", response_class=HTMLResponse)
def trainee_consent(request: Request, session: SessionDep, lang: Lang, user: TraineeUser, done: str = "") -> Response:
    """Show what the trainee agreed to, each with a button to stop it."""
    states = consent_service.in_force(session=session, trainee_id=user.trainee_id or 0) if user.trainee_id else []
    context = {"states": states, "words": SCOPE_WORDS, "done": done_message(done, lang)}
    return render(request, "privacy/trainee_consent.html", context)


@router.post("/trainee/consent/withdraw")
def trainee_withdraw(session: SessionDep, user: TraineeUser, form: Submitted) -> Response:
    """Withdraw one agreement, effective at once (a share withdrawn: companies no longer see or rank the profile)."""
    try:
        scope = ConsentScope(str(form.get("scope")))
    except ValueError:
        raise InvalidConsent("scopes") from None
    consent_service.withdraw_by_trainee(session=session, trainee_id=user.trainee_id or 0, scope=scope, by=user.id)
    return RedirectResponse("/trainee/consent?done=withdrawn", status_code=303)
