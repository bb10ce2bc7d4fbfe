"""Skills from evidence: what a trainee's certificates, passed modules and past job titles show (skill_evidence.json)."""

from __future__ import annotations

from matching.evidence import Shown, held_skills, leadership_years, shown_skills
from matching.taxonomy import get_taxonomy
from tests.factories import trainee


def test_the_evidence_file_names_only_known_skills_and_certifications() -> None:
    taxonomy = get_taxonomy()
    skills = {s.code for s in taxonomy.skills}
    rules = taxonomy.evidence
    named = [s for codes in rules.certifications.values() for s in codes]
    named += [s for rule in (*rules.modules, *rules.titles) for s in rule.skills]
    assert set(named) <= skills, set(named) - skills
    assert set(rules.certifications) <= {c.code for c in taxonomy.certifications}


def test_a_certificate_a_passed_module_and_a_title_each_show_the_skill() -> None:
    t = trainee(
        skills=[],
        certifications=["SSIAP2"],  # implies SSIAP1, whose skills it shows too
        training={"overall": 13, "modules": {"securite_incendie": 12.75, "secourisme": 9.5}},
        experience=[{"title": "Agent SSIAP", "years": 2, "sector": "security"}],
    )
    shown = shown_skills(t, get_taxonomy())
    assert shown["fire_safety"] == (
        Shown("certification", "SSIAP2"),
        Shown("module", "securite_incendie", 12.75),
        Shown("title", "Agent SSIAP"),
    )
    assert "first_aid" not in shown  # 9.5/20 is not a pass
    assert {"fire_safety", "evacuation", "team_management"} <= set(held_skills(t, get_taxonomy()))


def test_titles_are_read_folded_and_listed_skills_come_first() -> None:
    t = trainee(skills=["patrol"], certifications=[], experience=[{"title": "MAÎTRE-CHIEN", "years": 1, "sector": "security"}])
    assert held_skills(t, get_taxonomy())[:1] == ["patrol"]
    assert "dog_handling" in held_skills(t, get_taxonomy())


def test_leadership_years_add_the_jobs_whose_titles_show_leading_people() -> None:
    t = trainee(
        experience=[
            {"title": "Chef d'équipe", "years": 1.5, "sector": "security"},
            {"title": "superviseur de site", "years": 2, "sector": "security"},
            {"title": "Gardien", "years": 4, "sector": "security"},
        ]
    )
    assert leadership_years(t, get_taxonomy()) == 3.5
