"""SMS to a cohort or a filtered list (issue 13): written, previewed as it will be sent with the count, confirmed, then
one outbox message per trainee with a phone, audited; nothing is written before the confirmation."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from core.audit import AuditEvent
from employers.bulk_sms import KIND
from employers.models import OutboxMessage
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import employer
from tests.web.test_officer_workspace import officer_in, part, placed, text_of
from web import privacy

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def cohort(session: Session) -> dict[str, int]:
    """Cohort 2026-A: four with a phone (one placed, one gone), one without; cohort 2025-B: one."""
    people = {
        "awa": profile(session, full_name="Awa Traoré", phone="+22376000001", training={"cohort": "2026-A"}),
        "bakary": profile(session, full_name="Bakary Keita", phone="+22376000002", training={"cohort": "2026-A"}),
        "hired": profile(session, full_name="Fanta Diallo", phone="+22376000003", training={"cohort": "2026-A"}),
        "gone": profile(session, full_name="Drissa Sow", phone="+22376000004", training={"cohort": "2026-A"}),
        "silent": profile(session, full_name="Coumba Sidibé", phone=None, training={"cohort": "2026-A"}),
        "other": profile(session, full_name="Mariam Coulibaly", phone="+22376000006", training={"cohort": "2025-B"}),
    }
    for row in people.values():
        row.cohort = (row.training or {}).get("cohort")
    people["gone"].dropped_out_on = date(2026, 10, 1)
    session.add_all(people.values())
    session.commit()
    return {k: v.id or 0 for k, v in people.items()}


def outbox(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == KIND).order_by(col(OutboxMessage.id))))


def test_a_cohort_gets_the_sms_after_a_preview_with_the_count_and_a_confirmation(client: Client, session: Session) -> None:
    officer = officer_in(client, session)
    ids = cohort(session)
    firm_post = stored_vacancy(session, employer(session), seats=3)
    placed(session, firm_post, session.get_one(privacy.TraineeProfile, ids["hired"]), officer)
    form = client.get("/officer/sms?cohort=2026-A")
    counted = text_of(part(form.text, "sms-count"))
    assert "3 agents recevront ce SMS" in counted and "1 agent sans téléphone ne le recevra pas" in counted
    typed = "Réunion d'information lundi 8 décembre à 9h au centre de Bamako. Venez avec votre carte d’identité."
    preview = client.post_form("/officer/sms/preview", {"cohort": "2026-A", "q": "", "scope": "not_placed", "text": typed})
    assert preview.status_code == 200  # type: ignore[attr-defined]
    page = preview.text  # type: ignore[attr-defined]
    shown = text_of(part(page, "sms-text"))
    assert shown == "Réunion d'information lundi 8 décembre à 9h au centre de Bamako. Venez avec votre carte d'identité."
    assert "2 agents le recevront." in text_of(page) and "Confirmer l'envoi à 2 agents" in text_of(page)
    assert outbox(session) == []  # nothing before the confirmation
    token = TOKEN.search(page)
    assert token
    sent = client.post_form("/officer/sms/send", {"token": token.group(1)}, follow_redirects=False)
    assert sent.status_code == 303 and "sent=2" in sent.headers["location"]  # type: ignore[attr-defined]
    written = outbox(session)
    assert sorted(m.recipient_phone or "" for m in written) == ["+22376000001", "+22376000002"]
    assert all(m.sms_text == shown and m.sent_at is None for m in written)
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "sms")).one()
    assert event.actor_id == officer.id and (event.details or {})["recipients"] == 2 and event.reason == shown
    assert (event.details or {})["cohort"] == "2026-A" and (event.details or {})["scope"] == "not_placed"
    awa = session.get_one(privacy.TraineeProfile, ids["awa"])
    assert [m["sms_text"] for m in privacy.personal_data(session=session, profile=awa)["messages"]] == [shown]


def test_a_search_narrows_the_list_and_a_tampered_preview_sends_nothing(client: Client, session: Session) -> None:
    officer_in(client, session)
    cohort(session)
    preview = client.post_form("/officer/sms/preview", {"q": "keita", "scope": "all", "text": "Rappel : formation demain."})
    token = TOKEN.search(preview.text)  # type: ignore[attr-defined]
    assert token and "1 agent le recevra." in text_of(preview.text)  # type: ignore[attr-defined]
    refused = client.post_form("/officer/sms/send", {"token": token.group(1) + "x", "q": "keita"})
    assert refused.status_code == 400 and outbox(session) == []  # type: ignore[attr-defined]
    assert client.post_form("/officer/sms/send", {"token": token.group(1)}, follow_redirects=False).status_code == 303
    assert [m.recipient_phone for m in outbox(session)] == ["+22376000002"]


def test_an_empty_or_too_long_sms_comes_back_with_the_error(client: Client, session: Session) -> None:
    officer_in(client, session)
    cohort(session)
    empty = client.post_form("/officer/sms/preview", {"cohort": "2026-A", "text": "   "})
    assert empty.status_code == 422 and "Écrivez le message." in text_of(empty.text)  # type: ignore[attr-defined]
    long = client.post_form("/officer/sms/preview", {"cohort": "2026-A", "text": "x" * 161})
    assert long.status_code == 422 and "Le SMS dépasse 160 caractères" in text_of(long.text)  # type: ignore[attr-defined]
    assert "autofocus" in part(long.text, "sms-form")  # type: ignore[attr-defined]
    assert outbox(session) == []
