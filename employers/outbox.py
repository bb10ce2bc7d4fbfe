"""The outbox: notices written in the same transaction as the change they report, sent afterwards.

Writing. ``queue`` adds an ``OutboxMessage`` (SMS text, in the recipient's language, of at most 160 GSM characters, e-mail subject
and body, from employers.notices) for one recipient: a staff member's account (``recipient_user_id``; the
sender finds the address, a staff login being an e-mail), or a phone number and/or an e-mail address
(trainees: the profile's phone; companies: their phone and e-mail). As the message is written with the
change, a rolled-back change sends nothing and a committed one is never forgotten.

Sending. ``deliver_pending(session=..., sender=...)`` hands each unsent message, oldest first, to a
``Sender`` and marks it sent; a sender that raises leaves the message pending, with the error and the
number of attempts, until ``MAX_ATTEMPTS``. Run it from a scheduled command and commit after it. Delivery
is at least once: a crash between sending and committing sends that message again, so a gateway that
accepts a client reference should be given ``message.id`` to drop duplicates. On PostgreSQL the pending
rows are locked with SKIP LOCKED, so two deliverers never take the same message; SQLite runs one write
transaction at a time anyway.

Plugging an SMS gateway. Write a class with a ``send(message: OutboxMessage) -> None`` method, e.g.::

    class GatewaySender:
        def __init__(self, client: httpx.Client, url: str, token: str) -> None: ...

        def send(self, message: OutboxMessage) -> None:
            if not message.recipient_phone:
                raise NoAddress(message.id)            # stays pending, visible in last_error
            response = self._client.post(self._url, headers={"Authorization": f"Bearer {self._token}"},
                                         json={"to": message.recipient_phone, "text": message.sms_text,
                                               "reference": str(message.id)})
            response.raise_for_status()                # an error is retried on the next run

and pass it to ``deliver_pending``. A sender may route by recipient: SMS to ``recipient_phone``, e-mail
(``email_subject``, ``email_body``) to ``recipient_email`` or to the account of ``recipient_user_id``.
``ConsoleSender`` (development) and ``FileSender`` (a JSON-lines file, for tests and audits) are the two
senders provided.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from sqlmodel import Session, col, select

from core.clock import utcnow
from employers import notices
from employers.models import OutboxMessage
from matching.country import get_pack

log = logging.getLogger(__name__)

#: What an officer's SMS reads as in the outbox (it has no e-mail of its own); {programme}: the pack's short name.
SMS_SUBJECT = "SMS de votre conseiller {programme}"
#: A message whose sending failed this many times is left for a person to look at.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Recipient:
    """Whom a message is for: a staff account, or a phone number and/or an e-mail address."""

    user_id: int | None = None
    phone: str | None = None
    email: str | None = None
    lang: str = "fr"  # the language the recipient reads their messages in


class Sender(Protocol):
    """Delivers one message (SMS, e-mail, or both); raises when it could not."""

    def send(self, message: OutboxMessage) -> None:
        """Deliver the message or raise."""


def queue(*, session: Session, key: str, recipient: Recipient, values: Mapping[str, str], offer_id: int | None) -> OutboxMessage:
    """Write the notice `key` ("<event>.<audience>") for one recipient, to be sent after the transaction commits."""
    notice = notices.render(key, values, recipient.lang)
    message = OutboxMessage(
        kind=key, offer_id=offer_id, recipient_user_id=recipient.user_id, recipient_phone=recipient.phone,
        recipient_email=recipient.email, sms_text=notice.sms, email_subject=notice.subject, email_body=notice.body,
    )  # fmt: skip
    session.add(message)
    return message


def queue_sms(*, session: Session, kind: str, phone: str, text: str) -> OutboxMessage:
    """Write an SMS an officer typed (already checked to fit one GSM message) for one phone, sent after the commit."""
    subject = SMS_SUBJECT.format(programme=get_pack().programme_short)
    message = OutboxMessage(kind=kind, recipient_phone=phone, sms_text=text, email_subject=subject, email_body=text)
    session.add(message)
    return message


@dataclass(frozen=True)
class Delivery:
    """What one run of deliver_pending did: the ids of the messages sent and of those that failed."""

    sent: tuple[int, ...]
    failed: tuple[int, ...]


def pending(*, session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Return up to `limit` messages not sent yet (and not given up on), oldest first, locked for this transaction."""
    query = (
        select(OutboxMessage)
        .where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query))


def deliver_pending(*, session: Session, sender: Sender, limit: int = 100) -> Delivery:
    """Hand every pending message to the sender, oldest first; mark those sent, record the errors of the others."""
    sent: list[int] = []
    failed: list[int] = []
    for message in pending(session=session, limit=limit):
        message.attempts += 1
        try:
            sender.send(message)
        except Exception as exc:  # noqa: BLE001  (any failure of a gateway leaves the message for the next run)
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            failed.append(message.id or 0)
            log.warning("outbox message %s not sent: %s", message.id, message.last_error)
        else:
            message.sent_at, message.last_error = utcnow(), None
            sent.append(message.id or 0)
        session.add(message)
    session.flush()
    return Delivery(tuple(sent), tuple(failed))


def as_dict(message: OutboxMessage) -> dict[str, Any]:
    """Return a message as plain JSON values."""
    data = message.model_dump(exclude={"sent_at", "attempts", "last_error"})
    data["created_at"] = message.created_at.isoformat()
    return data


class ConsoleSender:
    """Writes each message to a text stream (standard output by default): for development."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, message: OutboxMessage) -> None:
        """Write the message's recipient, SMS and e-mail."""
        to = message.recipient_phone or message.recipient_email or f"user {message.recipient_user_id}"
        stream = self._stream or sys.stdout
        stream.write(f"--- {message.kind} → {to}\nSMS: {message.sms_text}\nObjet : {message.email_subject}\n"
                     f"{message.email_body}\n")  # fmt: skip
        stream.flush()


class FileSender:
    """Appends each message to a file as one line of JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: OutboxMessage) -> None:
        """Append the message as a JSON line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # phones and names: owner only
        with os.fdopen(descriptor, "a", encoding="utf-8") as out:
            out.write(json.dumps(as_dict(message), ensure_ascii=False) + "\n")
