"""Trainee profiles' services, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from core.audit import AuditEvent
from matching import exchange, synth
from matching.models import Trainee
from matching.normalise import fold
from profiles import service
from profiles.exceptions import DuplicateCode, InvalidProfile, TraineeNotFound
from profiles.forms import TraineeForm, check_trainee, form_field
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

    def test_a_file_with_history_fields_imports(self, session: Session) -> None:
        # The programme's history (INDICATORS.md) has no columns yet; a trainees file carrying it still imports.
        record = factories.trainee(training={"cohort": "2026-A", "completed": True}, dropped_out_on="2026-05-02",
                                   dropout_reason="health")  # fmt: skip
        assert service.import_trainees(session=session, records=[record]) == (1, 0)
        session.commit()
        profile = service.get_by_code(session=session, code=record.id)
        assert profile is not None and profile.to_exchange().training == record.training

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


def form_data(**overrides: object) -> dict[str, object]:
    """Return a valid trainee's exchange fields, as the profile form gives them."""
    return {"id": "T-2026-001", "full_name": "Awa Traoré", "home_town": "bamako", "phone": "76 12 34 56",
            "training": {"cohort": "2026-A"}, **overrides}  # fmt: skip


class TestCreateProfile:
    def test_saves_the_record_normalised_as_an_import_would(self, session: Session) -> None:
        data = form_data(certifications=["s.s.i.a.p. 1"], languages=[{"language": "Bambara", "level": "native"}])
        created = service.create_profile(session=session, data=data)
        session.commit()
        session.refresh(created)
        imported = exchange.parse_text(
            "id,full_name,home_town,phone,certifications,languages,training_cohort\n"
            "T-2026-001,Awa Traoré,bamako,76 12 34 56,s.s.i.a.p. 1,Bambara:native,2026-A\n",
            kind="trainees", source="t.csv", fmt="csv",
        ).records  # fmt: skip
        assert created.to_exchange() == imported[0]
        assert (created.phone, created.home_town, created.cohort) == ("+22376123456", "Bamako", "2026-A")
        assert not created.consent_to_share and created.consent_recorded_at is None

    def test_records_consent_when_given(self, session: Session) -> None:
        created = service.create_profile(session=session, data=form_data(), consent=True)
        assert created.consent_to_share and created.consent_recorded_at is not None

    def test_refuses_every_wrong_field_at_once_and_writes_nothing(self, session: Session) -> None:
        data = form_data(phone="12", literacy="expert", birth_date="1990-13-01", languages=[{"language": "bm", "level": None}])
        with pytest.raises(InvalidProfile) as refused:
            service.create_profile(session=session, data=data)
        codes = {p.field: p.code for p in refused.value.problems}
        assert codes == {"phone": "invalid_phone", "literacy": "field_choice", "birth_date": "field_date",
                         "languages.0.level": "field_required"}  # fmt: skip
        assert profile_count(session) == 0

    def test_refuses_a_code_already_used(self, session: Session) -> None:
        service.create_profile(session=session, data=form_data())
        with pytest.raises(InvalidProfile) as refused:
            service.create_profile(session=session, data=form_data(full_name="Another"))
        assert [(p.field, p.code) for p in refused.value.problems] == [("id", "trainee_code_taken")]
        assert profile_count(session) == 1


class TestUpdateProfile:
    def test_replaces_the_fields_and_clears_an_emptied_cohort(self, session: Session) -> None:
        created = service.create_profile(session=session, data=form_data(skills=["patrol"]))
        updated = service.update_profile(session=session, profile_id=created.id or 0,
                                         data=form_data(full_name="Awa Diarra", training=None), consent=False)  # fmt: skip
        session.commit()
        assert (updated.full_name, updated.skills, updated.cohort, updated.training) == ("Awa Diarra", [], None, None)

    def test_records_a_change_of_consent_only(self, session: Session) -> None:
        created = service.create_profile(session=session, data=form_data())
        service.update_profile(session=session, profile_id=created.id or 0, data=form_data(), consent=False)
        assert created.consent_recorded_at is None  # nothing was decided
        service.update_profile(session=session, profile_id=created.id or 0, data=form_data(), consent=True)
        given = created.consent_recorded_at
        assert created.consent_to_share and given is not None
        service.update_profile(session=session, profile_id=created.id or 0, data=form_data(summary="x"), consent=True)
        assert created.consent_recorded_at == given

    def test_may_change_the_code_but_not_to_another_trainees(self, session: Session) -> None:
        first = service.create_profile(session=session, data=form_data())
        second = service.create_profile(session=session, data=form_data(id="T-2026-002"))
        with pytest.raises(InvalidProfile):
            service.update_profile(session=session, profile_id=second.id or 0, data=form_data(), consent=False)
        service.update_profile(session=session, profile_id=first.id or 0, data=form_data(id="T-2026-009"), consent=False)
        session.commit()
        assert {p.code for p in session.exec(select(TraineeProfile))} == {"T-2026-009", "T-2026-002"}

    def test_refuses_an_unknown_profile(self, session: Session) -> None:
        with pytest.raises(TraineeNotFound):
            service.update_profile(session=session, profile_id=404, data=form_data(), consent=False)


class TestListProfiles:
    @pytest.fixture
    def pool(self, session: Session) -> None:
        records = [factories.trainee(id=f"T-A-{n}", full_name=f"Agent {n}") for n in range(3)]
        records += [factories.trainee(id="T-B-0", full_name="Awa Traoré", training={"cohort": "2026-B"}),
                    factories.trainee(id="T-X-0", full_name="Sans Promotion", training=None)]  # fmt: skip
        service.import_trainees(session=session, records=records)
        session.commit()

    @pytest.mark.usefixtures("pool")
    def test_filters_by_cohort_and_searches_codes_and_names_without_accents(self, session: Session) -> None:
        def codes(**filters: str) -> list[str]:
            return [p.code for p in service.list_profiles(session=session, **filters).profiles]  # type: ignore[arg-type]

        assert codes() == ["T-A-0", "T-A-1", "T-A-2", "T-B-0", "T-X-0"]
        assert codes(cohort="2026-B") == ["T-B-0"]
        assert codes(cohort=service.NO_COHORT) == ["T-X-0"]
        assert codes(search="TRAORE") == ["T-B-0"] and codes(search="t-a-1") == ["T-A-1"]
        assert codes(cohort="2026-A", search="awa") == []

    @pytest.mark.usefixtures("pool")
    def test_pages_through_and_keeps_to_the_last_page(self, session: Session) -> None:
        second = service.list_profiles(session=session, page=2, per_page=2)
        assert [p.code for p in second.profiles] == ["T-A-2", "T-B-0"] and (second.total, second.pages) == (5, 3)
        beyond = service.list_profiles(session=session, page=99, per_page=2)
        assert beyond.page == 3 and [p.code for p in beyond.profiles] == ["T-X-0"]
        assert service.list_profiles(session=session, search="nobody").pages == 1

    @pytest.mark.usefixtures("pool")
    def test_counts_the_profiles_of_each_cohort(self, session: Session) -> None:
        assert service.cohort_counts(session=session) == [("2026-A", 3), ("2026-B", 1), (None, 1)]


#: Queries the officers' search must answer as it did when it folded every profile in Python on each request.
SEARCHES = ["", "traore", "TRAORÉ", "Traoré", "awa", "Awa Traoré", "awa   traore", "traore awa", "diarra", "DIARRA M",
            "mariam", "T-2025", "t 2025 01", "2025-0", "t-2026-0002", "é", "œ", "kone", "N'Golo", "ngolo", "n golo",
            "76 12 34 56", "76123456", "+223", "kayes", "Bamako", "nobody", "%", "_", "a_a", "100%", "-", "ss", "ß"]  # fmt: skip


def folded_in_python(session: Session, cohort: str, search: str) -> list[str]:
    """Return the codes the search found before it moved into the database: every profile's code and name folded here."""
    wanted = fold(search)
    everyone = session.exec(select(TraineeProfile).order_by(col(TraineeProfile.code))).all()
    return [p.code for p in everyone if (not cohort or p.cohort == cohort)
            and (not wanted or wanted in fold(f"{p.code} {p.full_name}"))]  # fmt: skip


class TestSearch:
    @pytest.fixture
    def pool(self, session: Session) -> None:
        names = ["Awa Traoré", "AWA TRAORE", "Moussa DIARRA", "mariam diarra", "Mariam Koné", "N'Golo Kanté", "Œuvre Strauß",
                 "Awa_Traore", "Fatoumata 100% Sidibé"]  # fmt: skip
        records = [factories.trainee(id=f"T-2025-{n:04d}", full_name=name, phone=f"7612345{n}", home_town="Kayes",
                                     training={"cohort": "2025-A" if n % 2 else "2025-B"})
                   for n, name in enumerate(names)]  # fmt: skip
        records.append(factories.trainee(id="T-2026-0002", full_name="Awa Diarra", home_town="Bamako", training=None))
        service.import_trainees(session=session, records=records)
        session.commit()

    @pytest.mark.usefixtures("pool")
    @pytest.mark.parametrize("cohort", ["", "2025-A"])
    def test_finds_the_same_trainees_in_the_same_order_as_folding_each_profile_did(self, session: Session, cohort: str) -> None:
        for search in SEARCHES:
            expected = folded_in_python(session, cohort, search)
            assert [p.code for p in service.matching_profiles(session=session, cohort=cohort, search=search)] == expected
            found = service.list_profiles(session=session, cohort=cohort, search=search, page=2, per_page=2)
            start = 2 if len(expected) > 2 else 0  # page 2, or the last page when there is no second
            assert (found.total, found.page) == (len(expected), 2 if start else 1)
            assert [p.code for p in found.profiles] == expected[start : start + 2]

    @pytest.mark.usefixtures("pool")
    def test_ignores_accents_case_and_punctuation_but_not_the_words_order(self, session: Session) -> None:
        def codes(search: str) -> list[str]:
            return [p.code for p in service.matching_profiles(session=session, search=search)]

        assert codes("traore awa") == [] and codes("AWA traoré") == ["T-2025-0000", "T-2025-0001", "T-2025-0007"]
        assert codes("ngolo kante") == [] and codes("n golo kante") == ["T-2025-0005"]
        assert codes("oeuvre strauss") == ["T-2025-0006"] and codes("100%") == ["T-2025-0008"]
        assert codes("76123450") == codes("kayes") == []  # neither the phone nor the town is searched
        assert len(codes("")) == 10 and codes("%") == codes("_") == codes("")  # punctuation alone folds to no search at all
        assert codes("T-2026") == ["T-2026-0002"] and codes("2025-0003 mariam") == ["T-2025-0003"]

    @pytest.mark.usefixtures("pool")
    def test_pages_a_search_and_keeps_to_its_last_page(self, session: Session) -> None:
        found = service.list_profiles(session=session, search="diarra", page=9, per_page=2)
        assert (found.total, found.pages, found.page) == (3, 2, 2)
        assert [p.code for p in found.profiles] == ["T-2026-0002"]
        assert found.profiles[0].skills == ["access_control", "patrol"]  # the columns a list leaves unread still load

    def test_finds_a_profile_by_its_new_name_as_soon_as_it_is_saved(self, session: Session) -> None:
        created = service.create_profile(session=session, data=form_data())
        assert [p.code for p in service.matching_profiles(session=session, search="awa traore")] == ["T-2026-001"]
        service.update_profile(session=session, profile_id=created.id or 0, data=form_data(full_name="Kadiatou Sangaré",
                               id="T-2026-777"), consent=False)  # fmt: skip
        assert service.matching_profiles(session=session, search="awa traore") == []
        assert [p.code for p in service.matching_profiles(session=session, search="sangare")] == ["T-2026-777"]
        assert [p.code for p in service.matching_profiles(session=session, search="T-2026-777 Kadiatou")] == ["T-2026-777"]

    def test_keeps_its_text_out_of_dumps_exchange_records_and_edit_events(self, session: Session) -> None:
        created = service.create_profile(session=session, data=form_data())
        assert created.search_text == "t 2026 001 awa traore"
        assert "search_text" not in created.model_dump() and created.to_exchange().full_name == "Awa Traoré"
        service.update_profile(session=session, profile_id=created.id or 0, data=form_data(full_name="Awa Diarra"),
                               consent=False)  # fmt: skip
        edit = session.exec(select(AuditEvent).where(AuditEvent.action == "edit")).one()
        assert (edit.details or {})["fields"] == ["full_name"]


class TestProfileForm:
    def test_a_saved_profile_fills_a_form_that_gives_it_back(self) -> None:
        for record in sample_trainees():
            form = TraineeForm.from_profile(record, cohort=record.training.cohort if record.training else None, consent=True)
            checked = check_trainee(form.data())
            assert checked.record == record, record.id

    def test_problems_are_filed_under_the_forms_fields(self) -> None:
        assert [form_field(p) for p in ("phone", "languages.0.level", "experience.1.country", "training.overall",
                                        "training.cohort", "training.modules.secourisme")] == [
            "phone", "languages", "experience", "training_overall", "training_cohort", "training_modules"]  # fmt: skip

    def test_warns_of_values_the_import_keeps_as_written(self) -> None:
        data = form_data(home_town="Tokyo", extra_towns=["Kati", "Atlantis"], skills=["rondes", "jonglage"],
                         certifications=["SST", "BTS"], languages=[{"language": "klingon", "level": "basic"}])  # fmt: skip
        checked = check_trainee(data)
        assert checked.record is not None and not checked.errors
        assert [(p.field, p.code, p.values["value"]) for p in checked.warnings] == [
            ("home_town", "unknown_place", "Tokyo"), ("extra_towns", "unknown_place", "Atlantis"),
            ("languages.0.language", "unknown_language", "klingon"), ("skills", "unknown_skill", "jonglage"),
            ("certifications", "unknown_certification", "BTS"),
        ]  # fmt: skip
