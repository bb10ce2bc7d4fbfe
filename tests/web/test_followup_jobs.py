"""`rdvm jobs` as shipped announces each follow-up call to its trainee by SMS, once, a few days before it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from core.clock import utcnow
from employers.followups import REMINDER_DAYS_BEFORE, due_on
from employers.models import Employer, Placement
from profiles.indicators import add_months
from profiles.models import TraineeProfile
from tests.web.test_commands_as_shipped import fresh_sqlite, run  # noqa: F401  (the fixture)
from web.db import make_engine
from web.migrate import upgrade


def test_jobs_announce_a_follow_up_once(fresh_sqlite: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    url = fresh_sqlite["RDVM_DATABASE_URL"]
    upgrade(url)
    today = utcnow().date()
    start = add_months(today + timedelta(days=2), -1)
    assert today <= due_on(start, 1) <= today + timedelta(days=REMINDER_DAYS_BEFORE)
    engine = make_engine(url)
    with Session(engine) as session:
        company = Employer(name="Sahel Garde", licence_number="AG-1", town="Bamako", contact_name="Moussa", phone="+22320000000",
                           email="rh@sahel.ml")  # fmt: skip
        trainee = TraineeProfile(code="T-1", full_name="Awa Traoré", home_town="Bamako", phone="+22376123456")
        session.add_all([company, trainee])
        session.flush()
        session.add(Placement(code="P-1", trainee_id=trainee.id or 0, employer_id=company.id, employer_name=company.name,
                              level="guard", start_date=start, salary_fcfa_month=60_000))  # fmt: skip
        session.commit()
    engine.dispose()
    env = {**fresh_sqlite, "RDVM_OFFICE_PHONE": "+223 20 22 33 44"}
    outbox = tmp_path / "outbox.jsonl"
    first = run(env, "jobs", "--outbox-file", outbox)
    assert first.returncode == 0, first.stderr
    assert "follow-ups: 1 announced" in first.stderr
    [message] = [json.loads(line) for line in outbox.read_text("utf-8").splitlines()]
    assert (message["kind"], message["recipient_phone"]) == ("follow_up_call_phone.trainee", "+22376123456")
    assert "vous appellera cette semaine" in message["sms_text"] and "+223 20 22 33 44" in message["sms_text"]
    assert len(message["sms_text"]) <= 160
    second = run(env, "jobs", "--outbox-file", outbox)
    assert second.returncode == 0 and "follow-ups: 0 announced" in second.stderr
    assert len(outbox.read_text("utf-8").splitlines()) == 1
