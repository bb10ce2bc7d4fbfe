"""A hiring below the minimum wage (issue 13): the company is warned on its form and after confirming; the trainee
and the officer are told in their notices. A warning, never a refusal."""

from __future__ import annotations

from sqlmodel import select

from employers.models import OutboxMessage
from tests.web.test_employer_offers import Hiring, hiring

__all__ = ["hiring"]  # the fixture, used by name below


def notices_of(hiring: Hiring, kind: str) -> list[OutboxMessage]:
    hiring.session.expire_all()
    return list(hiring.session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def test_the_confirmation_form_says_the_smig(hiring: Hiring) -> None:
    hiring.accepted()
    assert "Le SMIG est de 40\u202f000 FCFA par mois." in hiring.page()


def test_a_hiring_below_the_smig_is_confirmed_with_a_warning_to_everyone(hiring: Hiring) -> None:
    offer = hiring.accepted()
    done = hiring.confirm(offer, salary="35000")
    assert done.status_code == 303 and done.headers["location"].endswith("?done=confirmed_below_smig")
    page = hiring.client.get(done.headers["location"]).text
    assert "L&#39;embauche est confirmée, mais ce salaire est inférieur au SMIG" in page
    [trainee] = notices_of(hiring, "placement_confirmed.trainee")
    [officer] = notices_of(hiring, "placement_confirmed.officer")
    for message in (trainee, officer):
        assert "sous le SMIG de 40 000 FCFA" in message.email_body.replace("\u202f", " ")
        assert "SMIG" in message.sms_text and len(message.sms_text) <= 160


def test_a_hiring_at_the_smig_or_more_says_nothing_of_it(hiring: Hiring) -> None:
    offer = hiring.accepted()
    done = hiring.confirm(offer, salary="40000")
    assert done.headers["location"].endswith("?done=confirmed")
    for kind in ("placement_confirmed.trainee", "placement_confirmed.officer"):
        [message] = notices_of(hiring, kind)
        assert "SMIG" not in message.email_body and "SMIG" not in message.sms_text
