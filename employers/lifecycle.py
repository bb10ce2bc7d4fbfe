"""Who acts in the employers' domain (``Actor``), and the shape every lifecycle takes: a table of ``Transition``s.

A lifecycle (an offer's, a placement's, a vacancy's) is a table: for each action, the states it may start
from, the state it leads to, and the parties who may take it. A service checks the party first
(ActionNotAllowed), then moves the record with one conditional UPDATE guarded by the action's source states,
so of two requests racing on one record only one moves it.

Who acts is always an ``Actor``: the part it plays (its ``Party``) with the account, the company or the
trainee it stands for. The web layer makes one from the signed-in account (``web.auth.models.User.actor``,
where an admin acts as an officer); the system acts as ``SYSTEM`` (expiry, the withdrawals that follow a
closing or a placement, a vacancy filling and opening again with its seats).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from employers.exceptions import ActionNotAllowed


class Party(StrEnum):
    """The part an actor plays in the employers' workflows: what the tables of transitions name."""

    officer = "officer"
    employer = "employer"
    trainee = "trainee"
    system = "system"


@dataclass(frozen=True)
class Actor:
    """Who takes an action: a party, its account (none for the system), and the company or trainee it acts for."""

    party: Party
    user_id: int | None = None
    employer_id: int | None = None
    trainee_id: int | None = None

    def account(self) -> int:
        """Return the acting user's id, recorded as who did it; ValueError for a person with no saved account."""
        if self.user_id is None:
            raise ValueError("the acting user has no id (not saved)")
        return self.user_id

    def recorded(self) -> int | None:
        """Return the id the audit trail records for this actor: the account, or None for the system."""
        return None if self.party == Party.system else self.account()


#: The system, acting on its own.
SYSTEM = Actor(Party.system)

State = TypeVar("State", bound=StrEnum)


@dataclass(frozen=True)
class Transition(Generic[State]):
    """An action's source states (None: the record does not exist yet), its target state, and who may take it."""

    sources: frozenset[State | None]
    target: State
    parties: frozenset[Party]

    def allows(self, party: Party, state: State | None) -> bool:
        """Return whether this party may take the action on a record in this state (None: no record yet)."""
        return party in self.parties and state in self.sources

    def require(self, action: str, by: Actor, subject: str) -> None:
        """Raise ActionNotAllowed unless the actor's party may ever take this action on the subject."""
        if by.party not in self.parties:
            raise ActionNotAllowed(action, by.party.value, subject)

    def stored_sources(self) -> list[State]:
        """Return the source states a stored record can be in (those a conditional UPDATE matches)."""
        return sorted(state for state in self.sources if state is not None)
