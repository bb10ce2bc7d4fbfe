"""A company's own account: its details, edited by its people, and the colleagues it invites.

The details are those of the application (employers.validation) but the licence number, which an officer
checked when approving: changing it is an officer's matter. Every change is audited with the fields changed.

Inviting a colleague writes a ``CompanyInvitation`` and an e-mail through the outbox (employers.outbox) with a
single-use link valid ``INVITATION_DAYS`` days; only the token's digest is stored. The invitee opens the link and
chooses a password: the account is created by the application's accounts (``ColleagueAccounts``, kept outside
this domain), linked to the company, and the invitation is used up. Both moves are audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import update
from sqlmodel import Session, col, select

from core import audit, tokens
from core.clock import utcnow
from core.formats import day
from core.problems import Problem
from employers import outbox, recipients
from employers.exceptions import InvalidCompanyProfile, InvalidInvitation, InvitationUnusable
from employers.models import CompanyInvitation, Employer
from employers.service import get_employer
from employers.validation import check_application, is_email

#: The details a company edits itself (the licence number is checked by an officer and stays).
PROFILE_FIELDS = ("name", "town", "contact_name", "phone", "email")
#: Days an invitation link stays usable.
INVITATION_DAYS = 7


def update_profile(*, session: Session, employer_id: int, fields: Mapping[str, str], by: int) -> Employer:
    """Save the company's details as its people typed them; InvalidCompanyProfile lists every problem; audited."""
    company = get_employer(session=session, employer_id=employer_id)
    typed = {name: str(fields.get(name) or "") for name in PROFILE_FIELDS}
    cleaned, problems = check_application({**typed, "licence_number": company.licence_number})
    if problems:
        raise InvalidCompanyProfile(problems)
    before = {name: getattr(company, name) for name in PROFILE_FIELDS}
    after = {name: cleaned[name] for name in PROFILE_FIELDS}
    changed = audit.changed_fields(before, after)
    if not changed:
        return company
    for name in changed:
        setattr(company, name, after[name])
    session.add(company)
    audit.record(session, actor_id=by, entity="employer", entity_id=employer_id, action="edit", employer_id=employer_id,
                 details={"fields": changed})  # fmt: skip
    return company


class ColleagueAccounts(Protocol):
    """The accounts of a company's people (kept by the application, outside this domain)."""

    def login_taken(self, *, session: Session, email: str) -> bool:
        """Return whether an account already signs in with this e-mail."""
        ...

    def password_problems(self, password: str) -> list[Problem]:
        """Return what is wrong with a password (too short, too long)."""
        ...

    def create(self, *, session: Session, employer_id: int, email: str, full_name: str, password: str) -> int:
        """Create the colleague's account, linked to the company, and return its id."""
        ...


@dataclass(frozen=True)
class Invited:
    """An invitation just written, and its token (to put in the link, never stored)."""

    invitation: CompanyInvitation
    token: str


def invite(
    *, session: Session, employer_id: int, email: str, full_name: str, by: int, accounts: ColleagueAccounts, link: str,
    now: datetime | None = None,
) -> Invited:  # fmt: skip
    """Invite a colleague to the company's account: an e-mail with a link (`link` holds "{token}"), audited."""
    company = get_employer(session=session, employer_id=employer_id)
    email, full_name = email.strip().lower(), " ".join(full_name.split())
    problems = [Problem("full_name", "field_required")] if not full_name else []
    if not is_email(email):
        problems.append(Problem("email", "invalid_email"))
    elif accounts.login_taken(session=session, email=email):
        problems.append(Problem("email", "email_taken"))
    if len(full_name) > 200:
        problems.append(Problem("full_name", "field_too_long", {"limit": "200"}))
    if problems:
        raise InvalidInvitation(problems)
    now = now or utcnow()
    token, digest = tokens.new_token()
    invitation = CompanyInvitation(employer_id=employer_id, email=email, full_name=full_name, digest=digest, invited_by=by,
                                   created_at=now, expires_at=now + timedelta(days=INVITATION_DAYS))  # fmt: skip
    session.add(invitation)
    session.flush()
    audit.record(session, actor_id=by, entity="company_invitation", entity_id=invitation.id, action="invite",
                 employer_id=employer_id, details={"email": email})  # fmt: skip
    invitee = outbox.Recipient(email=email, lang=recipients.account(session=session, user_id=by).lang)  # the inviter's
    values = {"employer": company.name, "name": full_name, "link": link.format(token=token),
              "deadline": day(invitation.expires_at, invitee.lang)}  # fmt: skip
    outbox.queue(session=session, key="colleague_invited.employer", recipient=invitee, values=values, offer_id=None)
    return Invited(invitation, token)


def open_invitation(*, session: Session, token: str, now: datetime | None = None) -> CompanyInvitation:
    """Return the invitation of a link while it can be used, else raise InvitationUnusable."""
    found = session.exec(select(CompanyInvitation).where(CompanyInvitation.digest == tokens.digest(token))).first()
    if found is None or found.accepted_at is not None or found.expires_at <= (now or utcnow()):
        raise InvitationUnusable()
    return found


def accept(*, session: Session, token: str, password: str, accounts: ColleagueAccounts, now: datetime | None = None) -> int:
    """Create the invited colleague's account with the password they chose and use the invitation up; return the account."""
    now = now or utcnow()
    invitation = open_invitation(session=session, token=token, now=now)
    problems = accounts.password_problems(password)
    if accounts.login_taken(session=session, email=invitation.email):
        raise InvitationUnusable()
    if problems:
        raise InvalidInvitation(problems)
    used = session.exec(
        update(CompanyInvitation)
        .where(col(CompanyInvitation.id) == invitation.id, col(CompanyInvitation.accepted_at).is_(None))
        .values(accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1:  # a racing submit of the same link used it first
        raise InvitationUnusable()
    account = accounts.create(session=session, employer_id=invitation.employer_id, email=invitation.email,
                              full_name=invitation.full_name, password=password)  # fmt: skip
    session.exec(update(CompanyInvitation).where(col(CompanyInvitation.id) == invitation.id).values(accepted_by=account)
                 .execution_options(synchronize_session=False))  # fmt: skip
    audit.record(session, actor_id=account, entity="company_invitation", entity_id=invitation.id, action="accept",
                 employer_id=invitation.employer_id)  # fmt: skip
    return account


def invitations(*, session: Session, employer_id: int) -> list[CompanyInvitation]:
    """Return the company's invitations, newest first."""
    query = select(CompanyInvitation).where(CompanyInvitation.employer_id == employer_id)
    return list(session.exec(query.order_by(col(CompanyInvitation.created_at).desc(), col(CompanyInvitation.id).desc())))
