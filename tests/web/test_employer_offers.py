"""The employer's side of the placement workflow: candidates proposed, hiring confirmed or refused, contracts ended."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from employers import offers
from employers.models import Employer, Offer, OfferState, Placement, Vacancy, VacancyStatus
from profiles.models import TraineeProfile
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_employers import api, error_next_to
from web.auth.models import Role, User

NAME, PHONE = "Moussa Traoré", "+22365432198"
START, SALARY = "2027-01-04", 65_000
PIN = "123456"


@dataclass
class Hiring:
    """A company signed in on `client`, its open vacancy, and the officer who proposes trainees for it."""

    client: Client
    session: Session
    company: Employer
    vacancy: Vacancy
    officer: User

    def trainee(self, **overrides: Any) -> tuple[TraineeProfile, User]:
        """Store an eligible trainee (Moussa Traoré unless overridden) with the account they answer offers with."""
        fields = {"full_name": NAME, "phone": PHONE, **overrides}
        row = profile(self.session, **fields)
        return row, user(self.session, Role.trainee, secret=PIN, trainee_id=row.id)

    def offered(self, **overrides: Any) -> tuple[Offer, User]:
        """Have the officer offer the vacancy to a new trainee; return the offer and the trainee's account."""
        row, account = self.trainee(**overrides)
        offer = offers.propose_offer(
            session=self.session, vacancy_id=self.vacancy.id or 0, trainee_id=row.id or 0, by=self.officer.actor
        )
        self.session.commit()
        return offer, account

    def accepted(self, **overrides: Any) -> Offer:
        """Offer the vacancy to a new trainee, who accepts it."""
        return self.accepting(**overrides)[0]

    def accepting(self, **overrides: Any) -> tuple[Offer, User]:
        """Offer the vacancy to a new trainee, who accepts it; return the offer and the trainee's account."""
        offer, account = self.offered(**overrides)
        offers.accept(session=self.session, offer_id=offer.id or 0, by=account.actor)
        self.session.commit()
        return offer, account

    def page(self) -> str:
        """Return the vacancy's page as the company sees it."""
        answer = self.client.get(f"/employer/vacancies/{self.vacancy.id}")
        assert answer.status_code == 200
        return answer.text

    def confirm(self, offer: Offer, start: str = START, salary: str = str(SALARY)) -> Any:
        """Post the confirmation form of an offer."""
        form = {"start_date": start, "salary_fcfa_month": salary}
        return self.client.post_form(f"/employer/offers/{offer.id}/confirm", form, follow_redirects=False)

    def refreshed(self) -> Vacancy:
        """Return the vacancy as stored now."""
        self.session.expire_all()
        return self.session.get_one(Vacancy, self.vacancy.id)

    def state(self, offer: Offer) -> OfferState:
        """Return an offer's state as stored now."""
        self.session.expire_all()
        return self.session.get_one(Offer, offer.id).state


@pytest.fixture
def hiring(client: Client, session: Session) -> Hiring:
    company = employer(session)
    client.sign_in(user(session, Role.employer, employer_id=company.id).login, PASSWORD)
    vacancy = stored_vacancy(session, company, seats=2, start_date=START, salary_fcfa_month=SALARY)
    return Hiring(client, session, company, vacancy, user(session, Role.officer))


def placements(session: Session) -> list[Placement]:
    session.expire_all()
    return list(session.exec(select(Placement)))


SEATS_1_OF_2 = "1 place pourvue sur 2"


class TestWhoTheCompanySees:
    def test_name_and_phone_are_hidden_until_the_trainee_accepts(self, hiring: Hiring) -> None:
        offer, account = hiring.offered()
        trainee = hiring.session.get_one(TraineeProfile, offer.trainee_id)
        before = hiring.page()
        assert "Candidats proposés" in before and trainee.code in before and "M. T." in before and "Proposée" in before
        for secret in ("Moussa", "Traoré", "65432198"):
            assert secret not in before
        assert "Déjà proposé : Proposée" in before  # in the ranked candidates, instead of "ask for this candidate"
        offers.accept(session=hiring.session, offer_id=offer.id or 0, by=account.actor)
        hiring.session.commit()
        after = hiring.page()
        assert NAME in after and f'<a href="tel:{PHONE}">{PHONE}</a>' in after and "Acceptée" in after
        assert 'value="2027-01-04"' in after and 'value="65000"' in after  # the confirmation form, from the vacancy

    def test_an_override_shows_the_derogation_and_its_reason(self, hiring: Hiring) -> None:
        row, _account = hiring.trainee(home_town="Gao")
        offers.propose_offer(session=hiring.session, vacancy_id=hiring.vacancy.id or 0, trainee_id=row.id or 0,
                             by=hiring.officer.actor, override=True, override_reason="Déménage à Bamako en janvier")  # fmt: skip
        hiring.session.commit()
        assert "Proposé par dérogation aux exigences de l&#39;offre : Déménage à Bamako en janvier" in hiring.page()

    def test_the_officers_shortlist_is_not_shown(self, hiring: Hiring) -> None:
        row, _account = hiring.trainee()
        shortlisted = offers.shortlist(session=hiring.session, vacancy_id=hiring.vacancy.id or 0, trainee_id=row.id or 0,
                                       by=hiring.officer.actor)  # fmt: skip
        hiring.session.commit()
        assert "Aucun candidat ne vous est encore proposé." in hiring.page() and "Présélectionné" not in hiring.page()
        assert hiring.client.get(f"/employer/offers/{shortlisted.id}").status_code == 404


class TestConfirm:
    def test_confirming_creates_a_placement_and_fills_a_seat(self, hiring: Hiring) -> None:
        offer = hiring.accepted()
        assert "0 place pourvue sur 2" in hiring.page()
        done = hiring.confirm(offer, salary="70 000")
        assert done.status_code == 303 and done.headers["location"] == f"/employer/vacancies/{hiring.vacancy.id}?done=confirmed"
        [placement] = placements(hiring.session)
        assert (placement.offer_id, placement.start_date, placement.salary_fcfa_month) == (offer.id, date(2027, 1, 4), 70_000)
        assert hiring.refreshed().filled_seats == 1 and hiring.state(offer) == OfferState.confirmed
        page = hiring.client.get(done.headers["location"]).text
        assert "L&#39;embauche est confirmée." in page and SEATS_1_OF_2 in page
        assert NAME in page and "Début : 04/01/2027" in page and "70\u202f000 FCFA par mois" in page and "En poste" in page
        assert SEATS_1_OF_2 in hiring.client.get("/employer").text
        assert "Places filled: 1 of 2" in hiring.client.get("/employer?lang=en").text

    def test_a_double_submit_makes_one_placement(self, hiring: Hiring) -> None:
        offer = hiring.accepted()
        assert [hiring.confirm(offer).status_code for _ in range(2)] == [303, 303]
        assert len(placements(hiring.session)) == 1 and hiring.refreshed().filled_seats == 1

    @pytest.mark.parametrize(
        ("start", "salary", "expected"),
        [
            ("2027-02-30", "soixante", {"start_date": "Écrivez une vraie date sous la forme AAAA-MM-JJ, par exemple 2026-03-01.",
                                        "salary_fcfa_month": "Écrivez un nombre entier, sans virgule."}),
            ("", "0", {"start_date": "Ce champ est obligatoire.", "salary_fcfa_month": "Écrivez un nombre au moins égal à 1."}),
        ],
    )  # fmt: skip
    def test_wrong_terms_are_shown_next_to_their_fields_and_nothing_is_written(
        self, hiring: Hiring, start: str, salary: str, expected: dict[str, str]
    ) -> None:
        offer = hiring.accepted()
        page = hiring.confirm(offer, start=start, salary=salary)
        assert page.status_code == 422
        assert {name: error_next_to(page.text, name) for name in expected} == expected
        assert f'name="start_date" type="date" value="{start}"' in page.text and f'value="{salary}"' in page.text
        assert placements(hiring.session) == [] and hiring.state(offer) == OfferState.accepted
        assert hiring.refreshed().filled_seats == 0

    def test_a_full_vacancy_refuses_another_hiring(self, hiring: Hiring) -> None:
        hiring.vacancy.seats = 1
        hiring.session.add(hiring.vacancy)
        hiring.session.commit()
        first, second = hiring.accepted(), hiring.accepted(full_name="Awa Coulibaly", phone="+22370000001")
        assert hiring.confirm(first).status_code == 303
        assert "Toutes les places sont pourvues : terminez un contrat" in hiring.page()
        refused = hiring.confirm(second)
        assert refused.status_code == 409 and "Toutes les places de cette offre sont déjà pourvues." in refused.text
        assert len(placements(hiring.session)) == 1 and hiring.state(second) == OfferState.accepted
        assert (hiring.refreshed().filled_seats, hiring.refreshed().status) == (1, VacancyStatus.filled)


class TestRejectAndEnd:
    def test_turning_down_needs_a_reason_and_hides_the_name_again(self, hiring: Hiring) -> None:
        offer = hiring.accepted()
        url = f"/employer/offers/{offer.id}/reject"
        missing = hiring.client.post_form(url, {"reason": "  "})
        assert missing.status_code == 422 and error_next_to(missing.text, "reason") == "Indiquez la raison du refus."
        assert hiring.state(offer) == OfferState.accepted
        done = hiring.client.post_form(url, {"reason": "Poste attribué en interne"}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith("?done=turned_down")
        page = hiring.client.get(done.headers["location"]).text
        assert "Vous avez refusé ce candidat." in page and "Refusée par la société" in page
        assert "Motif : Poste attribué en interne" in page and NAME not in page and PHONE not in page
        assert hiring.state(offer) == OfferState.rejected_by_employer

    def test_an_offer_not_yet_answered_can_be_turned_down(self, hiring: Hiring) -> None:
        offer, _account = hiring.offered()
        done = hiring.client.post_form(
            f"/employer/offers/{offer.id}/reject", {"reason": "Profil trop junior"}, follow_redirects=False
        )
        assert done.status_code == 303 and hiring.state(offer) == OfferState.rejected_by_employer

    def test_ending_a_placement_needs_its_day_and_a_reason_and_frees_its_seat(self, hiring: Hiring) -> None:
        hiring.vacancy.seats = 1
        hiring.session.add(hiring.vacancy)
        hiring.session.commit()
        assert hiring.confirm(hiring.accepted(), start="2026-10-05").status_code == 303
        [placement] = placements(hiring.session)
        assert hiring.refreshed().status == VacancyStatus.filled
        url = f"/employer/placements/{placement.id}/end"
        missing = hiring.client.post_form(url, {"end_date": "2026-10-01", "end_reason": "", "end_note": "absent"})
        assert missing.status_code == 422
        assert error_next_to(missing.text, "end_reason") == "Indiquez pourquoi le contrat prend fin."
        assert error_next_to(missing.text, "end_date") == "Le contrat ne peut pas finir avant son début (05/10/2026)."
        assert 'value="absent"' in missing.text and hiring.refreshed().filled_seats == 1
        form = {"end_date": "2026-11-20", "end_reason": "trial_failed", "end_note": "absent trois jours"}
        done = hiring.client.post_form(url, form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith("?done=ended")
        assert (hiring.refreshed().filled_seats, hiring.refreshed().status) == (0, VacancyStatus.open)
        page = hiring.client.get(done.headers["location"]).text
        assert "Le placement est terminé." in page and "0 place pourvue sur 1" in page
        assert "Contrat terminé le 20/11/2026 : Période d&#39;essai non concluante (absent trois jours)" in page and NAME in page
        again = hiring.client.post_form(url, form)
        assert again.status_code == 409 and "Ce placement est déjà terminé." in again.text


class TestAccess:
    def routes(self, hiring: Hiring) -> tuple[list[tuple[str, str]], Offer, User, Placement]:
        """Return the offer and placement routes of company A, its accepted offer (and the trainee's account), a placement."""
        waiting, trainee = hiring.accepting()
        assert hiring.confirm(hiring.accepted(full_name="Awa Coulibaly", phone="+22370000001")).status_code == 303
        [placement] = placements(hiring.session)
        offer_url, placement_url = f"/employer/offers/{waiting.id}", f"/employer/placements/{placement.id}"
        urls = [
            ("GET", offer_url),
            ("POST", f"{offer_url}/confirm"),
            ("POST", f"{offer_url}/reject"),
            ("POST", f"{placement_url}/end"),
        ]
        return urls, waiting, trainee, placement

    def test_another_company_gets_404_and_changes_nothing(
        self, hiring: Hiring, new_client: Callable[[], Client], session: Session
    ) -> None:
        urls, waiting, _trainee, placement = self.routes(hiring)
        rival = new_client()
        rival.sign_in(user(session, Role.employer, employer_id=employer(session).id).login, PASSWORD)
        form = {"start_date": START, "salary_fcfa_month": "65000", "reason": "x", "csrf_token": rival.csrf()}
        for method, url in urls:
            answer = rival.request(method, url, data=form if method == "POST" else None)
            assert answer.status_code == 404 and "Page introuvable." in answer.text, url
        assert hiring.state(waiting) == OfferState.accepted and len(placements(session)) == 1
        session.refresh(placement)
        assert placement.ended_at is None

    @pytest.mark.parametrize("role", [Role.officer, Role.trainee])
    def test_officers_and_trainees_get_403(
        self, hiring: Hiring, new_client: Callable[[], Client], session: Session, role: Role
    ) -> None:
        urls, waiting, trainee, _placement = self.routes(hiring)
        other = new_client()
        if role == Role.trainee:  # the offer's own trainee
            other.sign_in(trainee.login, PIN)
        else:
            other.sign_in(user(session, role).login, PASSWORD)
        form = {"start_date": START, "salary_fcfa_month": "65000", "reason": "x", "csrf_token": other.csrf()}
        for method, url in urls:
            assert other.request(method, url, data=form if method == "POST" else None).status_code == 403, url
        assert hiring.state(waiting) == OfferState.accepted and len(placements(session)) == 1


class TestApi:
    def test_the_offers_show_name_and_phone_only_once_accepted(self, hiring: Hiring) -> None:
        waiting, _account = hiring.offered(full_name="Awa Coulibaly", phone="+22370000001")
        accepted = hiring.accepted()
        listed = api(hiring.client, "GET", f"/api/v1/vacancies/{hiring.vacancy.id}/offers")
        assert listed.status_code == 200
        rows = {row["id"]: row for row in listed.json()}
        assert (rows[accepted.id]["full_name"], rows[accepted.id]["phone"], rows[accepted.id]["state"]) == (
            NAME,
            PHONE,
            "accepted",
        )
        assert (rows[waiting.id]["full_name"], rows[waiting.id]["phone"], rows[waiting.id]["initials"]) == (None, None, "A. C.")
        assert "Coulibaly" not in listed.text and "70000001" not in listed.text
        assert [row["id"] for row in listed.json()] == [accepted.id, waiting.id]  # waiting for the company first

    def test_confirm_reject_and_end_with_the_pages_messages(self, hiring: Hiring) -> None:
        offer, other = hiring.accepted(), hiring.accepted(full_name="Awa Coulibaly", phone="+22370000001")
        url = f"/api/v1/offers/{offer.id}/confirm"
        wrong = api(hiring.client, "POST", url, json={"start_date": "2027-02-30", "salary_fcfa_month": "soixante"})
        assert wrong.status_code == 422 and wrong.json()["detail"] == {
            "start_date": "Écrivez une vraie date sous la forme AAAA-MM-JJ, par exemple 2026-03-01.",
            "salary_fcfa_month": "Écrivez un nombre entier, sans virgule.",
        }
        assert placements(hiring.session) == []
        hired = [api(hiring.client, "POST", url, json={"start_date": START, "salary_fcfa_month": 70_000}) for _ in range(2)]
        assert [answer.status_code for answer in hired] == [200, 200] and hired[0].json() == hired[1].json()
        assert (hired[0].json()["start_date"], hired[0].json()["salary_fcfa_month"]) == (START, 70_000)
        assert len(placements(hiring.session)) == 1 and hiring.refreshed().filled_seats == 1

        reject = f"/api/v1/offers/{other.id}/reject"
        assert api(hiring.client, "POST", reject, json={}).json()["detail"] == {"reason": "Indiquez la raison du refus."}
        turned_down = api(hiring.client, "POST", reject, json={"reason": "Poste attribué en interne"}).json()
        assert (turned_down["state"], turned_down["rejection_reason"], turned_down["full_name"]) == (
            "rejected_by_employer", "Poste attribué en interne", None,
        )  # fmt: skip

        end = f"/api/v1/placements/{hired[0].json()['id']}/end"
        missing = api(hiring.client, "POST", end, json={"reason": " "})
        assert missing.status_code == 422 and missing.json()["detail"] == {
            "end_date": "Ce champ est obligatoire.", "end_reason": "Indiquez pourquoi le contrat prend fin."}  # fmt: skip
        unknown = api(hiring.client, "POST", end, json={"end_date": START, "reason": "Démission"})
        assert unknown.json()["detail"] == {"end_reason": "Choisissez une des valeurs proposées."}
        ended = api(hiring.client, "POST", end, json={"end_date": START, "reason": "resigned", "note": "parti"})
        assert ended.status_code == 200 and ended.json()["ended_at"]
        assert (ended.json()["end_date"], ended.json()["end_reason"], ended.json()["end_note"]) == (START, "resigned", "parti")
        assert hiring.refreshed().filled_seats == 0

    def test_a_full_vacancy_answers_409(self, hiring: Hiring) -> None:
        hiring.vacancy.seats = 1
        hiring.session.add(hiring.vacancy)
        hiring.session.commit()
        first, second = hiring.accepted(), hiring.accepted(full_name="Awa Coulibaly", phone="+22370000001")
        terms = {"start_date": START, "salary_fcfa_month": SALARY}
        assert api(hiring.client, "POST", f"/api/v1/offers/{first.id}/confirm", json=terms).status_code == 200
        full = api(hiring.client, "POST", f"/api/v1/offers/{second.id}/confirm", json=terms)
        assert full.status_code == 409 and full.json()["detail"] == "Toutes les places de cette offre sont déjà pourvues."
        assert len(placements(hiring.session)) == 1 and hiring.state(second) == OfferState.accepted

    def test_other_companies_get_404_and_other_roles_403(
        self, hiring: Hiring, new_client: Callable[[], Client], session: Session
    ) -> None:
        waiting = hiring.accepted()
        assert hiring.confirm(hiring.accepted(full_name="Awa Coulibaly", phone="+22370000001")).status_code == 303
        [placement] = placements(session)
        calls = [("GET", f"/api/v1/vacancies/{hiring.vacancy.id}/offers"), ("POST", f"/api/v1/offers/{waiting.id}/confirm"),
                 ("POST", f"/api/v1/offers/{waiting.id}/reject"), ("POST", f"/api/v1/placements/{placement.id}/end")]  # fmt: skip
        body = {"start_date": START, "salary_fcfa_month": SALARY, "reason": "resigned", "end_date": START}
        for account, secret, expected in [
            (user(session, Role.employer, employer_id=employer(session).id), PASSWORD, 404),
            (user(session, Role.officer), PASSWORD, 403),
        ]:
            other = new_client()
            other.sign_in(account.login, secret)
            for method, url in calls:
                answer = api(other, method, url, json=body if method == "POST" else None)
                assert answer.status_code == expected, (account.role, url)
        assert hiring.state(waiting) == OfferState.accepted and len(placements(session)) == 1
        session.refresh(placement)
        assert placement.ended_at is None
