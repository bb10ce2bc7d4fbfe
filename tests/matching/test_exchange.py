"""Reading, validating and writing exchange files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching import exchange
from matching.exchange import parse_text

DATA = Path(__file__).parent.parent / "data"

TRAINEE_HEADER = (
    "id;full_name;home_town;mobility;languages;experience;certifications;skills;driving_licences;"
    "training_cohort;training_overall;module:secourisme;available_from\n"
)


def trainees_csv(*rows: str, header: str = TRAINEE_HEADER) -> exchange.LoadResult:  # type: ignore[type-arg]
    return parse_text(header + "\n".join(rows) + "\n", kind="trainees", source="t.csv", fmt="csv")


def trainees_json(records: object) -> exchange.LoadResult:  # type: ignore[type-arg]
    return parse_text(json.dumps(records), kind="trainees", source="t.json", fmt="json")


class TestCsv:
    def test_semicolon_file_with_bom_and_french_cells(self) -> None:
        text = (
            "\ufeff"
            + TRAINEE_HEADER
            + (
                "T-1;Awa Traoré;Ségou;region;bm:native|Français:fluent;"
                "2:security:FR:agent de sécurité: site Nord|6:other:ML:maçon;"
                "S.S.I.A.P. 1|sst;Contrôle d'accès|rondes;B;2026-A;14,5;16;2027-01-10\n"
            )
        )
        result = parse_text(text, kind="trainees", source="t.csv", fmt="csv")
        assert result.errors == [] and result.warnings == []
        [t] = result.records
        assert t.home_town == "Ségou" and t.mobility == "region"
        assert [(x.language, x.level) for x in t.languages] == [("bm", "native"), ("fr", "fluent")]
        assert t.experience[0].title == "agent de sécurité: site Nord"  # everything after the third colon
        assert t.security_years == 2
        assert t.certifications == ["SSIAP1", "SST"] and t.skills == ["access_control", "patrol"]
        assert t.training is not None and t.training.overall == 14.5 and t.training.modules == {"secourisme": 16}

    def test_comma_file(self) -> None:
        result = parse_text("id,full_name,home_town\nT-1,Awa,Kati\n", kind="trainees", source="t.csv", fmt="csv")
        assert result.ok and result.records[0].home_town == "Kati"

    def test_empty_cell_is_an_absent_value(self) -> None:
        result = trainees_csv("T-1;Awa;Kati;;;;;;;;;;")
        [t] = result.records
        assert t.mobility == "town" and t.languages == [] and t.training is None

    def test_errors_name_the_row_and_the_column(self) -> None:
        result = trainees_csv("T-1;Awa;Kati;partout;bm;;;;Z;;25;;10/01/2027")
        found = {(i.where, i.field) for i in result.errors}
        assert found == {
            ("row 2", "mobility"),
            ("row 2", "languages"),
            ("row 2", "driving_licences"),
            ("row 2", "training_overall"),
            ("row 2", "available_from"),
        }
        assert result.records == []
        messages = " ".join(str(i) for i in result.errors)
        assert "t.csv: row 2 (T-1), field 'available_from': must be a date written YYYY-MM-DD" in messages
        assert "'partout'" in messages

    def test_every_bad_record_is_reported_at_once(self) -> None:
        result = trainees_csv("T-1;;Kati;;;;;;;;;;", "T-2;Awa;;;;;;;;;;;", "T-3;Ali;Kati;;;;;;;;;;")
        assert [(i.where, i.field, i.message) for i in result.errors] == [
            ("row 2", "full_name", "is required"),
            ("row 3", "home_town", "is required"),
        ]


class TestJson:
    def test_list_or_object_with_the_kind_key(self) -> None:
        record = {"id": "T-1", "full_name": "Awa", "home_town": "Kati"}
        assert trainees_json([record]).ok and trainees_json({"trainees": [record]}).ok

    def test_wrong_top_level_key(self) -> None:
        result = trainees_json({"vacancies": []})
        assert [i.field for i in result.errors] == ["trainees"]

    def test_invalid_json_names_the_line(self) -> None:
        result = parse_text('[\n{"id": }\n]', kind="trainees", source="t.json", fmt="json")
        assert result.errors[0].where == "line 2"

    def test_nested_field_paths(self) -> None:
        result = trainees_json(
            [
                {"id": "T-1", "full_name": "Awa", "home_town": "Kati", "languages": [{"language": "bm", "level": "expert"}]},
            ]
        )
        [issue] = result.errors
        assert (issue.where, issue.field) == ("index 0", "languages[0].level")
        assert "'basic', 'conversational', 'fluent' or 'native'" in issue.message

    def test_duplicate_ids(self) -> None:
        record = {"id": "T-1", "full_name": "Awa", "home_town": "Kati"}
        result = trainees_json([record, record])
        assert [(i.where, i.field, i.message) for i in result.errors] == [
            ("index 1", "id", "duplicate id, already used at index 0")
        ]

    def test_null_is_absent(self) -> None:
        result = trainees_json([{"id": "T-1", "full_name": "Awa", "home_town": "Kati", "skills": None, "gender": None}])
        assert result.ok and result.records[0].skills == []

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("phone", "76 12 34 56", "+22376123456"),
            ("phone", "0022376123456", "+22376123456"),
            ("phone", "+223 76-12-34-56", "+22376123456"),
            ("phone", "06 12 34 56 78", "+33612345678"),
        ],
    )
    def test_phones_are_normalised(self, field: str, value: str, expected: str) -> None:
        result = trainees_json([{"id": "T-1", "full_name": "Awa", "home_town": "Kati", field: value}])
        assert result.records[0].phone == expected

    @pytest.mark.parametrize("phone", ["123", "+223 1234", "telephone"])
    def test_bad_phones_are_rejected(self, phone: str) -> None:
        result = trainees_json([{"id": "T-1", "full_name": "Awa", "home_town": "Kati", "phone": phone}])
        assert [i.field for i in result.errors] == ["phone"]

    def test_unmatched_values_are_kept_with_a_warning(self) -> None:
        result = trainees_json(
            [{"id": "T-1", "full_name": "Awa", "home_town": "Quartier Inconnu Zzz", "skills": ["conduite d'engins"]}]
        )
        assert result.ok and result.records[0].home_town == "Quartier Inconnu Zzz"
        assert {(w.field, w.severity) for w in result.warnings} == {("home_town", "warning"), ("skills", "warning")}

    def test_unknown_field_is_a_warning(self) -> None:
        result = trainees_json([{"id": "T-1", "full_name": "Awa", "home_town": "Kati", "shoe_size": 43}])
        assert result.ok and [w.field for w in result.warnings] == ["shoe_size"]


class TestVacancies:
    def test_bad_vacancy_fields(self) -> None:
        text = json.dumps(
            [
                {
                    "id": "V-1",
                    "employer": "X",
                    "title": "Agent",
                    "level": "boss",
                    "town": "Kati",
                    "seats": 0,
                    "start_date": "2027-02-30",
                    "salary_fcfa_month": "beaucoup",
                }
            ]
        )
        result = parse_text(text, kind="vacancies", source="v.json", fmt="json")
        assert {i.field for i in result.errors} == {"level", "seats", "start_date", "salary_fcfa_month"}
        assert any("is not a real date" in i.message for i in result.errors)


class TestFiles:
    def test_csv_and_json_give_the_same_records(self, tmp_path: Path) -> None:
        for kind in ("trainees", "vacancies"):
            from_json = exchange.load(DATA / f"{kind}.json", kind)  # type: ignore[arg-type]
            exchange.write(tmp_path / f"{kind}.csv", from_json.records, kind)  # type: ignore[arg-type]
            from_csv = exchange.load(tmp_path / f"{kind}.csv", kind)  # type: ignore[arg-type]
            assert from_csv.ok
            assert [r.model_dump() for r in from_csv.records] == [r.model_dump() for r in from_json.records]

    def test_json_round_trip(self, tmp_path: Path) -> None:
        first = exchange.load(DATA / "trainees.json", "trainees")
        exchange.write(tmp_path / "t.json", first.records, "trainees")
        again = exchange.load(tmp_path / "t.json", "trainees")
        assert [r.model_dump() for r in again.records] == [r.model_dump() for r in first.records]

    def test_unsupported_extension(self, tmp_path: Path) -> None:
        with pytest.raises(exchange.ExchangeError, match="must end in .json or .csv"):
            exchange.load(tmp_path / "t.xlsx", "trainees")

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_bytes("id;full_name;home_town\nT-1;Awa;Ségou\n".encode("latin-1"))
        result = exchange.load(path, "trainees")
        assert not result.ok and "UTF-8" in result.errors[0].message
