"""The employer portal, the officers' application pages and the employers' API, used as a browser and a client would."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from employers.models import CandidateRequest, Employer, EmployerStatus, Vacancy, VacancyStatus
from tests.employers.factories import profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role
from web.i18n import translator

WEB = Path(__file__).resolve().parents[2] / "web"
APPLICATION = {"name": "Sahel Garde", "licence_number": "MSPC-2024-017", "town": "Bamako", "contact_name": "Awa Diarra",
               "phone": "+223 76 12 34 56", "email": "rh@sahelgarde.ml", "password": "un mot de passe solide"}  # fmt: skip
VACANCY_FORM = {"title": "Agent de nuit", "level": "guard", "town": "Bamako", "seats": "1", "min_experience_years": "0"}


def signed_in_employer(client: Client, session: Session, **company: Any) -> Employer:
    """Create an approved company with an account, sign the client in as it, and return the company."""
    firm = employer(session, **company)
    account = user(session, Role.employer, employer_id=firm.id)
    client.sign_in(account.login, PASSWORD)
    return firm


def api(client: Client, method: str, url: str, **kwargs: Any) -> Any:
    """Call the API as a script would: JSON, with the CSRF header."""
    return client.request(method, url, headers={"X-CSRF-Token": client.csrf()}, **kwargs)


def count(session: Session, model: type[Any]) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())


def error_next_to(html: str, name: str) -> str:
    """Return the error shown with the field `name`: in the same label, the field marked invalid and pointing to it."""
    found = re.search(
        rf'<label>(?:(?!</label>).)*name="{name}"[^>]*aria-invalid="true" aria-describedby="{name}-error"'
        rf'(?:(?!</label>).)*<span class="field-error" id="{name}-error">([^<]+)</span>',
        html,
        re.S,
    )
    assert found, f"no error next to {name}"
    return found.group(1)


class TestOnboarding:
    def test_apply_pending_cannot_sign_in_officer_approves_then_signs_in(
        self, client: Client, new_client: Callable[[], Client], session: Session
    ) -> None:
        sent = client.post_form("/employer/apply", APPLICATION, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == "/employer/apply/sent"
        assert "Un agent de placement du programme va l&#39;examiner" in client.get("/employer/apply/sent").text
        company = session.exec(select(Employer).where(Employer.licence_number == "MSPC-2024-017")).one()
        assert (company.status, company.phone) == (EmployerStatus.pending, "+22376123456")

        applicant = new_client()
        refused = applicant.post(
            "/signin", data={"login": "rh@sahelgarde.ml", "secret": APPLICATION["password"], "csrf_token": applicant.csrf()}
        )
        assert refused.status_code == 401  # as a wrong password: nothing tells the password was right

        officer = new_client()
        officer.sign_in(user(session, Role.officer).login, PASSWORD)
        assert "Sahel Garde" in officer.get("/officer/applications").text
        approved = officer.post_form(f"/officer/applications/{company.id}/approve", {}, follow_redirects=False)
        assert approved.status_code == 303 and "Sahel Garde" not in officer.get("/officer/applications").text

        applicant.sign_in("rh@sahelgarde.ml", APPLICATION["password"])
        assert "Mes offres" in applicant.get("/employer").text

    def test_wrong_fields_are_shown_in_french_next_to_each_field_and_values_kept(self, client: Client) -> None:
        page = client.post_form("/employer/apply", {**APPLICATION, "name": "", "email": "rh-at-sahel", "password": "court"})
        assert page.status_code == 422
        assert error_next_to(page.text, "name") == "Ce champ est obligatoire."
        assert error_next_to(page.text, "email") == "Écrivez une adresse e-mail valable, par exemple nom@societe.ml."
        assert error_next_to(page.text, "password") == "Le mot de passe doit avoir au moins 10 caractères."
        assert 'value="MSPC-2024-017"' in page.text and 'value="rh-at-sahel"' in page.text and "court" not in page.text

    def test_a_licence_or_an_email_already_used_is_refused(self, client: Client, session: Session) -> None:
        employer(session, licence_number="MSPC-2024-017")
        user(session, Role.officer, login="rh@sahelgarde.ml")
        page = client.post_form("/employer/apply", APPLICATION)
        assert error_next_to(page.text, "licence_number") == "Une société a déjà demandé un accès avec ce numéro d&#39;agrément."
        assert error_next_to(page.text, "email") == "Un compte utilise déjà cette adresse e-mail."
        assert count(session, Employer) == 1

    def test_rejecting_needs_a_reason(self, client: Client, new_client: Callable[[], Client], session: Session) -> None:
        company = employer(session, status=EmployerStatus.pending)
        account = user(session, Role.employer, employer_id=company.id)
        client.sign_in(user(session, Role.officer).login, PASSWORD)
        page = client.post_form(f"/officer/applications/{company.id}/reject", {"reason": "  "})
        assert page.status_code == 422 and "Indiquez la raison du refus." in page.text
        session.refresh(company)
        assert company.status == EmployerStatus.pending
        done = client.post_form(
            f"/officer/applications/{company.id}/reject", {"reason": "Agrément introuvable"}, follow_redirects=False
        )
        assert done.status_code == 303
        session.refresh(company)
        assert (company.status, company.decision_reason) == (EmployerStatus.rejected, "Agrément introuvable")
        rejected = new_client()
        assert (
            rejected.post("/signin", data={"login": account.login, "secret": PASSWORD, "csrf_token": rejected.csrf()}).status_code
            == 401
        )

    def test_each_role_stays_in_its_space(self, client: Client, new_client: Callable[[], Client], session: Session) -> None:
        signed_in_employer(client, session)
        assert client.get("/officer/applications").status_code == 403
        assert api(client, "GET", "/api/v1/employer-applications").status_code == 403
        officer = new_client()
        officer.sign_in(user(session, Role.officer).login, PASSWORD)
        assert officer.get("/employer").status_code == 403
        assert api(officer, "GET", "/api/v1/vacancies").status_code == 403
        anonymous = new_client()
        assert anonymous.get("/employer", follow_redirects=False).headers["location"] == "/signin?next=/employer"
        assert api(anonymous, "GET", "/api/v1/vacancies").status_code == 401

    def test_api_application_approval_and_refusals(
        self, client: Client, new_client: Callable[[], Client], session: Session
    ) -> None:
        wrong = api(client, "POST", "/api/v1/employer-applications", json={**APPLICATION, "email": "rh-at-sahel"})
        assert wrong.status_code == 422
        assert wrong.json()["detail"] == {"email": "Écrivez une adresse e-mail valable, par exemple nom@societe.ml."}
        created = api(client, "POST", "/api/v1/employer-applications", json=APPLICATION)
        assert created.status_code == 201 and created.json()["status"] == "pending" and "password" not in created.json()
        officer = new_client()
        officer.sign_in(user(session, Role.officer).login, PASSWORD)
        company_id = created.json()["id"]
        assert [e["id"] for e in api(officer, "GET", "/api/v1/employer-applications").json()] == [company_id]
        no_reason = api(officer, "POST", f"/api/v1/employer-applications/{company_id}/reject", json={})
        assert no_reason.status_code == 422 and no_reason.json()["detail"] == {"reason": "Indiquez la raison du refus."}
        assert api(officer, "POST", f"/api/v1/employer-applications/{company_id}/approve").json()["status"] == "approved"
        again = api(officer, "POST", f"/api/v1/employer-applications/{company_id}/reject", json={"reason": "doublon"})
        assert again.status_code == 409 and again.json()["detail"] == "Cette demande a déjà été traitée."
        assert api(officer, "POST", "/api/v1/employer-applications/999999/approve").status_code == 404


class TestVacancyForm:
    def test_an_invalid_field_shows_its_french_error_next_to_it_and_keeps_every_value(
        self, client: Client, session: Session
    ) -> None:
        signed_in_employer(client, session)
        typed = {**VACANCY_FORM, "seats": "deux", "start_date": "2026-02-30", "description": "Site minier, rondes de nuit",
                 "required_skills": ["patrol", "access_control"], "required_skills_other": "jonglage",
                 "language_0": "bm", "language_level_0": ""}  # fmt: skip
        page = client.post_form("/employer/vacancies/new", typed)
        assert page.status_code == 422
        assert error_next_to(page.text, "seats") == "Écrivez un nombre entier, sans virgule."
        assert error_next_to(page.text, "start_date").startswith("Écrivez une vraie date sous la forme AAAA-MM-JJ")
        assert "Choisissez une des valeurs proposées." in page.text  # the language row without a level
        assert (
            'value="Agent de nuit"' in page.text
            and 'value="deux"' in page.text
            and ">Site minier, rondes de nuit</textarea>" in page.text
        )
        assert 'value="patrol" checked' in page.text and 'value="jonglage"' in page.text
        assert count(session, Vacancy) == 0

    def test_a_valid_form_saves_a_draft_normalised_and_fills_the_edit_form(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        typed = {**VACANCY_FORM, "town": "bamako", "seats": "2", "min_experience_years": "1,5", "salary_fcfa_month": "60 000",
                 "required_certifications": ["SST"], "required_certifications_other": "s.s.i.a.p. 1",
                 "language_0": "fr", "language_level_0": "fluent"}  # fmt: skip
        saved = client.post_form("/employer/vacancies/new", typed, follow_redirects=False)
        assert saved.status_code == 303
        vacancy = session.exec(select(Vacancy)).one()
        assert (vacancy.code, vacancy.status, vacancy.town, vacancy.seats) == (
            "V-00001",
            VacancyStatus.draft,
            "Bamako",
            2,
        )
        assert (vacancy.min_experience_years, vacancy.salary_fcfa_month) == (1.5, 60000)
        assert vacancy.required_certifications == ["SST", "SSIAP1"]
        assert vacancy.required_languages == [{"language": "fr", "level": "fluent"}]
        page = client.get(saved.headers["location"])
        assert "L&#39;offre est enregistrée." in page.text and "Brouillon" in page.text
        form = client.get(f"/employer/vacancies/{vacancy.id}/edit").text
        assert 'value="SSIAP1" checked' in form and '<option value="fr" selected>' in form and 'value="1.5"' in form

    def test_editing_changes_the_fields(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        vacancy = stored_vacancy(session, company, status=VacancyStatus.draft)
        done = client.post_form(
            f"/employer/vacancies/{vacancy.id}/edit", {**VACANCY_FORM, "shift": "night"}, follow_redirects=False
        )
        assert done.status_code == 303
        session.refresh(vacancy)
        assert (vacancy.title, vacancy.shift) == ("Agent de nuit", "night")

    def test_a_salary_below_the_smig_is_saved_with_a_warning(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        saved = client.post_form(
            "/employer/vacancies/new", {**VACANCY_FORM, "salary_fcfa_month": "30000"}, follow_redirects=False
        )
        assert saved.status_code == 303
        warning = "Ce salaire est inférieur au SMIG (40\u202f000 FCFA par mois)."
        assert warning in client.get(saved.headers["location"]).text
        vacancy = session.exec(select(Vacancy)).one()
        form = client.get(f"/employer/vacancies/{vacancy.id}/edit").text
        assert re.search(
            r'name="salary_fcfa_month"[^>]*>\s*<span class="field-warning" id="salary_fcfa_month-warning">' + re.escape(warning),
            form,
        )

    def test_publish_then_close(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        vacancy = stored_vacancy(session, company, status=VacancyStatus.draft)
        published = client.post_form(f"/employer/vacancies/{vacancy.id}/publish", {})
        assert "L&#39;offre est publiée" in published.text and "Publiée" in published.text
        again = client.post_form(f"/employer/vacancies/{vacancy.id}/publish", {})
        assert again.status_code == 409 and "Cette action n&#39;est pas possible pour une offre dans cet état." in again.text
        closed = client.post_form(f"/employer/vacancies/{vacancy.id}/close", {})
        assert "L&#39;offre est fermée." in closed.text and "elle ne reçoit plus de candidats" in closed.text
        session.refresh(vacancy)
        assert vacancy.status == VacancyStatus.closed

    def test_the_home_page_lists_the_companys_vacancies_with_counts(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        profile(session)
        stored_vacancy(session, company, title="Chef de poste — banque")
        stored_vacancy(session, employer(session), title="Vigile ailleurs")
        page = client.get("/employer").text
        assert "Chef de poste — banque" in page and "Candidats possibles : 1" in page and "Vigile ailleurs" not in page


class TestCandidates:
    def test_the_list_is_pseudonymised_on_the_page_and_in_the_api(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        awa = profile(session, full_name="Awa Diarra", phone="+22376123456", birth_date="1990-04-12")
        vacancy = stored_vacancy(session, company, required_skills=["patrol"])
        page = client.get(f"/employer/vacancies/{vacancy.id}").text
        card = client.get(f"/employer/vacancies/{vacancy.id}/candidates/{awa.code}").text
        listed = api(client, "GET", f"/api/v1/vacancies/{vacancy.id}/candidates")
        assert listed.status_code == 200
        [row] = listed.json()["candidates"]
        assert (row["trainee_code"], row["initials"], row["requested"]) == (awa.code, "A. D.", False)
        assert 0 < row["score"] <= 1 and row["reasons"] and set(row["components"]) >= {"skills", "proximity"}
        assert awa.code in page and "A. D." in page and '<meter min="0" max="100" value="' in card
        for secret in ("Awa", "Diarra", "76123456", "1990"):
            assert secret not in page and secret not in card and secret not in listed.text

    def test_the_vacancy_page_details_its_requirements_and_terms(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        vacancy = stored_vacancy(session, company, required_skills=["patrol"], salary_fcfa_month=85_000, shift="night")
        page = client.get(f"/employer/vacancies/{vacancy.id}").text
        facts = page.split("<summary>Détail de l&#39;offre</summary>", 1)[1].split("</details>", 1)[0]
        assert "Compétences demandées" in facts and "Salaire mensuel (FCFA)" in facts and "85\u202f000" in facts
        assert "Horaires" in facts

    def test_ineligible_trainees_are_counted_with_the_commonest_reasons(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        profile(session)
        profile(session, home_town="Gao")
        profile(session, consent=False)
        page = client.get(f"/employer/vacancies/{stored_vacancy(session, company).id}").text
        assert "1 agent remplit toutes les exigences ;\n  1 ne les remplit pas." in page  # issue 13: "1 agents"
        assert "1 agent : Bamako est hors de leur zone de mobilité" in page

    def test_asking_for_a_candidate_twice_records_one_request(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        trainee = profile(session)
        vacancy = stored_vacancy(session, company)
        url = f"/employer/vacancies/{vacancy.id}/candidates/{trainee.code}/request"
        assert client.post_form(url, {}, follow_redirects=False).status_code == 303
        page = client.post_form(url, {})
        assert "Votre demande est transmise" in page.text and "Demandé : l&#39;agent de placement vous recontacte." in page.text
        by_api = api(client, "POST", f"/api/v1/vacancies/{vacancy.id}/candidates/{trainee.code}/request")
        assert by_api.status_code == 200 and by_api.json()["trainee_code"] == trainee.code
        assert count(session, CandidateRequest) == 1
        assert api(client, "GET", f"/api/v1/vacancies/{vacancy.id}/candidates").json()["candidates"][0]["requested"]

    def test_a_trainee_who_is_not_a_candidate_cannot_be_asked_for(self, client: Client, session: Session) -> None:
        company = signed_in_employer(client, session)
        hidden = profile(session, consent=False)
        vacancy = stored_vacancy(session, company)
        page = client.post_form(f"/employer/vacancies/{vacancy.id}/candidates/{hidden.code}/request", {})
        assert page.status_code == 409 and "ne figure pas parmi les candidats" in page.text
        assert count(session, CandidateRequest) == 0


class TestIsolation:
    PAGES = [
        ("GET", "/employer/vacancies/{id}"),
        ("GET", "/employer/vacancies/{id}/edit"),
        ("POST", "/employer/vacancies/{id}/edit"),
        ("POST", "/employer/vacancies/{id}/publish"),
        ("POST", "/employer/vacancies/{id}/close"),
        ("POST", "/employer/vacancies/{id}/candidates/{code}/request"),
    ]
    API = [
        ("GET", "/api/v1/vacancies/{id}"),
        ("PATCH", "/api/v1/vacancies/{id}"),
        ("POST", "/api/v1/vacancies/{id}/publish"),
        ("POST", "/api/v1/vacancies/{id}/close"),
        ("GET", "/api/v1/vacancies/{id}/candidates"),
        ("POST", "/api/v1/vacancies/{id}/candidates/{code}/request"),
    ]

    def test_another_companys_vacancy_is_not_found_on_pages_and_api(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        theirs = stored_vacancy(session, employer(session), status=VacancyStatus.draft)
        code = profile(session).code
        for method, url in self.PAGES:
            answer = client.request(
                method, url.format(id=theirs.id, code=code), data={**VACANCY_FORM, "csrf_token": client.csrf()}
            )
            assert answer.status_code == 404 and "Page introuvable." in answer.text, (method, url)
        for method, url in self.API:
            answer = api(client, method, url.format(id=theirs.id, code=code), json={"seats": 3} if method == "PATCH" else None)
            assert answer.status_code == 404 and answer.json()["code"] == "not_found", (method, url)
        assert theirs.title not in client.get("/employer").text and api(client, "GET", "/api/v1/vacancies").json() == []
        session.refresh(theirs)
        assert (theirs.status, theirs.seats) == (VacancyStatus.draft, 1)


class TestApiVacancies:
    def test_the_api_gives_the_forms_messages(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        wrong = api(
            client, "POST", "/api/v1/vacancies", json={"title": "Vigile", "level": "chief", "town": "Bamako", "seats": "deux"}
        )
        assert wrong.status_code == 422
        assert wrong.json()["detail"] == {
            "level": "Choisissez une des valeurs proposées.",
            "seats": "Écrivez un nombre entier, sans virgule.",
        }
        page = client.post_form("/employer/vacancies/new", {**VACANCY_FORM, "level": "chief", "seats": "deux"})
        assert error_next_to(page.text, "level") == wrong.json()["detail"]["level"]
        assert error_next_to(page.text, "seats") == wrong.json()["detail"]["seats"]
        missing = api(client, "POST", "/api/v1/vacancies", json={"level": "guard"})
        assert missing.json()["detail"] == {"title": "Ce champ est obligatoire.", "town": "Ce champ est obligatoire."}
        english = api(client, "POST", "/api/v1/vacancies?lang=en", json={"title": "Vigile", "level": "chief", "town": "Bamako"})
        assert english.json()["detail"] == {"level": "Choose one of the values offered."}

    def test_create_update_publish_list_and_close(self, client: Client, session: Session) -> None:
        signed_in_employer(client, session)
        profile(session)
        created = api(
            client,
            "POST",
            "/api/v1/vacancies",
            json={"title": "Vigile", "level": "guard", "town": "kati", "salary_fcfa_month": 35000},
        )
        assert created.status_code == 201
        body = created.json()
        assert (body["code"], body["status"], body["town"]) == ("V-00001", "draft", "Kati")
        assert body["warnings"]["salary_fcfa_month"].startswith("Ce salaire est inférieur au SMIG")
        url = f"/api/v1/vacancies/{body['id']}"
        patched = api(client, "PATCH", url, json={"seats": 3, "required_skills": ["rondes"]})
        assert (patched.json()["seats"], patched.json()["title"], patched.json()["required_skills"]) == (3, "Vigile", ["patrol"])
        assert api(client, "PATCH", url, json={"title": None}).json()["detail"] == {"title": "Ce champ est obligatoire."}
        assert api(client, "POST", f"{url}/publish").json()["status"] == "open"
        [listed] = api(client, "GET", "/api/v1/vacancies").json()
        assert (listed["eligible_count"], listed["requested_count"]) == (1, 0)
        assert api(client, "POST", f"{url}/close").json()["status"] == "closed"
        assert api(client, "PATCH", url, json={"seats": 1}).status_code == 409

    def test_the_openapi_schema_documents_the_api(self, client: Client) -> None:
        schema = client.get("/openapi.json").json()
        operation = schema["paths"]["/api/v1/vacancies/{vacancy_id}/candidates"]["get"]
        assert operation["summary"] and operation["description"]
        assert {"VacancyCreate", "VacancyUpdate", "VacancyPublic", "EmployerApplicationCreate", "CandidatesPublic"} <= set(
            schema["components"]["schemas"]
        )
        assert schema["components"]["schemas"]["VacancyCreate"]["properties"]["level"]["enum"] == [
            "guard",
            "supervisor",
            "manager",
        ]


class TestTranslations:
    #: Words written the same in both languages.
    SAME_IN_ENGLISH = frozenset(
        {
            "Score",
            "Contact",
            "E-mail",
            "Certification",
            "Messages",
            "Pages",
            "Code",
            "Module",
            "Budget",
            "Placements",
            "Action",
            "Message",
            "Optimal",
            "Page",
            "Plan",
            "Stable",
        }
    )

    def test_every_string_of_these_pages_and_messages_has_an_english_translation(self) -> None:
        english = translator("en")
        templates = [*WEB.glob("templates/employers/*.html"), *WEB.glob("templates/officer/*.html")]
        texts = {m.group(2) for path in templates for m in re.finditer(r"""_\((["'])(.*?)\1\)""", path.read_text("utf-8"))}
        block = (WEB / "messages.py").read_text("utf-8").split("    # employers\n", 1)[1].split("\n}", 1)[0]
        texts |= set(re.findall(r'N_\("(.*?)"\)', block))
        assert len(texts) > 100
        assert [text for text in sorted(texts) if english(text) == text and text not in self.SAME_IN_ENGLISH] == []
