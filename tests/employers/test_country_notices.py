"""The notices of a Senegal installation (issue 11, part 4): the programme's name and the currency come from the pack,
nothing names Mali, and every SMS still fits one 160-character GSM-7 message on the longest real Senegal values."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from core.formats import money
from employers import notices
from matching import synth
from matching.country import DEFAULT_COUNTRY, get_pack, use_country

MALIAN = re.compile(r"\bmali(?:en|enne)?s?\b|\+223|\bAPDP\b|2013-015", re.IGNORECASE)
LANGUAGES = ("fr", "en", "bm")


@pytest.fixture(scope="module")
def senegal() -> Iterator[dict[str, str]]:
    """Make Senegal the active country; return the longest real values of its notices (Mali again afterwards)."""
    use_country("SN")
    try:
        notices.use_public_url("https://emploi.rdv-senegal.example.org")
        _, vacancies = synth.generate(trainees=0, vacancies=2000, seed=7)  # Senegal's towns and company names
        longest = {field: max((str(v[field]) for v in vacancies), key=len) for field in ("title", "employer", "town")}
        smig = get_pack().minimum_wage_month
        yield {**longest, "deadline": "31/12/2026", "link": notices.short_link(36**6 - 1), "name": "Ndèye Fatou Diop Ndiaye",
               "pay": f", {money(400_000)} F/mois", "code": "123456", "minutes": "15", "start_date": "04/01/2027",
               "end_date": "28/02/2027", "salary": money(smig - 1),
               "smig_note": notices.SMIG_NOTE.format(smig=money(smig), **notices.country_values()),
               "office_phone": "+221 77 123 45 67", "due": "31/12/2026", "month": "12", "when": "04/01/2027 à 09:30",
               "trainee_code": "T-2026-SN-0042", "initials": "N. F. D. N.", "vacancy_code": "V-2026-0815",
               "reason": "le candidat a trouvé un autre emploi plus près de chez lui, à Rufisque, avec un meilleur salaire",
               "place": "Siège de la société, avenue Cheikh Anta Diop, Fann Résidence, Dakar, face à l'université"}  # fmt: skip
    finally:
        use_country(DEFAULT_COUNTRY)


def test_the_pack_gives_the_programme_and_the_currency(senegal: dict[str, str]) -> None:
    use_country("SN")
    try:
        assert notices.country_values() == {"programme": "RDV Sénégal", "currency": "FCFA"}
        assert senegal["smig_note"] == " (sous le SMIG de 64\u202f223 FCFA)"
    finally:
        use_country(DEFAULT_COUNTRY)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", sorted(notices.NOTICES))
def test_every_senegal_notice_names_senegal_s_programme_and_fits_one_sms(senegal: dict[str, str], key: str, lang: str) -> None:
    use_country("SN")
    try:
        notice = notices.render(key, senegal, lang)
    finally:
        use_country(DEFAULT_COUNTRY)
    assert len(notice.sms) <= notices.SMS_LIMIT and all(c in notices.GSM_BASIC for c in notice.sms), notice.sms
    assert re.match(r"RDV Sénégal ?: ", notice.sms), notice.sms  # whole: the programme's name is never shortened
    assert not MALIAN.search(notice.sms + notice.subject + notice.body), notice
    # Only values were shortened: the text's own last words are all there, and so are the essentials it carries.
    template = notices.translations(lang).gettext(notices.NOTICES[key].sms)
    assert notice.sms.endswith(notices.gsm(template.rsplit("}", 1)[-1])), notice.sms
    for essential in ("link", "deadline", "start_date", "salary", "smig_note", "office_phone", "code"):
        if f"{{{essential}}}" in template:
            assert notices.gsm(senegal[essential]) in notice.sms, (essential, notice.sms)
    if "{programme}" in notices.NOTICES[key].body:
        assert "RDV Sénégal" in notice.body


def test_a_hiring_under_senegal_s_smig_says_it_in_the_pack_s_currency(senegal: dict[str, str]) -> None:
    use_country("SN")
    try:
        notice = notices.render("placement_confirmed.trainee", senegal)
    finally:
        use_country(DEFAULT_COUNTRY)
    assert "(sous le SMIG de 64 223 FCFA)" in notice.sms and "pour un salaire de 64\u202f222 FCFA par mois" in notice.body
    assert notice.body.endswith("L'équipe RDV Sénégal")


@pytest.mark.parametrize("key", sorted(notices.NOTICES))
def test_mali_s_notices_still_say_mali_s_programme(key: str) -> None:
    values = dict.fromkeys(("title", "employer", "town", "deadline", "link", "name", "pay", "code", "minutes", "start_date",
                            "end_date", "salary", "smig_note", "office_phone", "due", "month", "when", "trainee_code",
                            "initials", "vacancy_code", "reason", "place"), "x")  # fmt: skip
    notice = notices.render(key, values)
    assert notice.sms.startswith("RDV Mali : ") and "Sénégal" not in notice.sms + notice.subject + notice.body
