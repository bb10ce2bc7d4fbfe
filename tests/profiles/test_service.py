"""Trainee profiles' services, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from matching import exchange, synth
from matching.models import Trainee
from profiles import service
from profiles.exceptions import DuplicateCode, TraineeNotFound
from profiles.models import TraineeProfile
from tests import factories

DATA = Path(__file__).parent.parent / "data"


def profile_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(TraineeProfile)).one())


def sample_trainees() -> list[Trainee]:
    """The hand-made pool, validated and normalised as an import reads it."""
    return exchange.load(DATA / "trainees.json", "trainees").records


class TestImportTrainees:
    def test_creates_a_profile_per_record(self, session: Session) -> None:
        records = sample_trainees()
        assert service.import_trainees(session=session, records=records) == (len(records), 0)
        session.commit()
        awa = service.get_by_code(session=session, code="T-2020-001")
        assert awa is not None and awa.full_name == "Awa Traoré" and awa.cohort == "2020-A"
        assert awa.certifications == ["SSIAP2", "SST"] and awa.phone == "+22376123456"
        assert profile_count(session) == len(records)

    def test_updates_by_code_instead_of_duplicating(self, session: Session) -> None:
        first = factories.trainee(full_name="Awa Traoré")
        service.import_trainees(session=session, records=[first])
        session.commit()
        renamed = first.model_copy(update={"full_name": "Awa Traoré Diarra", "skills": ["patrol"]})
        assert service.import_trainees(session=session, records=[renamed, factories.trainee()]) == (1, 1)
        session.commit()
        profile = service.get_by_code(session=session, code=first.id)
        assert profile is not None and profile.full_name == "Awa Traoré Diarra" and profile.skills == ["patrol"]
        assert profile_count(session) == 2

    def test_refuses_a_code_given_twice(self, session: Session) -> None:
        record = factories.trainee()
        with pytest.raises(DuplicateCode, match=record.id):
            service.import_trainees(session=session, records=[record, record])
        assert profile_count(session) == 0

    def test_only_flushes_so_the_caller_decides(self, session: Session) -> None:
        service.import_trainees(session=session, records=[factories.trainee()])
        assert profile_count(session) == 1
        session.rollback()
        assert profile_count(session) == 0

    def test_records_consent_when_asked_and_never_withdraws_it(self, session: Session) -> None:
        record = factories.trainee()
        service.import_trainees(session=session, records=[record])
        profile = service.get_by_code(session=session, code=record.id)
        assert profile is not None and not profile.consent_to_share and profile.consent_recorded_at is None
        service.import_trainees(session=session, records=[record], consent=True)
        assert profile.consent_to_share and profile.consent_recorded_at is not None
        service.import_trainees(session=session, records=[record])
        session.commit()
        assert profile.consent_to_share


class TestExportTrainees:
    def test_round_trips_to_the_same_records(self, session: Session) -> None:
        records = sample_trainees()
        service.import_trainees(session=session, records=records)
        session.commit()
        session.expire_all()
        assert service.export_trainees(session=session) == sorted(records, key=lambda t: t.id)

    def test_round_trips_messy_generated_records(self, session: Session, tmp_path: Path) -> None:
        trainees, _ = synth.generate(trainees=20, vacancies=0, seed=5)
        synth.write(tmp_path, trainees, [])
        records = exchange.load(tmp_path / "trainees.csv", "trainees").records
        service.import_trainees(session=session, records=records)
        session.commit()
        session.expire_all()
        exported = service.export_trainees(session=session)
        assert exported == sorted(records, key=lambda t: t.id)
        assert service.import_trainees(session=session, records=exported) == (0, len(records))

    def test_is_empty_without_profiles(self, session: Session) -> None:
        assert service.export_trainees(session=session) == []


class TestSetConsent:
    def test_gives_and_withdraws_consent(self, session: Session) -> None:
        record = factories.trainee()
        service.import_trainees(session=session, records=[record])
        given = service.set_consent(session=session, code=record.id, consent=True)
        assert given.consent_to_share and given.consent_recorded_at is not None
        withdrawn = service.set_consent(session=session, code=record.id, consent=False)
        session.commit()
        assert not withdrawn.consent_to_share and withdrawn.consent_recorded_at is not None

    def test_refuses_an_unknown_code(self, session: Session) -> None:
        with pytest.raises(TraineeNotFound):
            service.set_consent(session=session, code="T-0000-000", consent=True)
