"""A forgotten PIN: the trainee asks for a code by SMS to their registered phone, then chooses a new PIN with it.

Asking. ``request_code`` writes a 6-digit code (its hash only) and queues the SMS in the outbox, in the
trainee's language. The page answers the same whether the phone has an account or not, so it tells nobody
who is a trainee. Throttled: at most ``PER_ACCOUNT`` codes an hour for one account (more asks send nothing,
silently) and ``PER_ADDRESS`` asks an hour from one address (more are refused with a wait). A newer code
replaces the older ones.

Using. ``reset_with_code`` checks the code (alive: unused, not expired, not replaced, fewer than
``MAX_WRONG_TRIES`` wrong tries) and sets the new PIN, which signs the trainee out everywhere. Each wrong try
counts, so a code can be guessed at most ``MAX_WRONG_TRIES`` times in ``PER_ACCOUNT`` codes an hour: 15
guesses an hour out of a million codes. Every code sent and every reset is in the audit trail (never a code).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlmodel import Session, col, func, select, update

from core import audit
from core.clock import utcnow
from core.names import display_name
from employers import outbox
from profiles.models import TraineeProfile
from web.auth.exceptions import ResetCodeInvalid, TooManyAttempts
from web.auth.models import PinResetCode, Role, User
from web.auth.service import MAX_CLIENT_LENGTH, MAX_LOGIN_LENGTH, check_secret_rules, normalise_login, set_secret

#: Codes sent to one account in an hour; asking more sends nothing (and says nothing different).
PER_ACCOUNT = 3
#: Asks from one address in an hour, for any phones; more are refused until the oldest is an hour old.
PER_ADDRESS = 10
#: Wrong codes typed before a code dies.
MAX_WRONG_TRIES = 5
WINDOW = timedelta(hours=1)
_hasher = PasswordHash.recommended()


def request_code(*, session: Session, phone: str, client: str, minutes: int, now: datetime | None = None) -> bool:
    """Send a reset code by SMS to the active trainee account whose login is this phone; return whether one was sent.

    Raise TooManyAttempts when the address asked too often. The caller must answer alike either way.
    """
    now, client = now or utcnow(), client[:MAX_CLIENT_LENGTH]
    login = normalise_login(phone[:MAX_LOGIN_LENGTH])
    _check_address(session, client, now)
    user = session.exec(select(User).where(User.login == login, User.role == Role.trainee, col(User.active).is_(True))).first()
    if user is None or _codes_sent(session, user.id or 0, now) >= PER_ACCOUNT:
        session.add(PinResetCode(user_id=None, client=client, created_at=now, expires_at=now))
        session.flush()
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    _retire_codes(session, user.id or 0, now)
    session.add(PinResetCode(user_id=user.id, code_hash=_hasher.hash(code), client=client, created_at=now,
                             expires_at=now + timedelta(minutes=minutes)))  # fmt: skip
    profile = session.get(TraineeProfile, user.trainee_id) if user.trainee_id is not None else None
    lang = (profile.message_language if profile else None) or "fr"
    values = {"code": code, "minutes": str(minutes), "name": display_name(user.full_name)}
    outbox.queue(session=session, key="pin_reset.trainee", recipient=outbox.Recipient(phone=user.login, lang=lang),
                 values=values, offer_id=None)  # fmt: skip
    audit.record(session, actor_id=None, entity="user", entity_id=user.id, action="pin_reset_requested",
                 trainee_id=user.trainee_id)  # fmt: skip
    return True


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
    if not (code.isdigit() and len(code) == 6 and _hasher.verify(code, live.code_hash)):
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


def _codes_sent(session: Session, user_id: int, now: datetime) -> int:
    query = (
        select(func.count())
        .select_from(PinResetCode)
        .where(PinResetCode.user_id == user_id, PinResetCode.created_at > now - WINDOW)
    )
    return int(session.exec(query).one())


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
