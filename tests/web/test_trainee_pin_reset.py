"""A forgotten PIN (issue 13): a code by SMS to the trainee's phone, throttled, expiring, audited; then a new PIN."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers.models import OutboxMessage
from tests.web.conftest import Client
from tests.web.test_trainee_pages import PIN, post, text_of, trainee
from web.auth import pin_reset
from web.auth.exceptions import ResetCodeInvalid, TooManyAttempts
from web.auth.models import PinResetCode, User

CODE = re.compile(r"\b(\d{6})\b")


def codes_sent(session: Session, phone: str) -> list[str]:
    """Return the codes the outbox sent to a phone, oldest first (read from the SMS text)."""
    session.expire_all()
    query = select(OutboxMessage.sms_text).where(
        OutboxMessage.recipient_phone == phone, OutboxMessage.kind == "pin_reset.trainee"
    )
    return [CODE.findall(text)[0] for text in session.exec(query.order_by(col(OutboxMessage.id)))]


def ask(client: Client, phone: str) -> object:
    return post(client, "/signin/pin", {"phone": phone})


class TestAsking:
    def test_a_known_phone_gets_a_code_by_sms_and_the_page_asks_for_it(self, session: Session, client: Client) -> None:
        _, account = trainee(session)
        page = ask(client, account.login)
        assert page.status_code == 200  # type: ignore[attr-defined]
        assert 'autocomplete="one-time-code"' in page.text and 'inputmode="numeric"' in page.text  # type: ignore[attr-defined]
        assert len(codes_sent(session, account.login)) == 1
        events = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "user", AuditEvent.entity_id == account.id))
        assert "pin_reset_requested" in list(events)
        stored = session.exec(select(PinResetCode).where(PinResetCode.user_id == account.id)).one()
        assert codes_sent(session, account.login)[0] not in stored.code_hash  # only its hash is kept

    def test_an_unknown_phone_gets_the_same_page_and_no_sms(self, session: Session, client: Client) -> None:
        _, account = trainee(session)
        known = text_of(ask(client, account.login).text)  # type: ignore[attr-defined]
        unknown = text_of(ask(client, "+22399999999").text)  # type: ignore[attr-defined]
        assert unknown.replace("99999999", "") == known.replace(account.login.removeprefix("+223"), "")
        assert codes_sent(session, "+22399999999") == []

    def test_the_sms_is_in_the_trainees_language(self, session: Session, client: Client) -> None:
        own, account = trainee(session)
        own.message_language = "bm"
        session.add(own)
        session.commit()
        ask(client, account.login)
        sms = session.exec(select(OutboxMessage.sms_text).where(OutboxMessage.recipient_phone == account.login)).one()
        assert "gundo nimoro kura" in sms and len(sms) <= 160

    def test_an_account_gets_three_codes_an_hour_then_nothing_more_said_alike(self, session: Session) -> None:
        _, account = trainee(session)
        sent = [pin_reset.request_code(session=session, phone=account.login, client=f"10.0.0.{i}", minutes=15) for i in range(5)]
        assert sent == [True, True, True, False, False]
        later = utcnow() + timedelta(hours=1, minutes=1)
        assert pin_reset.request_code(session=session, phone=account.login, client="10.0.0.9", minutes=15, now=later)

    def test_an_address_asking_for_many_phones_must_wait(self, session: Session, client: Client) -> None:
        for n in range(pin_reset.PER_ADDRESS):
            assert ask(client, f"+2237000{n:04d}").status_code == 200  # type: ignore[attr-defined]
        refused = ask(client, "+22370009999")
        assert refused.status_code == 429 and "Retry-After" in refused.headers  # type: ignore[attr-defined]
        assert "Attendez" in text_of(refused.text)  # type: ignore[attr-defined]


class TestNewPin:
    def test_the_right_code_sets_the_new_pin_and_signs_the_trainee_in(self, session: Session, client: Client) -> None:
        _, account = trainee(session)
        ask(client, account.login)
        code = codes_sent(session, account.login)[0]
        done = post(client, "/signin/pin/new", {"phone": account.login, "code": code, "new": "246810", "repeat": "246810"})
        assert done.status_code == 303 and done.headers["location"] == "/trainee?done=pin"  # type: ignore[attr-defined]
        assert "nouveau code secret est enregistré" in client.get(done.headers["location"]).text  # type: ignore[attr-defined]
        other = Client(client.app)
        other.sign_in(account.login, "246810")  # the new PIN works …
        with pytest.raises(AssertionError):
            other.sign_in(account.login, PIN)  # … the old one no longer does
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "user", AuditEvent.entity_id == account.id))
        assert "pin_reset_by_code" in list(actions)

    def test_a_used_code_does_not_work_twice(self, session: Session) -> None:
        _, account = trainee(session)
        pin_reset.request_code(session=session, phone=account.login, client="a", minutes=15)
        code = codes_sent(session, account.login)[0]
        pin_reset.reset_with_code(session=session, phone=account.login, code=code, new_pin="111111")
        with pytest.raises(ResetCodeInvalid):
            pin_reset.reset_with_code(session=session, phone=account.login, code=code, new_pin="222222")

    def test_a_code_expires(self, session: Session) -> None:
        _, account = trainee(session)
        pin_reset.request_code(session=session, phone=account.login, client="a", minutes=15)
        code = codes_sent(session, account.login)[0]
        with pytest.raises(ResetCodeInvalid):
            pin_reset.reset_with_code(session=session, phone=account.login, code=code, new_pin="111111",
                                      now=utcnow() + timedelta(minutes=16))  # fmt: skip

    def test_a_newer_code_replaces_the_older(self, session: Session) -> None:
        _, account = trainee(session)
        for _ in range(2):
            pin_reset.request_code(session=session, phone=account.login, client="a", minutes=15)
        first, second = codes_sent(session, account.login)
        if first != second:
            with pytest.raises(ResetCodeInvalid):
                pin_reset.reset_with_code(session=session, phone=account.login, code=first, new_pin="111111")
        assert pin_reset.reset_with_code(session=session, phone=account.login, code=second, new_pin="111111").id == account.id

    def test_five_wrong_codes_kill_the_code_and_each_is_kept(self, session: Session, client: Client) -> None:
        _, account = trainee(session)
        ask(client, account.login)
        code = codes_sent(session, account.login)[0]
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for _ in range(pin_reset.MAX_WRONG_TRIES):
            refused = post(
                client, "/signin/pin/new", {"phone": account.login, "code": wrong, "new": "246810", "repeat": "246810"}
            )
            assert refused.status_code == 400 and "Ce code ne marche pas" in text_of(refused.text)  # type: ignore[attr-defined]
        late = post(client, "/signin/pin/new", {"phone": account.login, "code": code, "new": "246810", "repeat": "246810"})
        assert late.status_code == 400  # type: ignore[attr-defined]
        session.expire_all()
        assert session.exec(select(PinResetCode.wrong_tries).where(PinResetCode.user_id == account.id)).one() == 5

    def test_two_different_pins_or_a_short_one_are_refused_and_the_code_stays(self, session: Session, client: Client) -> None:
        _, account = trainee(session)
        ask(client, account.login)
        code = codes_sent(session, account.login)[0]
        differ = post(client, "/signin/pin/new", {"phone": account.login, "code": code, "new": "246810", "repeat": "246811"})
        short = post(client, "/signin/pin/new", {"phone": account.login, "code": code, "new": "2468", "repeat": "2468"})
        assert "pas pareils" in text_of(differ.text) and "6 chiffres" in text_of(short.text)  # type: ignore[attr-defined]
        assert pin_reset.reset_with_code(session=session, phone=account.login, code=code, new_pin="135790").id == account.id

    def test_a_disabled_account_gets_no_code(self, session: Session) -> None:
        _, account = trainee(session)
        account.active = False
        session.add(account)
        session.commit()
        assert not pin_reset.request_code(session=session, phone=account.login, client="a", minutes=15)
        session.refresh(account)
        assert isinstance(account, User)

    def test_the_address_limit_raises_with_a_wait(self, session: Session) -> None:
        for n in range(pin_reset.PER_ADDRESS):
            pin_reset.request_code(session=session, phone=f"+2237100{n:04d}", client="b", minutes=15)
        with pytest.raises(TooManyAttempts) as raised:
            pin_reset.request_code(session=session, phone="+22371009999", client="b", minutes=15)
        assert timedelta(0) < raised.value.wait <= pin_reset.WINDOW
