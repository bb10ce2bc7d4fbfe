"""The trainee's SMS carry the essentials in one 160-character GSM-7 message (issue 13): job, company, town, salary,
deadline and a short link, in French, English and Bambara — tested on the longest real values."""

from __future__ import annotations

import pytest

from core.formats import money
from employers import notices
from matching import synth

#: The longest public address a deployment is likely to have.
BASE = "https://emploi.rdvmali.org"


def longest_real_values() -> dict[str, str]:
    """Return the longest title, company and town of 2,000 synthetic vacancies (the generator writes as people do)."""
    _, vacancies = synth.generate(trainees=0, vacancies=2000, seed=7)
    return {field: max((str(v[field]) for v in vacancies), key=len) for field in ("title", "employer", "town")}


@pytest.fixture(scope="module")
def values() -> dict[str, str]:
    notices.use_public_url(BASE)
    longest = longest_real_values()
    return {**longest, "deadline": "31/12/2026", "link": notices.short_link(36**6 - 1), "name": "Aïssata Ténin Coulibaly",
            "pay": f", {money(400_000)} F/mois", "code": "123456", "minutes": "15", "start_date": "04/01/2027",
            "salary": money(400_000), "smig_note": "", "office_phone": "+223 76 12 34 56", "due": "31/12/2026",
            "month": "12", "when": "04/01/2027 à 09:30",
            "place": "Siège de la société, rue 311, porte 42, Hamdallaye ACI 2000, Bamako, à côté de la pharmacie"}  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "en", "bm"])
@pytest.mark.parametrize("key", ["offer_made.trainee", "offer_expiring.trainee"])
def test_the_offer_sms_keeps_every_essential_whole(values: dict[str, str], key: str, lang: str) -> None:
    sms = notices.render(key, values, lang).sms
    assert len(sms) <= notices.SMS_LIMIT and all(c in notices.GSM_BASIC for c in sms), sms
    assert values["link"] in sms and values["deadline"] in sms and sms.endswith(values["link"]), sms
    for field in ("title", "employer", "town"):  # shortened maybe, but each says what it is
        first_word = notices.gsm(values[field]).split()[0]
        assert first_word in sms, (field, sms)
    if key == "offer_made.trainee":
        assert notices.gsm(values["pay"]) in sms


def test_the_real_values_fit_without_shortening_when_the_title_is_common(values: dict[str, str]) -> None:
    common = {**values, "title": "Agent de sécurité", "employer": "Sahel Gardiennage", "town": "Ségou"}
    sms = notices.render("offer_made.trainee", common).sms
    assert "..." not in sms and "Agent de sécurité chez Sahel Gardiennage, Ségou, 400 000 F/mois" in sms


@pytest.mark.parametrize("lang", ["fr", "en", "bm"])
@pytest.mark.parametrize("key", sorted(k for k in notices.NOTICES if k.endswith(".trainee")))
def test_every_trainee_sms_is_translated_and_fits(values: dict[str, str], key: str, lang: str) -> None:
    sms = notices.render(key, values, lang).sms
    assert len(sms) <= notices.SMS_LIMIT and "?" not in sms.replace("? ", ""), sms  # no letter lost to "?"
    if lang != "fr":
        assert sms != notices.render(key, values, "fr").sms, f"{key} has no {lang} translation"


def test_a_short_code_reads_back_as_its_offer() -> None:
    assert [notices.offer_id_of(notices.offer_code(n)) for n in (0, 1, 35, 36, 123_456_789)] == [0, 1, 35, 36, 123_456_789]
    assert notices.offer_id_of("../x") is None and notices.offer_id_of("é") is None
