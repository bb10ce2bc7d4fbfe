"""Each person's messages in their language (issue 13): the language a staff or company account picks on the pages
(or on its account page) is kept, and every notice to it, or to its company, is written in it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from core.clock import utcnow
from employers import offers
from employers import service as employers_service
from employers.models import EmployerStatus, OutboxMessage
from profiles.models import TraineeProfile
from tests.employers.factories import profile
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from tests.web.test_employer_offers import Hiring, hiring
from tests.web.test_notice_recipients import last_id
from web.auth import reset
from web.auth.models import Role, User

__all__ = ["hiring"]  # the fixture, used by name below


def language(session: Session, account: User) -> str | None:
    """Return the language an account reads its notices in, as stored now."""
    session.expire_all()
    return session.get_one(User, account.id).message_language


def english(session: Session, account: User) -> User:
    """Have an account read its notices in English."""
    account.message_language = "en"
    session.add(account)
    session.commit()
    return account


def messages(session: Session, since: int) -> list[OutboxMessage]:
    """Return the messages written after message id `since`."""
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.id > since)))


class TestPicking:
    def test_the_language_picked_on_a_page_is_kept_for_the_notices(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        client.sign_in(officer.login, PASSWORD)
        assert language(session, officer) is None
        client.get("/officer?lang=en")
        assert language(session, officer) == "en"
        client.get("/officer?lang=bm")  # the staff's notices have no Bambara: the choice stays English
        assert language(session, officer) == "en"
        client.get("/officer?lang=fr")
        assert language(session, officer) == "fr"

    def test_the_account_page_sets_it_and_offers_only_the_notices_languages(self, client: Client, session: Session) -> None:
        officer = user(session, Role.officer)
        client.sign_in(officer.login, PASSWORD)
        page = client.get("/account/password").text
        assert 'action="/account/language"' in page and 'value="en"' in page and 'value="bm"' not in page
        done = client.post_form("/account/language", {"language": "en"})
        assert done.status_code == 200 and language(session, officer) == "en"  # type: ignore[attr-defined]
        assert "your SMS and e-mails will be written in this language" in done.text  # type: ignore[attr-defined]
        refused = client.post_form("/account/language", {"language": "xx"})
        assert language(session, officer) == "en"
        assert refused.status_code == 422  # type: ignore[attr-defined]
        assert "Language of my messages: choose one of the languages in the list." in refused.text  # type: ignore[attr-defined]

    def test_a_trainee_picks_bambara_on_the_account_page_for_their_sms(self, client: Client, session: Session) -> None:
        hers = profile(session)
        trainee = user(session, Role.trainee, secret="123456", trainee_id=hers.id)
        client.sign_in(trainee.login, "123456")
        assert 'value="bm"' in client.get("/account/password").text
        client.post_form("/account/language", {"language": "bm"})
        session.expire_all()
        assert session.get_one(TraineeProfile, hers.id).message_language == "bm"


class TestNotices:
    def test_an_english_officer_and_company_hear_of_an_acceptance_in_english(self, hiring: Hiring) -> None:
        h = hiring
        english(h.session, h.officer)
        english(h.session, user(h.session, Role.employer, employer_id=h.company.id, login=h.company.email))
        mark = last_id(h.session)
        h.accepted()
        said = {m.kind: m for m in messages(h.session, mark)}
        officer, company = said["offer_accepted.officer"], said["offer_accepted.employer"]
        assert officer.sms_text.startswith("RDV Mali: ") and "accepts job" in officer.sms_text
        assert company.sms_text.startswith("RDV Mali: candidate") and company.email_body.endswith("The RDV Mali team")
        assert said["offer_made.trainee"].sms_text.startswith("RDV Mali : poste")  # the trainee chose nothing: French

    def test_a_company_hears_its_approval_in_its_contacts_language(self, session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        english(session, user(session, Role.employer, employer_id=company.id, login=company.email))
        mark = last_id(session)
        employers_service.approve(session=session, employer_id=company.id or 0, by=user(session, Role.officer).actor)
        session.commit()
        [approval] = messages(session, mark)
        assert approval.email_subject == "Your access to the RDV Mali portal is open"

    def test_a_forgotten_password_e_mail_is_in_the_accounts_language(self, session: Session) -> None:
        account = english(session, user(session, Role.officer))
        mark = last_id(session)
        reset.request_reset(session=session, login=account.login, link="https://x/{token}", minutes=60)
        session.commit()
        [mail] = messages(session, mark)
        assert mail.email_subject == "New password for the RDV Mali portal" and "within 60 minutes" in mail.email_body

    def test_an_interview_reaches_an_english_trainee_and_officer_in_english(self, hiring: Hiring) -> None:
        h = hiring
        row, _ = h.trainee()
        row.message_language = "en"
        english(h.session, h.officer)
        recruiter = user(h.session, Role.employer, employer_id=h.company.id)
        employers_service.request_candidate(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_code=row.code,
                                            by=recruiter.actor)  # fmt: skip
        h.session.commit()
        day = (utcnow() + timedelta(days=3)).date()
        mark = last_id(h.session)
        offers.schedule_interview(session=h.session, vacancy_id=h.vacancy.id or 0, trainee_id=row.id or 0, by=recruiter.actor,
                                  day_typed=day.isoformat(), hour_typed="09:30", place="Head office")  # fmt: skip
        h.session.commit()
        said = {m.kind: m.sms_text for m in messages(h.session, mark)}
        moment = f"{day.day} {day:%b} {day.year} at 09:30"
        assert moment in said["interview_scheduled.trainee"] and moment in said["interview_scheduled.officer"]
