"""SMS to a cohort or to the trainees' list as filtered (employers.bulk_sms): write, preview with the count, confirm.

The preview carries what the officer saw — the text and the trainees it counted — signed (web.signing), so the
confirmation sends exactly that, to those of them still on the list, and nothing the officer did not see.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature
from sqlmodel import Session

from employers import bulk_sms
from employers.exceptions import InvalidSms
from employers.notices import SMS_LIMIT
from web import privacy
from web.auth.models import User
from web.csrf import verify_csrf
from web.db import SessionDep
from web.deps import Lang, OfficerUser, Submitted
from web.errors import DomainRoute
from web.messages import done_message, field_messages, message
from web.pages import render
from web.routes.officer import officer_context
from web.signing import signer

router = APIRouter(dependencies=[Depends(verify_csrf)], route_class=DomainRoute)

PURPOSE = "officer-sms"
#: How long a preview may wait for its confirmation.
PREVIEW_MAX_AGE_SECONDS = 3600
#: Recipients named on the preview (the count says how many in all).
PREVIEW_NAMES = 30


class PreviewRefused(Exception):
    """The confirmation's signed preview is missing, altered, another officer's or too old."""


def audience_of(values: Any) -> bulk_sms.Audience:
    """Return the list an SMS goes to from a query or a form (cohort, q, scope)."""
    scope = str(values.get("scope") or "all")
    return bulk_sms.Audience(str(values.get("cohort") or ""), str(values.get("q") or "").strip(),
                             scope if scope in bulk_sms.SCOPES else "all")  # fmt: skip


def sms_page(request: Request, session: Session, lang: str, audience: bulk_sms.Audience, *, typed: str = "",
             errors: dict[str, str] | None = None, done: str = "", sent: int = 0, status: int = 200) -> Response:  # fmt: skip
    """Render the SMS form for a list, with the count of trainees it would reach."""
    found = bulk_sms.recipients(session=session, audience=audience)
    context = {**officer_context(lang), "audience": audience, "found": found, "typed": typed, "errors": errors or {},
               "limit": SMS_LIMIT, "done": done_message(done, lang), "sent": sent}  # fmt: skip
    return render(request, "officer/sms.html", context, status)


@router.get("/officer/sms", response_class=HTMLResponse)
def sms_form(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, done: str = "", sent: int = 0) -> Response:
    """Show the SMS form for a cohort or a filtered list of trainees, with how many will get it."""
    return sms_page(request, session, lang, audience_of(request.query_params), done=done, sent=sent)


@router.post("/officer/sms/preview", response_class=HTMLResponse)
def sms_preview(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, form: Submitted) -> Response:
    """Show the SMS as it will be sent, the count and the names, and the confirmation; or the form with what to fix."""
    audience, typed = audience_of(form), str(form.get("text") or "")
    try:
        text = bulk_sms.prepared_text(typed)
    except InvalidSms as invalid:
        return sms_page(request, session, lang, audience, typed=typed, errors=field_messages(invalid.problems, lang), status=422)
    found = bulk_sms.recipients(session=session, audience=audience)
    token = signer(PURPOSE).dumps({"ids": [p.id for p in found.trainees], "text": typed, "by": user.id, "at": int(time.time()),
                                   "audience": audience.as_dict()})  # fmt: skip
    names = found.trainees[:PREVIEW_NAMES]
    privacy.log_views(session=session, trainee_ids=privacy.trainees_in(names), viewer=user, page="officer_sms_preview")
    context = {**officer_context(lang), "audience": audience, "found": found, "text": text, "typed": typed, "token": token,
               "names": names}  # fmt: skip
    return render(request, "officer/sms_preview.html", context)


def opened(token: str, user: User) -> dict[str, Any]:
    """Return a signed preview, or raise PreviewRefused unless this officer made it, recently."""
    try:
        data = signer(PURPOSE).loads(token)
    except BadSignature:
        raise PreviewRefused() from None
    fresh = isinstance(data, dict) and time.time() - float(data.get("at", 0)) <= PREVIEW_MAX_AGE_SECONDS
    if not fresh or data.get("by") != user.id:
        raise PreviewRefused()
    return data


@router.post("/officer/sms/send", response_class=HTMLResponse)
def sms_send(request: Request, session: SessionDep, lang: Lang, user: OfficerUser, form: Submitted) -> Response:
    """Write the previewed SMS to the outbox for the previewed trainees still on the list; audited."""
    try:
        data = opened(str(form.get("token") or ""), user)
    except PreviewRefused:
        errors = {"text": message("sms_preview_expired", lang)}
        return sms_page(request, session, lang, audience_of(form), typed=str(form.get("text") or ""), errors=errors, status=400)
    audience = audience_of(data["audience"])
    sent = bulk_sms.send(session=session, audience=audience, typed=str(data["text"]), trainee_ids=list(data["ids"]),
                         by=user.id or 0)  # fmt: skip
    query = urlencode({**audience.as_dict(), "done": "sms_queued", "sent": sent})
    return RedirectResponse(f"/officer/sms?{query}", status_code=303)
