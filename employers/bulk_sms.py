"""SMS to many trainees at once — a cohort, or the trainees' list as filtered — written to the outbox (employers.outbox).

The officer types the text, sees it as it will be sent (in the GSM alphabet, at most one SMS) with the number of
trainees who will get it, and confirms; only then is one outbox message written per trainee with a phone, and the
batch audited (who, how many, which list, the text). Trainees who left the programme, and erased records, get nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core import audit
from core.problems import Problem
from employers import outbox
from employers.exceptions import InvalidSms
from employers.notices import SMS_LIMIT, gsm
from employers.review import not_placed
from profiles import service as profiles_service
from profiles.models import TraineeProfile

#: The outbox kind of an officer's SMS to a list.
KIND = "officer_sms"
#: Who in the list gets it: everyone still in the programme, or only those without an active placement.
SCOPES = ("all", "not_placed")
#: A name erased (web.privacy.ERASED_NAME): its record has no one to write to.
ERASED = "—"


@dataclass(frozen=True)
class Audience:
    """The list an SMS goes to: a cohort, a search on code or name, and who in it (SCOPES)."""

    cohort: str = ""
    search: str = ""
    scope: str = "all"

    def as_dict(self) -> dict[str, str]:
        """Return the list's filters, by name (for the audit and the forms)."""
        return {"cohort": self.cohort, "q": self.search, "scope": self.scope}


@dataclass(frozen=True)
class Recipients:
    """The trainees of a list who will get the SMS (with a phone) and how many of the list will not (no phone)."""

    trainees: tuple[TraineeProfile, ...]
    without_phone: int

    @property
    def count(self) -> int:
        """Return how many SMS will be written."""
        return len(self.trainees)


def recipients(*, session: Session, audience: Audience) -> Recipients:
    """Return the trainees of the list still in the programme, those with a phone, by code."""
    listed = profiles_service.matching_profiles(session=session, cohort=audience.cohort, search=audience.search)
    staying = [p for p in listed if p.dropped_out_on is None and p.full_name != ERASED]
    if audience.scope == "not_placed":
        free = {p.id for p in not_placed(session)}
        staying = [p for p in staying if p.id in free]
    with_phone = tuple(p for p in staying if p.phone)
    return Recipients(with_phone, len(staying) - len(with_phone))


def prepared_text(typed: str) -> str:
    """Return the SMS as it will be sent (GSM alphabet, spaces squeezed); raise InvalidSms when empty or over one SMS."""
    text = gsm(" ".join(typed.split()))
    if not text:
        raise InvalidSms([Problem("text", "sms_text_required")])
    if len(text) > SMS_LIMIT:
        raise InvalidSms([Problem("text", "sms_too_long", {"limit": str(SMS_LIMIT)})])
    return text


def send(*, session: Session, audience: Audience, typed: str, trainee_ids: list[int], by: int) -> int:
    """Write the SMS to the outbox for the previewed trainees still on the list with a phone, audit the batch; return how
    many were written (a trainee who left the list since the preview is skipped)."""
    text = prepared_text(typed)
    chosen = set(trainee_ids)
    found = [p for p in recipients(session=session, audience=audience).trainees if p.id in chosen]
    for profile in found:
        outbox.queue_sms(session=session, kind=KIND, phone=profile.phone or "", text=text)
    audit.record(session, actor_id=by, entity="sms", entity_id=None, action="send", reason=text,
                 details={**audience.as_dict(), "recipients": len(found), "previewed": len(chosen)})  # fmt: skip
    return len(found)
