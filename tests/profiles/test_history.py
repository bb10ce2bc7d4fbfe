"""Reading, checking and writing the programme's history files (INDICATORS.md)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from matching import exchange
from matching.models import Trainee
from profiles import history
from profiles.history import Cohort, FollowUp, Placement
from profiles.indicators import evaluate
from tests.profiles.factories import PILOT_AS_OF, PROPERTIES, pilot, placement, trainee

TRAINEES = {
    "trainees": [
        {"id": "T-1", "full_name": "Awa", "home_town": "Kati", "training": {"cohort": "2026-A", "completed": True}},
        {"id": "T-2", "full_name": "Ali", "home_town": "Kati", "training": {"cohort": "2026-Z"}},
        {"id": "T-3", "full_name": "Oumou", "home_town": "Kati", "dropout_reason": "health"},
        {"id": "T-4", "full_name": "Moussa", "home_town": "Kati", "dropped_out_on": "2026-04-31"},
        {"id": "T-1", "full_name": "Awa bis", "home_town": "Kati"},
        {"id": "T-5", "full_name": "Fanta", "home_town": "Kati", "training": {"completed": "peut-être"}},
    ]
}
PLACEMENTS = """\ufeffid;trainee_id;employer;level;start_date;end_date;end_reason;salary_fcfa_month
P-1;T-1;Sahel Sécurité;guard;2026-03-01;2026-06-30;resigned;45 000
P-2;T-9;Sahel Sécurité;guard;2026-03-01;;;45000
P-3;T-1;Sahel Sécurité;guard;2026-06-01;;;45000
P-4;T-2;Sahel Sécurité;guard;2026-05-01;2026-04-30;resigned;45000
P-5;T-3;Sahel Sécurité;guard;2026-05-01;2026-06-01;;45000
P-4;T-4;Sahel Sécurité;guard;2026-05-01;;;45000
P-6;T-4;;guard;2026-05-01;;;45000
P-7;T-4;Sahel Sécurité;chef;01/05/2026;;;-5
P-8;T-5;Gardiennage du Mandé;supervisor;2026-01-01;;;90000
P-9;T-5;Gardiennage du Mandé;supervisor;2026-09-01;2026-10-01;other;90000
"""
FOLLOWUPS = """placement_id,month,done_on,reached,employment,economic,social,psychosocial
P-1,3,2026-06-01,true,same_employer,"0,5",0.6,0.7
P-99,1,2026-04-01,false,,,,
P-1,2,2026-05-01,true,same_employer,,,
P-1,1,2026-02-15,true,same_employer,,,
P-1,6,2026-09-01,false,unemployed,,,
P-1,3,2026-06-05,true,other_job,,,
P-1,12,2027-03-01,true,,,,
P-1,1,2026-04-01,true,same_employer,1.5,,
"""
COHORTS = [{"id": "2026-A", "training_end": "2026-01-31", "budget_eur": 10000}]


def write_files(folder: Path) -> dict[str, Path]:
    paths = {
        "trainees": folder / "trainees.json",
        "placements": folder / "placements.csv",
        "followups": folder / "followups.csv",
        "cohorts": folder / "cohorts.json",
    }
    paths["trainees"].write_text(json.dumps(TRAINEES), "utf-8")
    paths["placements"].write_text(PLACEMENTS, "utf-8")
    paths["followups"].write_text(FOLLOWUPS, "utf-8")
    paths["cohorts"].write_text(json.dumps(COHORTS), "utf-8")
    return paths


def located(issues: list[exchange.Issue]) -> set[tuple[str, str, str | None, str]]:
    return {(Path(i.source).name, i.where, i.record_id, i.field) for i in issues}


class TestErrors:
    def test_every_error_of_every_file_at_once(self, tmp_path: Path) -> None:
        loaded = history.load_history(**write_files(tmp_path))
        assert not loaded.ok
        assert located(loaded.errors) == {
            ("trainees.json", "index 1", "T-2", "training.cohort"),  # 2026-Z is not in the cohorts file
            ("trainees.json", "index 2", "T-3", "dropout_reason"),  # without dropped_out_on
            ("trainees.json", "index 3", "T-4", "dropped_out_on"),  # April has 30 days
            ("trainees.json", "index 4", "T-1", "id"),  # duplicate
            ("trainees.json", "index 5", "T-5", "training.completed"),
            ("placements.csv", "row 3", "P-2", "trainee_id"),  # T-9 is nobody
            ("placements.csv", "row 4", "P-3", "start_date"),  # starts before P-1 ended
            ("placements.csv", "row 5", "P-4", "end_date"),  # ends before it starts
            ("placements.csv", "row 6", "P-5", "end_reason"),  # an end without a reason
            ("placements.csv", "row 7", "P-4", "id"),  # duplicate
            ("placements.csv", "row 8", "P-6", "employer"),  # required
            ("placements.csv", "row 9", "P-7", "level"),
            ("placements.csv", "row 9", "P-7", "start_date"),
            ("placements.csv", "row 9", "P-7", "salary_fcfa_month"),
            ("placements.csv", "row 11", "P-9", "start_date"),  # follows P-8, which has no end_date
            ("followups.csv", "row 3", "P-99, month 1", "placement_id"),  # no such placement
            ("followups.csv", "row 4", "P-1, month 2", "month"),
            ("followups.csv", "row 5", "P-1, month 1", "done_on"),  # before P-1 started
            ("followups.csv", "row 6", "P-1, month 6", "employment"),  # given when not reached
            ("followups.csv", "row 7", "P-1, month 3", "month"),  # a second one for (P-1, 3)
            ("followups.csv", "row 8", "P-1, month 12", "employment"),  # required when reached
            ("followups.csv", "row 9", "P-1, month 1", "economic"),  # above 1
        }

    def test_messages_say_what_is_wrong(self, tmp_path: Path) -> None:
        paths = write_files(tmp_path)
        said = {str(i).removeprefix(str(tmp_path) + "/") for i in history.load_history(**paths).errors}
        assert "trainees.json: index 1 (T-2), field 'training.cohort': names cohort '2026-Z', which " in " ".join(said)
        assert "placements.csv: row 4 (P-3), field 'start_date': starts on 2026-06-01, before placement P-1 of the same " \
               "trainee ended (2026-06-30)" in said  # fmt: skip
        assert "placements.csv: row 11 (P-9), field 'start_date': starts on 2026-09-01, but placement P-8 of the same " \
               "trainee has no end_date" in said  # fmt: skip
        assert "placements.csv: row 5 (P-4), field 'end_date': is before start_date (2026-05-01)" in said
        assert "placements.csv: row 6 (P-5), field 'end_reason': is required when end_date is set" in said
        assert "followups.csv: row 4 (P-1, month 2), field 'month': must be 1, 3, 6 or 12 (got 2)" in said
        assert "followups.csv: row 5 (P-1, month 1), field 'done_on': is before the placement's start_date (2026-03-01)" in said
        assert "followups.csv: row 7 (P-1, month 3), field 'month': is a second follow-up for placement P-1, month 3 " \
               "(the first: row 2)" in said  # fmt: skip
        assert "trainees.json: index 2 (T-3), field 'dropout_reason': needs dropped_out_on: the date the trainee left " \
               "the programme" in said  # fmt: skip

    def test_cohorts_are_checked_only_when_a_cohorts_file_is_given(self, tmp_path: Path) -> None:
        paths = write_files(tmp_path)
        del paths["cohorts"]
        assert not any(i.field == "training.cohort" for i in history.load_history(**paths).issues)

    def test_an_unreadable_file_does_not_make_every_reference_unknown(self, tmp_path: Path) -> None:
        paths = write_files(tmp_path)
        paths["trainees"].write_text("[{", "utf-8")
        loaded = history.load_history(**paths)
        assert located([i for i in loaded.errors if Path(i.source).name == "trainees.json"]) == {
            ("trainees.json", "line 1", None, "")
        }
        assert not any(i.field == "trainee_id" for i in loaded.errors)

    def test_a_missing_file_and_a_wrong_extension(self, tmp_path: Path) -> None:
        (tmp_path / "trainees.json").write_text("[]", "utf-8")
        loaded = history.load_history(
            trainees=tmp_path / "trainees.json", placements=tmp_path / "none.csv", cohorts=tmp_path / "cohorts.xlsx"
        )
        assert {(Path(i.source).name, i.message) for i in loaded.errors} == {
            ("none.csv", "cannot be read: No such file or directory"),
            ("cohorts.xlsx", "must end in .json or .csv"),
        }

    def test_placements_one_after_another(self) -> None:
        records = [
            placement("P-1", "T-1", "2026-01-01", "2026-03-01"),
            placement("P-2", "T-1", "2026-03-01", "2026-03-01"),  # starts on the previous end; lasts no day
            placement("P-3", "T-1", "2026-03-01"),  # starts on that same day, runs on
            placement("P-4", "T-2", "2026-01-01", "2026-12-31"),
            placement("P-5", "T-2", "2026-02-01", "2026-03-01"),  # inside P-4
            placement("P-6", "T-2", "2026-06-01", "2026-07-01"),  # inside P-4 too, though after P-5 ended
        ]
        text = history.to_text(records, "placements", "json")
        parsed = history.parse_records(text, kind="placements", source="p.json", fmt="json")
        trainees = exchange.parse_located(
            json.dumps([{"id": t, "full_name": "A", "home_town": "Kati"} for t in ("T-1", "T-2")]),
            kind="trainees", model=Trainee, source="t.json", fmt="json",
        )  # fmt: skip
        loaded = history.check_history(trainees=trainees, placements=parsed)
        assert located(loaded.errors) == {("p.json", "index 4", "P-5", "start_date"), ("p.json", "index 5", "P-6", "start_date")}


class TestReading:
    def test_json_list_or_object(self) -> None:
        record = {"placement_id": "P-1", "month": 1, "done_on": "2026-02-01", "reached": False}
        for text in (json.dumps([record]), json.dumps({"followups": [record]})):
            parsed = history.parse_records(text, kind="followups", source="f.json", fmt="json")
            assert parsed.records == [FollowUp(placement_id="P-1", month=1, done_on=date(2026, 2, 1), reached=False)]
        wrong = history.parse_records(json.dumps({"placements": [record]}), kind="followups", source="f.json", fmt="json")
        assert located(wrong.issues) == {("f.json", "top level", None, "followups")}

    def test_csv_with_bom_semicolons_decimal_commas_and_empty_cells(self) -> None:
        text = "\ufeffid;name;country;training_end;budget_eur\n2026-A;Pilote Bamako;ml;2026-01-31;12500,50\n2026-B;;;;\n"
        parsed = history.parse_records(text, kind="cohorts", source="c.csv", fmt="csv")
        assert parsed.issues == []
        assert parsed.records == [
            Cohort(id="2026-A", name="Pilote Bamako", country="ML", training_end=date(2026, 1, 31), budget_eur=12_500.5),
            Cohort(id="2026-B"),  # empty cells are null: Mali by default, no dates, no budget
        ]

    def test_trainees_history_columns(self) -> None:
        text = (
            "id;full_name;home_town;training_cohort;training_completed;dropped_out_on;dropout_reason\n"
            "T-1;Awa;Kati;2026-A;true;;\nT-2;Ali;Kati;2026-A;FALSE;2026-05-02;Remigrated\nT-3;Oumou;Kati;;;;\n"
        )
        result = exchange.parse_text(text, kind="trainees", source="t.csv", fmt="csv")
        assert result.issues == []
        t1, t2, t3 = result.records
        assert t1.training is not None and t1.training.completed is True
        assert t2.training is not None and t2.training.completed is False
        assert (t2.dropped_out_on, t2.dropout_reason) == (date(2026, 5, 2), "remigrated")
        assert t3.training is None and t3.dropped_out_on is None

    def test_csv_and_json_give_the_same_history_and_figures(self, tmp_path: Path) -> None:
        records = pilot()
        loaded = {}
        for fmt in ("json", "csv"):
            (tmp_path / fmt).mkdir()
            loaded[fmt] = history.load_history(**records.write(tmp_path / fmt, fmt))
            assert loaded[fmt].issues == []
        as_json, as_csv = loaded["json"], loaded["csv"]
        assert as_csv.trainees == as_json.trainees == records.trainees
        assert as_csv.placements == as_json.placements == records.placements
        assert as_csv.followups == as_json.followups == records.followups
        assert as_csv.cohorts == as_json.cohorts == records.cohorts
        as_of = date.fromisoformat(PILOT_AS_OF)
        figures = [
            evaluate(trainees=h.trainees, placements=h.placements, followups=h.followups, cohorts=h.cohorts, as_of=as_of)
            for h in (as_csv, as_json)
        ]
        assert figures[0] == figures[1]


class TestTraineeFiles:
    def test_files_without_history_keep_their_columns(self) -> None:
        text = exchange.to_csv_text([trainee("T-1", "2026-A")], "trainees")
        assert text.splitlines()[0].split(",")[-3:] == ["summary", "training_cohort", "training_overall"]

    def test_history_columns_are_written_when_a_record_has_them(self) -> None:
        left = trainee("T-1", "2026-A", completed=False, dropped_out_on="2026-05-02", dropout_reason="family")
        records = [left, trainee("T-2")]
        text = exchange.to_csv_text(records, "trainees")
        header = text.splitlines()[0].split(",")
        assert header[-3:] == ["training_completed", "dropped_out_on", "dropout_reason"]
        assert text.splitlines()[1].endswith(",2026-A,,false,2026-05-02,family")
        again = exchange.parse_text(text, kind="trainees", source="t.csv", fmt="csv")
        assert again.issues == [] and again.records == records


# ---------------------------------------------------------------- round trips

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12).filter(
    lambda s: s == s.strip() and s != ""
)
codes = st.from_regex(r"[A-Z]{1,2}-[0-9]{1,4}", fullmatch=True)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
unit = st.none() | st.floats(0, 1, allow_nan=False)
cohorts = st.builds(
    Cohort, id=codes, name=st.none() | texts, country=st.sampled_from(("ML", "SN", "FR")), selection_start=st.none() | days,
    training_end=st.none() | days, budget_eur=st.none() | st.floats(0, 1e9, allow_nan=False),
)  # fmt: skip


@st.composite
def placements(draw: st.DrawFn) -> Placement:
    start = draw(days)
    end = draw(st.none() | st.integers(0, 900).map(lambda n: start + timedelta(days=n)))
    return Placement(
        id=draw(codes), trainee_id=draw(codes), vacancy_id=draw(st.none() | codes), employer=draw(texts),
        level=draw(st.sampled_from(("guard", "supervisor", "manager"))), town=draw(st.none() | texts),
        start_date=start, end_date=end,
        end_reason=draw(st.sampled_from(("resigned", "dismissed", "contract_ended", "trial_failed", "remigrated", "other")))
        if end else None,
        salary_fcfa_month=draw(st.integers(0, 10_000_000)),
    )  # fmt: skip


@st.composite
def followups(draw: st.DrawFn) -> FollowUp:
    reached = draw(st.booleans())
    return FollowUp(
        placement_id=draw(codes), month=draw(st.sampled_from((1, 3, 6, 12))), done_on=draw(days), reached=reached,
        employment=draw(st.sampled_from(("same_employer", "other_security_job", "other_job", "unemployed", "abroad")))
        if reached else None,
        salary_fcfa_month=draw(st.none() | st.integers(0, 10_000_000)),
        economic=draw(unit), social=draw(unit), psychosocial=draw(unit),
    )  # fmt: skip


@st.composite
def trainees_with_history(draw: st.DrawFn) -> Trainee:
    left = draw(st.none() | days)
    return trainee(
        draw(codes), draw(st.none() | codes), completed=draw(st.sampled_from((True, False, None))), dropped_out_on=left,
        dropout_reason=draw(st.sampled_from(("health", "family", "remigrated", "other_job", "disciplinary", "unreachable",
                                             "other"))) if left else None,
    )  # fmt: skip


class TestRoundTrips:
    @PROPERTIES
    @given(st.lists(cohorts, max_size=4))
    def test_cohorts(self, records: list[Cohort]) -> None:
        assert_round_trip(records, "cohorts")

    @PROPERTIES
    @given(st.lists(placements(), max_size=4))
    def test_placements(self, records: list[Placement]) -> None:
        assert_round_trip(records, "placements")

    @PROPERTIES
    @given(st.lists(followups(), max_size=4))
    def test_followups(self, records: list[FollowUp]) -> None:
        assert_round_trip(records, "followups")

    @PROPERTIES
    @given(st.lists(trainees_with_history(), max_size=4))
    def test_trainees_history_fields(self, records: list[Trainee]) -> None:
        as_csv = exchange.parse_text(exchange.to_csv_text(records, "trainees"), kind="trainees", source="t.csv", fmt="csv")
        assert as_csv.records == records or as_csv.errors  # duplicate ids drawn: an error, not a silent change
        as_json = exchange.to_json_text(as_csv.records, "trainees")
        assert exchange.parse_text(as_json, kind="trainees", source="t.json", fmt="json").records == as_csv.records


def assert_round_trip(records: list[Any], kind: history.HistoryKind) -> None:
    """JSON → CSV → JSON gives the records back (duplicate ids are errors in every format alike)."""
    first = history.parse_records(history.to_text(records, kind, "json"), kind=kind, source="a.json", fmt="json")
    second = history.parse_records(history.to_text(first.records, kind, "csv"), kind=kind, source="b.csv", fmt="csv")
    third = history.parse_records(history.to_text(second.records, kind, "json"), kind=kind, source="c.json", fmt="json")
    assert first.records == second.records == third.records == records
    assert [i.field for i in first.issues] == [i.field for i in second.issues] == [i.field for i in third.issues]
