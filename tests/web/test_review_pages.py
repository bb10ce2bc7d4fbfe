"""The officer's vacancy review stays usable at 10,000 trainees (issue 13, "lists that stay usable"): each of its two
lists comes 50 trainees a page, with plain links that keep the filters, and a refused form comes back on its page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from employers import offers as workflow
from employers import review as review_service
from employers.models import Vacancy
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import employer
from tests.web.test_officer_workspace import officer_in, part, section, text_of, years

EACH = 55  # eligible, and as many ineligible: two pages of each list


@pytest.fixture(autouse=True)
def fresh_reviews() -> Iterator[None]:
    """Start every test with no kept review."""
    review_service.invalidate()
    yield
    review_service.invalidate()


def crowded(session: Session) -> Vacancy:
    """A post asking for 3 years of experience, with 55 trainees who have them and 55 who have one year only."""
    post = stored_vacancy(session, employer(session, name="Sahel Garde"), title="Agent de nuit", min_experience_years=3)
    for n in range(EACH):
        profile(session, full_name=f"Apte {n:03d}", experience=years(3 + n / 10), mobility="country")
        profile(session, full_name=f"Novice {n:03d}", experience=years(1), mobility="country")
    return post


def cards(page: str, list_id: str) -> list[str]:
    """Return the names on the cards of one list of the review, in order (eligible ones with their rank)."""
    return re.findall(r"<h3>([^<]+?) <span", section(page, list_id))


def ineligible_order(session: Session, post: Vacancy) -> list[Any]:
    """Return the ineligible trainees in the order the review lists them (closest first)."""
    return list(review_service.review(session=session, vacancy=post).ineligible)


class TestPages:
    def test_each_list_shows_fifty_and_says_which_page(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        first = client.get(f"/officer/vacancies/{post.id}").text
        assert [name.split(". ")[0] for name in cards(first, "eligible")] == [str(n) for n in range(1, 51)]
        assert len(cards(first, "ineligible")) == 50
        said = text_of(first)
        assert "55 candidats — page 1 sur 2" in said and "55 agents écartés — page 1 sur 2" in said
        assert "55 agents : " in text_of(section(first, "ineligible"))  # the counts by rule are everyone's

    def test_page_two_holds_the_fifty_first(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        later = client.get(f"/officer/vacancies/{post.id}?page=2&ineligible_page=2").text
        assert [name.split(". ")[0] for name in cards(later, "eligible")] == [str(n) for n in range(51, 56)]
        fifty_first = ineligible_order(session, post)[50]
        assert cards(later, "ineligible")[0] == fifty_first.full_name and len(cards(later, "ineligible")) == 5
        assert "55 candidats — page 2 sur 2" in text_of(later)
        assert "55 agents : " in text_of(section(later, "ineligible"))

    def test_a_page_beyond_the_last_shows_the_last(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        beyond = client.get(f"/officer/vacancies/{post.id}?page=9&ineligible_page=x").text
        assert cards(beyond, "eligible")[0].startswith("51. ") and "55 agents écartés — page 1 sur 2" in text_of(beyond)

    def test_the_links_and_forms_keep_the_filters_and_the_other_list_page(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        url = f"/officer/vacancies/{post.id}"
        page = client.get(f"{url}?cohort=2026-A&ineligible_page=2").text
        assert f'href="{url}?cohort=2026-A&amp;ineligible_page=2&amp;page=2" rel="next"' in section(page, "eligible")
        assert f'href="{url}?cohort=2026-A&amp;ineligible_page=1" rel="prev"' in section(page, "ineligible")
        form = part(page, f"t{ineligible_order(session, post)[50].profile_id}")
        assert '<input type="hidden" name="cohort" value="2026-A">' in form
        assert '<input type="hidden" name="ineligible_page" value="2">' in form

    def test_an_action_comes_back_to_the_page_it_was_taken_on(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        trainee = ineligible_order(session, post)[50].profile_id
        done = client.post_form(f"/officer/vacancies/{post.id}/trainees/{trainee}/shortlist",
                                {"cohort": "2026-A", "ineligible_page": "2"}, follow_redirects=False)  # fmt: skip
        where = done.headers["location"]  # type: ignore[attr-defined]
        assert where == f"/officer/vacancies/{post.id}?done=shortlisted&cohort=2026-A&ineligible_page=2#t{trainee}"


class TestRefusedForms:
    def test_a_refused_override_on_page_two_comes_back_on_page_two_with_its_form(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        post = crowded(session)
        trainee = ineligible_order(session, post)[50].profile_id
        refused = client.post_form(f"/officer/vacancies/{post.id}/trainees/{trainee}/offer",
                                   {"override": "1", "override_reason": " "})  # fmt: skip
        assert refused.status_code == 422  # type: ignore[attr-defined]
        answer = refused.text  # type: ignore[attr-defined]
        assert "55 agents écartés — page 2 sur 2" in text_of(answer)
        form = part(answer, f"override-{trainee}")
        assert f'id="override-{trainee}-reason"' in form and "autofocus" in form and answer.count("autofocus") == 1
        assert f'href="#override-{trainee}-reason"' in part(answer, "main")

    def test_a_refused_withdrawal_comes_back_on_the_pages_it_was_sent_from(self, client: Client, session: Session) -> None:
        officer = officer_in(client, session)
        post = crowded(session)
        trainee = ineligible_order(session, post)[50].profile_id
        made = workflow.shortlist(session=session, vacancy_id=post.id or 0, trainee_id=trainee, by=officer.actor)
        session.commit()
        refused = client.post_form(f"/officer/offers/{made.id}/withdraw", {"reason": "", "ineligible_page": "2"})
        assert refused.status_code == 422  # type: ignore[attr-defined]
        answer = refused.text  # type: ignore[attr-defined]
        assert "55 agents écartés — page 2 sur 2" in text_of(answer)
        assert "autofocus" in part(answer, f"offer-{made.id}") and f'href="#withdraw-{made.id}-reason"' in answer
