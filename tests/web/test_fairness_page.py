"""The fairness audit page (officers, admin): rankings, offers, placements and employment at 6 months per group."""

from __future__ import annotations

from datetime import date, datetime
from html import unescape

from sqlmodel import Session

from employers import fairness as fairness_service
from employers.models import EndReason, OfferState, Placement
from profiles.models import TraineeProfile
from tests.employers.factories import account, offer_in, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role

AS_OF = date(2026, 12, 1)


def ended_placement(session: Session, trainee: TraineeProfile, *, end: date) -> None:
    """Store a placement started on 2026-01-05 and ended (the trainee stays in the candidates' pool)."""
    session.add(Placement(code=f"P-{trainee.code}", trainee_id=trainee.id or 0, employer_name="Sahel Garde", level="guard",
                          town="Bamako", start_date=date(2026, 1, 5), salary_fcfa_month=75_000, end_date=end,
                          end_reason=EndReason.resigned, ended_at=datetime(2026, 8, 2)))  # fmt: skip
    session.commit()


def scene(session: Session) -> None:
    """12 women, 10 men (the only ones with SSIAP1), one of unknown gender; two open vacancies; offers and placements.

    V-1 asks nothing: its top 10 are F-01 … F-10 (alike, ties by code). V-2 requires SSIAP1: its top 10 the 10 men.
    Offers made: F-01, F-02, F-03 (M-01's stays on the shortlist: not made). Placements, all ended: F-11 (employed
    at 6 months: still in the job on 2026-07-05), M-01 and M-02 (ended 2026-05-01: not employed at 6 months).
    """
    firm = employer(session, name="Sahel Garde")
    officer = account(session, Role.officer)
    open_to_all = stored_vacancy(session, firm, title="Agent de sécurité")
    stored_vacancy(session, firm, title="Agent de sécurité", required_certifications=["SSIAP1"])
    women = [profile(session, id=f"F-{i:02d}", full_name=f"Awa Diarra {i}", gender="F") for i in range(1, 13)]
    men = [profile(session, id=f"M-{i:02d}", full_name=f"Bakary Keita {i}", gender="M", certifications=["SST", "SSIAP1"])
           for i in range(1, 11)]  # fmt: skip
    profile(session, id="U-01", full_name="Coumba Sow")
    for woman in women[:3]:
        offer_in(session, open_to_all, woman, OfferState.declined, by=officer)
    offer_in(session, open_to_all, men[0], OfferState.shortlisted, by=officer)
    ended_placement(session, women[10], end=date(2026, 8, 1))
    for man in men[:2]:
        ended_placement(session, man, end=date(2026, 5, 1))


class TestReport:
    def test_rankings_by_gender_hand_computed(self, session: Session) -> None:
        scene(session)
        report = fairness_service.fairness_report(session=session, by="gender", as_of=AS_OF)
        # Eligible pairs: V-1 23 + V-2 10 = 33 (women 12, men 20, U-01 1). Appearances 10 + 10: women 10, men 10.
        # Per trainee: women 0.5 / (12/23), men 0.5 / (10/23) (best): women 10/12 = 0.8333, not flagged.
        assert report.vacancies == 2
        assert [g.to_dict() for g in report.rankings.groups] == [
            {"group": "F", "trainees": 12, "trainee_share": 0.5217, "eligible_share": 0.3636,
             "exposure_share": 0.5, "exposure_ratio": 0.8333, "flagged": False},
            {"group": "M", "trainees": 10, "trainee_share": 0.4348, "eligible_share": 0.6061,
             "exposure_share": 0.5, "exposure_ratio": 1.0, "flagged": False},
            {"group": "unknown", "trainees": 1, "trainee_share": 0.0435, "eligible_share": 0.0303,
             "exposure_share": 0.0, "exposure_ratio": 0.0, "flagged": False},
        ]  # fmt: skip

    def test_offers_placements_and_employment_by_gender(self, session: Session) -> None:
        scene(session)
        rows = {r.group: r for r in fairness_service.fairness_report(session=session, by="gender", as_of=AS_OF).outcomes}
        women, men, other = rows["F"], rows["M"], rows["unknown"]
        # Offers: all 3 made to women; men, 10 of them, get none: ratio 0, flagged.
        assert (women.offers.count, women.offers.share, women.offers.ratio, women.offers.flagged) == (3, 1.0, 1.0, False)
        assert (men.offers.count, men.offers.share, men.offers.ratio, men.offers.flagged) == (0, 0.0, 0.0, True)
        # Placements: women 1 of 3 for 12/23 of trainees, men 2 of 3 for 10/23 (best): women (1/3)/(12/23) / ((2/3)/(10/23)).
        assert (women.placements.count, women.placements.share, women.placements.ratio) == (1, 0.3333, 0.4167)
        assert women.placements.flagged and not men.placements.flagged
        # Employment at 6 months: 1 of 1 placed woman, 0 of 2 men; bases under 10: no ratio, no flag, numbers shown.
        assert (women.employed.count, women.employed.base, women.employed.share, women.employed.ratio) == (1, 1, 1.0, None)
        assert (men.employed.count, men.employed.base, men.employed.share, men.employed.flagged) == (0, 2, 0.0, False)
        assert (other.trainees, other.offers.count, other.employed.base, other.employed.share) == (1, 0, 0, None)
        assert report_flags(session) == 2

    def test_by_cohort_and_region(self, session: Session) -> None:
        scene(session)
        profile(session, id="K-01", full_name="Kadi Kone", home_town="Kayes", training={"cohort": "2026-B"})
        cohorts = fairness_service.fairness_report(session=session, by="cohort", as_of=AS_OF).outcomes
        assert [(r.group, r.trainees) for r in cohorts] == [("2026-A", 23), ("2026-B", 1)]
        regions = fairness_service.fairness_report(session=session, by="region", as_of=AS_OF).rankings.groups
        assert [(g.group, g.trainees) for g in regions] == [("District de Bamako", 23), ("Kayes", 1)]


def report_flags(session: Session) -> int:
    """Return how many flags the gender report raises."""
    return fairness_service.fairness_report(session=session, by="gender", as_of=AS_OF).flagged


class TestPage:
    def test_officers_see_counts_only_in_french(self, client: Client, session: Session) -> None:
        scene(session)
        client.sign_in(user(session, Role.officer).login, PASSWORD)
        page = unescape(client.get("/fairness").text)
        assert "Audit d'équité" in page and "Femmes" in page and "Non renseigné" in page
        assert "sous les 4/5" in page and "<td>0,83</td>" in page  # women's exposure ratio
        assert "Groupes signalés (toutes mesures) : 2" in page  # men's offers, women's placements
        assert "Awa Diarra" not in page and "F-01" not in page  # no name, no code

    def test_admin_groups_by_age_band_in_english(self, client: Client, session: Session) -> None:
        scene(session)
        client.sign_in(user(session, Role.admin).login, PASSWORD)
        page = unescape(client.get("/fairness?by=age_band&lang=en").text)
        assert "Fairness audit" in page and "Age band" in page and "Not known" in page
        assert '<option value="age_band" selected>' in page
        by_literacy = unescape(client.get("/fairness?by=literacy").text)  # the language stays in its cookie
        assert "Literacy" in by_literacy and '<th scope="row">Functional</th>' in by_literacy

    def test_an_unknown_grouping_is_refused(self, client: Client, session: Session) -> None:
        client.sign_in(user(session, Role.officer).login, PASSWORD)
        assert client.get("/fairness?by=religion").status_code == 404  # a malformed page address, as everywhere
