"""The officers' trainee pages: profiles checked as the import checks them, the list and cohorts, PINs, file imports."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, func, select

from employers.models import OfferState, Placement, Vacancy
from matching import exchange
from profiles.models import TraineeProfile
from tests.employers.factories import offer_in, placement_row, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth import service as auth_service
from web.auth.exceptions import LoginTaken
from web.auth.models import AuthSession, Role, User
from web.routes import officer_trainees

#: A valid profile as the form sends it.
PROFILE_FORM = {"id": "T-2026-001", "full_name": "Awa Traoré", "home_town": "Bamako", "mobility": "town", "literacy": "basic",
                "phone": "76 12 34 56"}  # fmt: skip
PIN = "246810"
CSV_HEADER = "id,full_name,home_town,phone,literacy,birth_date,training_overall,languages,experience"


def signed_in_officer(client: Client, session: Session) -> User:
    """Create an officer account and sign the client in with it."""
    officer = user(session, Role.officer)
    client.sign_in(officer.login, PASSWORD)
    return officer


def count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())


def notes(page: str, kind: str) -> dict[str, str]:
    """Return the field errors ("error") or warnings ("warning") shown next to the form's fields, by field."""
    return {name: html.unescape(text) for name, text in re.findall(rf'id="([\w.]+)-{kind}">([^<]+)</span>', page)}


def imported_issues(
    text: str, *, kind: exchange.Kind = "trainees", fmt: Any = "csv", source: str = "file.csv"
) -> exchange.LoadResult[Any]:
    """Return what `rdvm import` finds in a file's text."""
    return exchange.parse_text(text, kind=kind, source=source, fmt=fmt)


def as_csv_row(values: dict[str, str]) -> str:
    """Return a CSV file of one trainee with these columns (CSV_HEADER's order)."""
    return CSV_HEADER + "\n" + ",".join(values.get(name, "") for name in CSV_HEADER.split(",")) + "\n"


def upload(client: Client, name: str, text: str, **fields: str) -> Any:
    """Post a file to the import preview, as the upload form does."""
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    return client.post("/officer/import/preview", data={**fields, "csrf_token": client.csrf()}, files=files)


def payload_of(page: str) -> list[str]:
    """Return the hidden fields carrying the checked file to the confirmation."""
    return [html.unescape(v) for v in re.findall(r'name="payload" value="([^"]*)"', page)]


def confirm(client: Client, payload: list[str]) -> Any:
    return client.post("/officer/import/confirm", data={"payload": payload, "csrf_token": client.csrf()}, follow_redirects=False)


def shown_pin(page: str) -> str:
    found = re.search(r'class="pin-code">(\d{6})<', page)
    assert found, "no PIN on the page"
    return found.group(1)


class TestProfileForm:
    def test_bad_values_get_the_imports_errors_on_the_same_fields_in_french_and_nothing_is_written(
        self, client: Client, session: Session
    ) -> None:
        signed_in_officer(client, session)
        bad = {"phone": "12", "literacy": "expert", "birth_date": "2026-02-30", "training_overall": "25"}
        by_import = imported_issues(
            as_csv_row({**PROFILE_FORM, **bad, "languages": "bm:expert", "experience": "2:security:FRANCE:agent"})
        )
        typed = {**PROFILE_FORM, **bad, "language_0_language": "bm", "language_0_level": "expert",
                 "experience_0_title": "agent", "experience_0_years": "2", "experience_0_sector": "security",
                 "experience_0_country": "FRANCE"}  # fmt: skip
        page = client.post_form("/officer/trainees/new", typed)
        assert page.status_code == 422
        errors = notes(page.text, "error")
        assert set(errors) == {i.field for i in by_import.errors} == {*bad, "languages", "experience"}
        assert errors["phone"] == "Écrivez un numéro de téléphone valable, par exemple +223 76 00 00 00."
        assert errors["literacy"] == errors["languages"] == "Choisissez une des valeurs proposées."
        assert errors["birth_date"].startswith("Écrivez une vraie date sous la forme AAAA-MM-JJ")
        assert errors["training_overall"] == "Écrivez un nombre au plus égal à 20."
        assert errors["experience"] == "Écrivez le pays en deux lettres, par exemple ML ou FR."
        assert 'value="12"' in page.text and 'value="2026-02-30"' in page.text and 'value="FRANCE"' in page.text
        assert 'value="Awa Traoré"' in page.text
        assert count(session, TraineeProfile) == 0

    def test_required_fields_are_the_imports_required_fields(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        page = client.post_form("/officer/trainees/new", {"mobility": "town", "literacy": "basic"})
        by_import = imported_issues("id,full_name,home_town,summary\n,,,rien\n")
        assert page.status_code == 422
        assert set(notes(page.text, "error")) == {i.field for i in by_import.errors} == {"id", "full_name", "home_town"}
        assert set(notes(page.text, "error").values()) == {"Ce champ est obligatoire."}

    def test_unknown_values_are_saved_with_the_imports_warnings(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        typed = {**PROFILE_FORM, "home_town": "Tokyo", "skills": ["patrol"], "skills_other": "jonglage",
                 "language_0_language": "klingon", "language_0_level": "fluent"}  # fmt: skip
        by_import = imported_issues("id,full_name,home_town,phone,skills,languages\n"
                                    "T-2026-001,Awa Traoré,Tokyo,76 12 34 56,patrol|jonglage,klingon:fluent\n")  # fmt: skip
        saved = client.post_form("/officer/trainees/new", typed, follow_redirects=False)
        assert saved.status_code == 303
        stored = session.exec(select(TraineeProfile)).one()
        assert (stored.home_town, stored.skills) == ("Tokyo", ["patrol", "jonglage"])
        form = client.get(f"/officer/trainees/{stored.id}/edit").text
        warnings = notes(form, "warning")
        assert set(warnings) == {i.field for i in by_import.warnings} == {"home_town", "languages", "skills"}
        assert warnings["home_town"].startswith("« Tokyo » n'est pas dans notre liste de villes")
        assert warnings["skills"] == "« jonglage » ne correspond à aucune compétence connue ; elle est gardée telle quelle."
        profile_page = client.get(saved.headers["location"]).text
        assert "Le profil est enregistré." in profile_page and "« klingon » ne correspond à aucune langue connue" in profile_page

    def test_create_normalises_like_the_import_then_edit_changes_the_profile(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        typed = {**PROFILE_FORM, "home_town": "bamako", "gender": "F", "birth_date": "1990-04-12", "extra_towns": "Kati, sikaso",
                 "certifications": ["SST"], "certifications_other": "s.s.i.a.p. 1", "driving_licences": ["B"],
                 "language_0_language": "bm", "language_0_level": "native", "language_1_language": "fr",
                 "language_1_level": "fluent", "experience_0_title": "agent de sécurité", "experience_0_years": "1,5",
                 "experience_0_sector": "security", "experience_0_country": "fr", "training_cohort": "2026-A",
                 "training_overall": "14,5", "module_0_name": "secourisme", "module_0_grade": "16",
                 "preferred_shifts": ["night"], "summary": "Rondes de nuit.", "consent": "1"}  # fmt: skip
        saved = client.post_form("/officer/trainees/new", typed, follow_redirects=False)
        assert saved.status_code == 303
        stored = session.exec(select(TraineeProfile)).one()
        expected = imported_issues(json.dumps([{
            "id": "T-2026-001", "full_name": "Awa Traoré", "home_town": "bamako", "phone": "76 12 34 56", "gender": "F",
            "birth_date": "1990-04-12", "extra_towns": ["Kati", "sikaso"], "mobility": "town", "literacy": "basic",
            "certifications": ["SST", "s.s.i.a.p. 1"], "driving_licences": ["B"],
            "languages": [{"language": "bm", "level": "native"}, {"language": "fr", "level": "fluent"}],
            "experience": [{"title": "agent de sécurité", "years": 1.5, "sector": "security", "country": "fr"}],
            "training": {"cohort": "2026-A", "overall": 14.5, "modules": {"secourisme": 16}},
            "preferred_shifts": ["night"], "summary": "Rondes de nuit.",
        }]), fmt="json").records[0]  # fmt: skip
        assert stored.to_exchange() == expected
        assert (stored.phone, stored.home_town, stored.extra_towns) == ("+22376123456", "Bamako", ["Kati", "Sikasso"])
        assert stored.cohort == "2026-A" and stored.consent_to_share and stored.consent_recorded_at is not None
        form = client.get(f"/officer/trainees/{stored.id}/edit").text
        assert 'value="SSIAP1" checked' in form and 'value="B" checked' in form and 'value="1.5"' in form
        assert 'name="consent" value="1" checked' in form and 'value="secourisme"' in form
        changed = {**PROFILE_FORM, "full_name": "Awa Traoré Diarra", "training_cohort": ""}
        edited = client.post_form(f"/officer/trainees/{stored.id}/edit", changed, follow_redirects=False)
        assert edited.status_code == 303 and edited.headers["location"] == f"/officer/trainees/{stored.id}?done=profile_saved"
        session.refresh(stored)
        assert (stored.full_name, stored.cohort, stored.certifications, stored.consent_to_share) == (
            "Awa Traoré Diarra",
            None,
            [],
            False,
        )
        assert count(session, TraineeProfile) == 1

    def test_a_code_already_used_is_an_error_next_to_the_code(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        taken = profile(session, id="T-2026-001")
        other = profile(session, id="T-2026-002")
        page = client.post_form("/officer/trainees/new", PROFILE_FORM)
        assert page.status_code == 422 and notes(page.text, "error") == {"id": "Un autre agent a déjà ce code."}
        edit = client.post_form(f"/officer/trainees/{other.id}/edit", PROFILE_FORM)
        assert edit.status_code == 422 and notes(edit.text, "error") == {"id": "Un autre agent a déjà ce code."}
        kept = client.post_form(f"/officer/trainees/{taken.id}/edit", PROFILE_FORM, follow_redirects=False)
        assert kept.status_code == 303
        session.refresh(other)
        assert other.code == "T-2026-002" and count(session, TraineeProfile) == 2

    def test_an_unknown_trainee_is_not_found(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        assert client.get("/officer/trainees/999").status_code == 404
        assert client.get("/officer/trainees/999/edit").status_code == 404
        assert client.post_form("/officer/trainees/999/edit", PROFILE_FORM).status_code == 404
        assert client.post_form("/officer/trainees/999/pin", {}).status_code == 404


class TestList:
    def test_filters_by_cohort_and_search_and_pages_through(
        self, client: Client, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        signed_in_officer(client, session)
        for n in range(3):
            profile(session, id=f"T-A-{n}", full_name=f"Agent {n}")
        profile(session, id="T-B-0", full_name="Awa Traoré", training={"cohort": "2026-B"})
        profile(session, id="T-X-0", full_name="Sans Promo", training=None)
        page = client.get("/officer/trainees").text
        assert ">2026-A (3)</option>" in page and ">2026-B (1)</option>" in page and ">Sans promotion (1)</option>" in page
        assert "Toutes les promotions (5)" in page
        by_cohort = client.get("/officer/trainees", params={"cohort": "2026-B"}).text
        assert "T-B-0" in by_cohort and "T-A-0" not in by_cohort and '<option value="2026-B" selected>' in by_cohort
        without = client.get("/officer/trainees", params={"cohort": "-"}).text
        assert "T-X-0" in without and "T-A-0" not in without
        found = client.get("/officer/trainees", params={"q": "traore"}).text
        assert "Awa Traoré" in found and "T-A-0" not in found and "1 agent(s) trouvé(s)." in found
        monkeypatch.setattr(officer_trainees, "PER_PAGE", 2)
        first = client.get("/officer/trainees", params={"cohort": "2026-A"}).text
        assert "T-A-0" in first and "T-A-2" not in first and "Page 1 sur 2" in first
        assert 'href="/officer/trainees?cohort=2026-A&amp;page=2"' in first
        second = client.get("/officer/trainees", params={"cohort": "2026-A", "page": 2}).text
        assert "T-A-2" in second and "T-A-0" not in second

    def test_the_search_finds_a_profile_by_the_name_the_form_just_saved(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        assert client.post_form("/officer/trainees/new", PROFILE_FORM, follow_redirects=False).status_code == 303
        stored = session.exec(select(TraineeProfile)).one()
        assert "T-2026-001" in client.get("/officer/trainees", params={"q": "AWA TRAORE"}).text
        changed = {**PROFILE_FORM, "full_name": "Kadiatou Sangaré"}
        assert client.post_form(f"/officer/trainees/{stored.id}/edit", changed, follow_redirects=False).status_code == 303
        assert "0 agent(s) trouvé(s)." in client.get("/officer/trainees", params={"q": "awa traoré"}).text
        found = client.get("/officer/trainees", params={"q": "sangare"}).text
        assert "Kadiatou Sangaré" in found and "1 agent(s) trouvé(s)." in found

    def test_shows_who_is_placed_consents_and_has_an_account(self, client: Client, session: Session) -> None:
        officer = signed_in_officer(client, session)
        placed = profile(session, id="T-P", consent=True)
        profile(session, id="T-Q", consent=False)
        user(session, Role.trainee, secret=PIN, trainee_id=placed.id)
        confirmed_placement(session, placed, officer)
        listed = client.get("/officer/trainees").text
        cells = dict(re.findall(r">(T-[PQ])</a></td>(.*?)</tr>", listed, re.S))
        assert re.findall(r"En poste|Oui|Non", cells["T-P"]) == ["En poste", "Oui", "Oui"]
        assert re.findall(r"En poste|Oui|Non", cells["T-Q"]) == ["Non", "Non", "Non"]


def confirmed_placement(session: Session, trainee: TraineeProfile, officer: User) -> Placement:
    """Store a confirmed offer of a company's vacancy to the trainee, and its running placement."""
    company = employer(session, name="Sahel Garde")
    vacancy = stored_vacancy(session, company, title="Agent de nuit")
    offer = offer_in(session, vacancy, trainee, OfferState.confirmed, by=officer)
    placement = placement_row(session, offer, start_date=date(2026, 12, 1), salary_fcfa_month=60000, confirmed_by=officer.id or 0)
    session.add(placement)
    session.commit()
    return placement


class TestProfilePage:
    def test_shows_the_profile_and_its_offers_and_placement(self, client: Client, session: Session) -> None:
        officer = signed_in_officer(client, session)
        trainee = profile(session, full_name="Awa Traoré", phone="+22376123456")
        confirmed_placement(session, trainee, officer)
        page = client.get(f"/officer/trainees/{trainee.id}").text
        assert "Awa Traoré" in page and "+22376123456" in page and "bambara (langue maternelle)" in page
        offers = page[page.index('id="offers"') :]
        assert "Agent de nuit" in offers and "Sahel Garde" in offers and "Embauche confirmée" in offers
        assert "début le 01/12/2026, 60\u202f000 FCFA par mois" in offers


class TestPin:
    def test_a_pin_is_shown_once_and_the_trainee_signs_in_with_phone_and_pin(
        self, client: Client, session: Session, new_client: Callable[[], Client]
    ) -> None:
        signed_in_officer(client, session)
        trainee = profile(session, phone="76 12 34 56")
        page = client.get(f"/officer/trainees/{trainee.id}").text
        assert "Créer l&#39;accès" in page and "pin-code" not in page
        issued = client.post_form(f"/officer/trainees/{trainee.id}/pin", {}, follow_redirects=False)
        assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
        pin = shown_pin(issued.text)
        assert "Le nouveau code est créé." in issued.text and pin not in str(issued.url)
        again = client.get(f"/officer/trainees/{trainee.id}").text
        assert pin not in again and "pin-code" not in again and "Nouveau code" in again
        account = session.exec(select(User).where(User.trainee_id == trainee.id)).one()
        assert (account.login, account.role, account.full_name) == ("+22376123456", Role.trainee, trainee.full_name)
        phone = new_client()
        phone.sign_in("76 12 34 56", pin)
        assert phone.get("/trainee").status_code == 200

    def test_a_new_pin_replaces_the_old_one_and_signs_the_trainee_out(
        self, client: Client, session: Session, new_client: Callable[[], Client]
    ) -> None:
        signed_in_officer(client, session)
        trainee = profile(session, phone="+22376123456")
        old_pin = shown_pin(client.post_form(f"/officer/trainees/{trainee.id}/pin", {}).text)
        phone = new_client()
        phone.sign_in("+22376123456", old_pin)
        new_pin = shown_pin(client.post_form(f"/officer/trainees/{trainee.id}/pin", {}).text)
        assert phone.get("/trainee", follow_redirects=False).status_code == 303  # signed out
        assert count(session, User) == 2 and count(session, AuthSession) == 1  # the officer's own session only
        wrong = phone.post("/signin", data={"login": "+22376123456", "secret": old_pin, "csrf_token": phone.csrf()},
                           follow_redirects=False)  # fmt: skip
        assert wrong.status_code != 303 or old_pin == new_pin
        phone.sign_in("+22376123456", new_pin)

    def test_a_trainee_without_a_phone_gets_a_clear_message(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        trainee = profile(session)
        page = client.get(f"/officer/trainees/{trainee.id}").text
        assert "Ajoutez d&#39;abord un numéro de téléphone" in page and "Créer l&#39;accès" not in page
        refused = client.post_form(f"/officer/trainees/{trainee.id}/pin", {})
        assert refused.status_code == 409 and "Ajoutez d&#39;abord un numéro de téléphone" in refused.text
        assert "pin-code" not in refused.text and count(session, User) == 1

    def test_a_phone_used_by_another_account_is_refused(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        user(session, Role.trainee, secret=PIN, login="+22376123456")
        trainee = profile(session, phone="+22376123456")
        refused = client.post_form(f"/officer/trainees/{trainee.id}/pin", {})
        assert refused.status_code == 409 and "Cet identifiant est déjà utilisé." in refused.text
        assert session.exec(select(User).where(User.trainee_id == trainee.id)).first() is None


class TestIssueTraineePin:
    def test_the_login_follows_a_changed_phone(self, session: Session) -> None:
        trainee = profile(session, phone="+22376123456")
        account, first = auth_service.issue_trainee_pin(session=session, trainee_id=trainee.id or 0, full_name="Awa",
                                                        phone="76 12 34 56")  # fmt: skip
        again, second = auth_service.issue_trainee_pin(session=session, trainee_id=trainee.id or 0, full_name="Awa",
                                                       phone="+223 66 00 00 00")  # fmt: skip
        assert again.id == account.id and again.login == "+22366000000"
        assert re.fullmatch(r"\d{6}", first) and re.fullmatch(r"\d{6}", second)
        assert auth_service.trainee_account(session=session, trainee_id=trainee.id or 0) == again

    def test_another_accounts_phone_is_refused(self, session: Session) -> None:
        user(session, Role.trainee, secret=PIN, login="+22366000000")
        trainee = profile(session)
        auth_service.issue_trainee_pin(session=session, trainee_id=trainee.id or 0, full_name="Awa", phone="+22376123456")
        with pytest.raises(LoginTaken):
            auth_service.issue_trainee_pin(session=session, trainee_id=trainee.id or 0, full_name="Awa", phone="66 00 00 00")


BAD_CSV = (
    "id,full_name,home_town,phone,literacy\n"
    "T-1,Awa Traoré,Bamako,12,basic\n"
    "T-2,Moussa Keita,,76123456,expert\n"
    "T-3,Fatoumata Diallo,Tokyo,,basic\n"
    "T-1,Awa Traoré,Bamako,,basic\n"
)


class TestImport:
    def test_the_preview_lists_every_error_and_warning_of_the_file_and_writes_nothing(
        self, client: Client, session: Session
    ) -> None:
        signed_in_officer(client, session)
        page = upload(client, "stagiaires.csv", BAD_CSV)
        assert page.status_code == 422
        expected = imported_issues(BAD_CSV, source="stagiaires.csv")
        assert len(expected.errors) == 4 and len(expected.warnings) == 1
        rows = [
            [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r'<tr class="issue-\w+">(.*?)</tr>', page.text, re.S)
        ]
        assert [r[1:] for r in rows] == [[i.source, i.where, i.record_id or "—", i.field or "—", i.message]
                                          for i in [*expected.errors, *expected.warnings]]  # fmt: skip
        assert "4 erreur(s) : rien ne sera importé." in page.text and 'name="payload"' not in page.text
        assert count(session, TraineeProfile) == 0

    def test_a_clean_file_is_previewed_then_imported_on_confirmation(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        profile(session, id="T-1", full_name="Awa", consent=False)
        text = "id;full_name;home_town;training_cohort\nT-1;Awa Traoré;Bamako;2026-A\nT-2;Moussa Keita;Kati;2026-A\n"
        page = upload(client, "ecole.csv", text, consent="1")
        assert page.status_code == 200
        assert "L&#39;import créera 1 fiche(s) et en mettra 1 à jour." in page.text and "Des agents formés" in page.text
        assert count(session, TraineeProfile) == 1 and session.exec(select(TraineeProfile)).one().full_name == "Awa"
        done = confirm(client, payload_of(page.text))
        assert done.status_code == 303 and done.headers["location"].startswith("/officer/import?done=imported")
        stored = {p.code: p for p in session.exec(select(TraineeProfile))}
        assert set(stored) == {"T-1", "T-2"} and stored["T-1"].full_name == "Awa Traoré"
        assert all(p.consent_to_share and p.cohort == "2026-A" for p in stored.values())
        assert "Le fichier est importé. 1 créé(s), 1 mis à jour." in " ".join(client.get(done.headers["location"]).text.split())

    def test_a_changed_or_foreign_payload_is_refused(
        self, client: Client, session: Session, new_client: Callable[[], Client]
    ) -> None:
        signed_in_officer(client, session)
        payload = payload_of(
            upload(client, "ecole.json", json.dumps([{"id": "T-1", "full_name": "Awa", "home_town": "Bamako"}])).text
        )
        assert payload
        token = payload[0]
        tampered = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
        refused = confirm(client, [tampered, *payload[1:]])
        assert refused.status_code == 400 and "n&#39;a pas pu être vérifié" in refused.text
        other = new_client()
        signed_in_officer(other, session)
        assert confirm(other, payload).status_code == 400
        assert confirm(client, []).status_code == 400
        assert count(session, TraineeProfile) == 0
        assert confirm(client, payload).status_code == 303 and count(session, TraineeProfile) == 1

    def test_the_file_is_checked_again_at_confirmation(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        company = employer(session, name="Sahel Garde")
        text = "id,employer,title,level,town\nV-1,Sahel Garde,Agent,guard,Bamako\n"
        payload = payload_of(upload(client, "offres.csv", text).text)
        company.name = "Sahel Garde SARL"  # renamed between the preview and the confirmation
        session.add(company)
        session.commit()
        again = confirm(client, payload)
        assert again.status_code == 422 and "no company has the name &#39;Sahel Garde&#39;" in again.text
        assert count(session, Vacancy) == 0

    def test_vacancies_naming_unknown_companies_are_errors_of_the_preview(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        employer(session, name="Sahel Garde")
        text = "id,employer,title,level,town\nV-1,Sahel Garde,Agent,guard,Bamako\nV-2,Inconnue SA,Agent,guard,Kati\n"
        page = upload(client, "offres.csv", text)
        assert page.status_code == 422 and "Des offres" in page.text
        cells = r"<td>row 3</td>\s*<td>V-2</td>\s*<td>employer</td>\s*<td>no company has the name &#39;Inconnue SA&#39;</td>"
        assert re.search(cells, page.text)
        assert 'name="payload"' not in page.text and count(session, Vacancy) == 0
        good = upload(client, "offres.json", json.dumps({"vacancies": [{"id": "V-1", "employer": "sahel garde", "title": "Agent",
                                                                         "level": "guard", "town": "Bamako"}]}))  # fmt: skip
        assert good.status_code == 200 and "créera 1 fiche(s)" in good.text
        assert confirm(client, payload_of(good.text)).status_code == 303 and count(session, Vacancy) == 1

    def test_files_that_cannot_be_read_are_refused_with_a_message(
        self, client: Client, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        signed_in_officer(client, session)
        empty = client.post("/officer/import/preview", data={"csrf_token": client.csrf()}, files={"file": ("", b"", "text/csv")})
        assert empty.status_code == 422 and "Choisissez un fichier .csv ou .json." in empty.text
        wrong_type = upload(client, "stagiaires.xlsx", "id\n")
        assert wrong_type.status_code == 422 and "must end in .json or .csv" in wrong_type.text
        latin = client.post("/officer/import/preview", data={"csrf_token": client.csrf()},
                            files={"file": ("s.csv", "id,full_name\nT-1,Traoré\n".encode("latin-1"), "text/csv")})  # fmt: skip
        assert latin.status_code == 422 and "is not UTF-8 text" in latin.text
        monkeypatch.setattr(officer_trainees, "MAX_UPLOAD_BYTES", 100)
        large = upload(client, "s.csv", "id,full_name,home_town\n" + "T-1,Awa,Bamako\n" * 10)
        assert large.status_code == 413 and "Ce fichier dépasse 5 Mo." in large.text
        assert count(session, TraineeProfile) == 0


class TestAccess:
    @pytest.mark.parametrize("role", [Role.employer, Role.trainee])
    def test_employers_and_trainees_are_refused(self, client: Client, session: Session, role: Role) -> None:
        trainee = profile(session)
        links = {"employer_id": employer(session).id} if role == Role.employer else {"trainee_id": trainee.id}
        secret = PIN if role == Role.trainee else PASSWORD
        account = user(session, role, secret=secret, **links)
        client.sign_in(account.login, secret)
        for url in ("/officer/trainees", "/officer/trainees/new", f"/officer/trainees/{trainee.id}",
                    f"/officer/trainees/{trainee.id}/edit", "/officer/import"):  # fmt: skip
            assert client.get(url).status_code == 403, url
        for url in ("/officer/trainees/new", f"/officer/trainees/{trainee.id}/edit", f"/officer/trainees/{trainee.id}/pin",
                    "/officer/import/preview", "/officer/import/confirm"):  # fmt: skip
            assert client.post_form(url, PROFILE_FORM).status_code == 403, url
        assert count(session, User) == 1

    def test_visitors_are_sent_to_sign_in(self, client: Client) -> None:
        answer = client.get("/officer/trainees", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


class TestTranslations:
    def test_the_pages_read_in_english(self, client: Client, session: Session) -> None:
        signed_in_officer(client, session)
        trainee = profile(session, home_town="Tokyo")
        pages = {"/officer/trainees": "Trained guards", "/officer/trainees/new": "Identity", "/officer/import": "Check the file",
                 f"/officer/trainees/{trainee.id}": "First add a phone number to the profile"}  # fmt: skip
        for url, english in pages.items():
            page = client.get(url, params={"lang": "en"}).text
            assert english in page, url
        form = client.get(f"/officer/trainees/{trainee.id}/edit").text
        assert '"Tokyo" is not in our list of towns' in html.unescape(form)
