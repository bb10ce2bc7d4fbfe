"""Who a notice goes to and in which language: a staff account, a company, the officers on duty.

The accounts' table belongs to the application (web.auth.models.User); this domain reads only the columns it
needs, as a light table, so it never imports the web. Each account says the language it reads its messages in
(``message_language``: set when its person picks a language on the pages; None is French). A company's
notices go to its phone and e-mail, in the language of its contact's account (the one signing in with the
company's e-mail), else of its oldest active account. A trainee's language is on their profile (profiles).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, cast, column, table
from sqlmodel import Session, select

from employers.models import Employer
from employers.outbox import Recipient

#: The accounts' columns this module reads (the table is web.auth.models.User's).
ACCOUNTS = table("user", column("id", Integer), column("login", String), column("role", String), column("active", Boolean),
                 column("employer_id", Integer), column("message_language", String))  # fmt: skip
#: The languages an account's messages may be written in (the notices' catalogues for staff and companies).
ACCOUNT_LANGUAGES = ("fr", "en")
#: The roles told of an event on an offer no officer has handled yet (a company's request): the officers first,
#: else the admins (a small office where the admin does the officers' work).
ON_DUTY = ("officer", "admin")


def language_of(chosen: str | None) -> str:
    """Return the language an account's messages are written in: its choice when it is one, else French."""
    return chosen if chosen in ACCOUNT_LANGUAGES else "fr"


def account(*, session: Session, user_id: int) -> Recipient:
    """Return the recipient of a notice to one account (the sender finds its address), in the account's language."""
    chosen = session.exec(select(ACCOUNTS.c.message_language).where(ACCOUNTS.c.id == user_id)).first()
    return Recipient(user_id=user_id, lang=language_of(chosen))


def company(*, session: Session, employer: Employer) -> Recipient:
    """Return the recipient of a notice to a company: its phone and e-mail, in its contact's (or oldest account's) language."""
    query = (
        select(ACCOUNTS.c.message_language)
        .where(ACCOUNTS.c.employer_id == employer.id, ACCOUNTS.c.active.is_(True))
        .order_by((ACCOUNTS.c.login == employer.email.strip().lower()).desc(), ACCOUNTS.c.id)
        .limit(1)
    )
    chosen = session.exec(query).first()
    return Recipient(phone=employer.phone, email=employer.email, lang=language_of(chosen))


def officers_on_duty(*, session: Session) -> list[Recipient]:
    """Return the active officers (else the admins), each in their language: told when no officer handles an offer yet."""
    for role in ON_DUTY:
        # PostgreSQL keeps the role as an enum type of its own, compared with a text only once cast to one.
        is_role = cast(ACCOUNTS.c.role, String) == role
        query = select(ACCOUNTS.c.id).where(is_role, ACCOUNTS.c.active.is_(True)).order_by(ACCOUNTS.c.id)
        found = [account(session=session, user_id=int(i)) for i in session.exec(query)]
        if found:
            return found
    return []
