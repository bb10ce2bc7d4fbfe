"""Each person's messages in their language (issue 13): every notice sent to a company, an officer or a staff account
has its English, fits one SMS with the longest real values, and the words put in it (reasons, an interview's
moment) are English too."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from employers import notices
from employers.offers import interview_words
from tests.employers.test_trainee_sms import values as values  # noqa: F401  (the fixture)

#: Who a notice goes to: the part of its key after the dot. Trainees read theirs in French, English or Bambara
#: (tests/employers/test_trainee_sms.py); the others are the accounts' and companies' notices.
AUDIENCES = {"trainee", "employer", "officer", "user"}
TO_ACCOUNTS = sorted(key for key in notices.NOTICES if key.split(".")[1] != "trainee")
#: The words notices fill in for a reason or a cause.
WORDS = sorted({*notices.DECLINE_REASONS.values(), *notices.END_REASONS.values(), *notices.CAUSES.values(), notices.NO_REASON})


def test_every_notice_names_a_known_audience() -> None:
    assert {key.split(".")[1] for key in notices.NOTICES} <= AUDIENCES
    assert {"employer", "officer", "user"} <= {key.split(".")[1] for key in TO_ACCOUNTS}


@pytest.mark.parametrize("key", TO_ACCOUNTS)
def test_every_part_of_a_notice_to_an_account_has_its_english(key: str) -> None:
    template, english = notices.NOTICES[key], notices.translations("en").gettext
    untranslated = [part for part in (template.sms, template.subject, template.body) if english(part) == part]
    assert not untranslated, untranslated


@pytest.mark.parametrize("key", TO_ACCOUNTS)
def test_a_notice_to_an_english_reader_is_english_and_fits_one_sms(values: dict[str, str], key: str) -> None:
    filled = {**values, "trainee_code": "T-2026-00042", "vacancy_code": "V-00042", "initials": "A. T. C.",
              "reason": "the candidate did not come to the interview", "end_date": "31/12/2027"}  # fmt: skip
    said, french = notices.render(key, filled, "en"), notices.render(key, filled, "fr")
    assert len(said.sms) <= notices.SMS_LIMIT and all(c in notices.GSM_BASIC for c in said.sms), said.sms
    assert said.sms.startswith("RDV Mali:") and said.sms != french.sms
    assert said.body.endswith("The RDV Mali team") and said.subject != french.subject
    for essential in ("{trainee_code}", "{deadline}", "{link}", "{minutes}", "{end_date}"):
        if essential in notices.NOTICES[key].sms:
            assert filled[essential.strip("{}")] in said.sms, (essential, said.sms)


@pytest.mark.parametrize("words", WORDS)
def test_the_words_put_in_a_notice_have_their_english(words: str) -> None:
    assert notices.translations("en").gettext(words) != words


def test_an_interview_is_said_in_the_readers_language() -> None:
    at = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
    assert (interview_words(at), interview_words(at, "en")) == ("04/01/2027 à 09:30", "4 Jan 2027 at 09:30")
