"""Sign-in throttling: growing waits per account and per address, and a ceiling on trainee PIN guesses overall.

Only sign-ins whose secret was checked and found wrong are kept (`SignInAttempt`); a sign-in refused for
waiting is neither checked nor kept, so a stream of refused tries never prolongs a wait. Each scope lets a
few failures through at once, then makes each further try wait twice as long as the one before, up to a
cap. Rotating phones from one address meets the address's wait; one phone from many addresses meets the
account's; many addresses against many trainees meet the ceiling on PIN failures, which a 6-digit PIN needs
(a password of 10 characters or more has no such need). The README states the resulting budget.

Change a figure here and nowhere else (and the README's table with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from web.auth.models import SignInAttempt


@dataclass(frozen=True)
class Rule:
    """How many failures a scope gets at once within its window, then how long each further try waits.

    With `max_delay` zero the rule is a ceiling: past `free` failures in the window, every try waits until
    enough of them have left the window.
    """

    free: int
    window: timedelta
    first_delay: timedelta = timedelta(0)
    max_delay: timedelta = timedelta(0)

    def delay(self, failures: int) -> timedelta:
        """Return the wait after the last failure once `failures` (at least `free`) are in the window."""
        doublings = min(failures - self.free, 30)
        return min(self.first_delay * 2**doublings, self.max_delay)


#: One account (login), from any number of addresses: 5 at once, then 1, 2, 4 … minutes, capped at an hour.
ACCOUNT = Rule(free=5, window=timedelta(hours=24), first_delay=timedelta(minutes=1), max_delay=timedelta(hours=1))
#: One client address, over any number of logins: 30 at once (a shared mobile or café address), then 1, 2, 4 …
#: minutes, capped at 10.
ADDRESS = Rule(free=30, window=timedelta(hours=24), first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=10))
#: Every trainee PIN (a phone login), all accounts and addresses together: at most 200 failures an hour.
PINS = Rule(free=200, window=timedelta(hours=1))
#: Failures older than this count nowhere; `rdvm jobs` deletes them.
KEPT = max(ACCOUNT.window, ADDRESS.window, PINS.window)


def is_pin_login(login: str) -> bool:
    """Return whether a (normalised) login is a phone, whose secret is a 6-digit PIN."""
    return "@" not in login


def wait_before(
    session: Session, *, login: str, client: str, own_id: int, now: datetime, secret_set_at: datetime | None
) -> timedelta:
    """Return how long this sign-in must wait before its secret may be checked (zero: now).

    `own_id` is the attempt being decided, recorded beforehand so that parallel tries count each other; it
    does not count against itself. Failures before the account's secret was last set (a new PIN handed out by
    an officer) no longer count against the account.
    """
    since_account = now - ACCOUNT.window
    if secret_set_at is not None:
        since_account = max(since_account, secret_set_at)
    waits = [
        _growing_wait(session, ACCOUNT, SignInAttempt.login == login, own_id, now, since_account),
        _growing_wait(session, ADDRESS, SignInAttempt.client == client, own_id, now, now - ADDRESS.window),
    ]
    if is_pin_login(login):
        waits.append(_ceiling_wait(session, PINS, col(SignInAttempt.pin).is_(True), own_id, now))
    return max(waits)


def _growing_wait(session: Session, rule: Rule, scope: Any, own_id: int, now: datetime, since: datetime) -> timedelta:
    query = select(func.count(), func.max(SignInAttempt.at)).where(scope, SignInAttempt.at >= since, SignInAttempt.id != own_id)
    failures, last = session.exec(query).one()
    if failures < rule.free or last is None:
        return timedelta(0)
    return max(last + rule.delay(failures) - now, timedelta(0))


def _ceiling_wait(session: Session, rule: Rule, scope: Any, own_id: int, now: datetime) -> timedelta:
    in_window = (scope, SignInAttempt.at >= now - rule.window, SignInAttempt.id != own_id)
    failures = int(session.exec(select(func.count()).select_from(SignInAttempt).where(*in_window)).one())
    if failures < rule.free:
        return timedelta(0)
    # The ceiling lifts when the oldest failures beyond it have left the window.
    query = select(SignInAttempt.at).where(*in_window).order_by(col(SignInAttempt.at)).offset(failures - rule.free).limit(1)
    leaves_at = session.exec(query).one()
    return max(leaves_at + rule.window - now, timedelta(seconds=1))


def attempts_within(rule: Rule, duration: timedelta) -> int:
    """Return how many tries an attacker trying as soon as allowed gets from one scope in `duration` (README's table).

    For a growing rule `duration` is at most its window: every failure still counts, none has left.
    """
    if rule.max_delay == timedelta(0):
        return rule.free * -(-duration // rule.window)  # a ceiling: `free` in each window begun
    assert duration <= rule.window, "past its window a growing rule forgets failures: simulate one window"
    tries, at, last = 0, timedelta(0), timedelta(0)
    while True:
        if tries >= rule.free:
            at = last + rule.delay(tries)
        if at >= duration:
            return tries
        tries, last = tries + 1, at
