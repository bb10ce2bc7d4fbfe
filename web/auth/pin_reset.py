"""A forgotten PIN: the trainee asks for a code by SMS to their registered phone, then chooses a new PIN with it.

Asking. ``request_code`` writes a 6-digit code (its hash only) and queues the SMS in the outbox, in the
trainee's language. The page answers the same whether the phone has an account or not, so it tells nobody
who is a trainee. Throttled: at most ``PER_ACCOUNT`` codes an hour for one account (more asks send nothing,
silently) and ``PER_ADDRESS`` asks an hour from one address (more are refused with a wait). A newer code
replaces the older ones.

An officer may send the code too (``send_code_for``, from the trainee's page): the same code, SMS, limits and
audit, the officer named as who asked; the officer is told when a limit refuses it.

Using. ``reset_with_code`` checks the code (alive: unused, not expired, not replaced, fewer than
``MAX_WRONG_TRIES`` wrong tries) and sets the new PIN, which signs the trainee out everywhere. Each wrong try
counts, so a code can be guessed at most ``MAX_WRONG_TRIES`` times in ``PER_ACCOUNT`` codes an hour: 15
guesses an hour out of a million codes. Every code sent and every reset is in the audit trail (never a code).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from core import audit
from core.clock import utcnow
from core.names import display_name
from employers import outbox
from profiles.models import TraineeProfile
from web.auth import hashing
from web.auth.exceptions import AccountNotFound, ResetCodeInvalid, TooManyAttempts
from web.auth.models import PinResetCode, Role, User
from web.auth.service import MAX_CLIENT_LENGTH, MAX_LOGIN_LENGTH, check_secret_rules, normalise_login, set_secret

#: Codes sent to one account in an hour; asking more sends nothing (and says nothing different).
PER_ACCOUNT = 3
#: Asks from one address in an hour, for any phones; more are refused until the oldest is an hour old.
PER_ADDRESS = 10
#: Wrong codes typed before a code dies.
MAX_WRONG_TRIES = 5
WINDOW = timedelta(hours=1)


def request_code(*, session: Session, phone: str, client: str, minutes: int, now: datetime | None = None) -> bool:
    """Send a reset code by SMS to the active trainee account whose login is this phone; return whether one was sent.

    Raise TooManyAttempts when the address asked too often. The caller must answer alike either way.
    """
    now, client = now or utcnow(), client[:MAX_CLIENT_LENGTH]
    login = normalise_login(phone[:MAX_LOGIN_LENGTH])
    _check_address(session, client, now)
    user = session.exec(select(User).where(User.login == login, User.role == Role.trainee, col(User.active).is_(True))).first()
    if user is None or len(_sent_times(session, user.id or 0, now)) >= PER_ACCOUNT:
        _record_ask(session, client, now)
        return False
    _send_code(session, user, client, minutes, now, by=None)
    return True


def send_code_for(*, session: Session, user: User, by: int, client: str, minutes: int, now: datetime | None = None) -> None:
    """Send a reset code by SMS to a trainee's active account at an officer's asking (`by`), as the trainee would get it.

    Throttled as the trainee's own asks are, but said: raise TooManyAttempts when the officer's address asked too
    often or the account already received ``PER_ACCOUNT`` codes this hour (how long to wait), AccountNotFound
    when the account is not an active trainee's.
    """
    now, client = now or utcnow(), client[:MAX_CLIENT_LENGTH]
    if user.role != Role.trainee or not user.active:
        raise AccountNotFound(user.login)
    _check_address(session, client, now)
    sent = _sent_times(session, user.id or 0, now)
    if len(sent) >= PER_ACCOUNT:
        _record_ask(session, client, now)
        raise TooManyAttempts(user.login, sent[len(sent) - PER_ACCOUNT] + WINDOW - now)
    _send_code(session, user, client, minutes, now, by=by)


def _record_ask(session: Session, client: str, now: datetime) -> None:
    """Keep an ask that sent nothing, so that the asking address is throttled all the same."""
    session.add(PinResetCode(user_id=None, client=client, created_at=now, expires_at=now))
    session.flush()


def _send_code(session: Session, user: User, client: str, minutes: int, now: datetime, *, by: int | None) -> None:
    """Write a new code (its hash), retiring the older ones, queue its SMS in the trainee's language, and audit it."""
    code = f"{secrets.randbelow(10**6):06d}"
    _retire_codes(session, user.id or 0, now)
    session.add(PinResetCode(user_id=user.id, code_hash=hashing.HASHER.hash(code), client=client, created_at=now,
                             expires_at=now + timedelta(minutes=minutes)))  # fmt: skip
    profile = session.get(TraineeProfile, user.trainee_id) if user.trainee_id is not None else None
    lang = (profile.message_language if profile else None) or "fr"
    values = {"code": code, "minutes": str(minutes), "name": display_name(user.full_name)}
    outbox.queue(session=session, key="pin_reset.trainee", recipient=outbox.Recipient(phone=user.login, lang=lang),
                 values=values, offer_id=None)  # fmt: skip
    audit.record(session, actor_id=by, entity="user", entity_id=user.id, action="pin_reset_requested",
                 trainee_id=user.trainee_id)  # fmt: skip


def reset_with_code(*, session: Session, phone: str, code: str, new_pin: str, now: datetime | None = None) -> User:
    """Set a new PIN for the trainee of this phone if `code` is their live reset code; return the account.

    Raise ResetCodeInvalid (a wrong try is counted: commit it) or WeakPassword (the new PIN is not 6 digits; the
    code stays alive).
    """
    now = now or utcnow()
    login = normalise_login(phone[:MAX_LOGIN_LENGTH])
    user = session.exec(select(User).where(User.login == login, User.role == Role.trainee, col(User.active).is_(True))).first()
    live = _live_code(session, user.id or 0, now) if user is not None else None
    if user is None or live is None:
        raise ResetCodeInvalid(login)
    if not (code.isdigit() and len(code) == 6 and hashing.HASHER.verify(code, live.code_hash)):
        live.wrong_tries += 1
        session.add(live)
        session.flush()
        raise ResetCodeInvalid(login)
    check_secret_rules(Role.trainee, new_pin)
    live.used_at = now
    session.add(live)
    set_secret(session=session, user=user, new=new_pin)
    audit.record(session, actor_id=user.id, entity="user", entity_id=user.id, action="pin_reset_by_code",
                 trainee_id=user.trainee_id)  # fmt: skip
    return user


def _check_address(session: Session, client: str, now: datetime) -> None:
    asked = select(PinResetCode.created_at).where(PinResetCode.client == client, PinResetCode.created_at > now - WINDOW)
    times = sorted(session.exec(asked))
    if len(times) >= PER_ADDRESS:
        raise TooManyAttempts(client, times[len(times) - PER_ADDRESS] + WINDOW - now)


def _sent_times(session: Session, user_id: int, now: datetime) -> list[datetime]:
    """Return when the account's codes of the last hour were sent, oldest first."""
    query = select(PinResetCode.created_at).where(PinResetCode.user_id == user_id, PinResetCode.created_at > now - WINDOW)
    return sorted(session.exec(query))


def _retire_codes(session: Session, user_id: int, now: datetime) -> None:
    """End the account's live codes: only the newest code sent works."""
    alive = (col(PinResetCode.user_id) == user_id, col(PinResetCode.used_at).is_(None), col(PinResetCode.expires_at) > now)
    session.exec(update(PinResetCode).where(*alive).values(expires_at=now))


def _live_code(session: Session, user_id: int, now: datetime) -> PinResetCode | None:
    query = (
        select(PinResetCode)
        .where(
            PinResetCode.user_id == user_id,
            col(PinResetCode.used_at).is_(None),
            PinResetCode.expires_at > now,
            PinResetCode.wrong_tries < MAX_WRONG_TRIES,
        )  # fmt: skip
        .order_by(col(PinResetCode.id).desc())
    )
    return session.exec(query).first()
