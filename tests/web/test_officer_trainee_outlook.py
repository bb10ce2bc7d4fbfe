"""One trainee on the officer's page (issues 11 and 13): the open vacancies that fit them now, with their score, and the
single step that would open the most seats; the officers' notes and call log, audited, exported and erased with the rest."""

from __future__ import annotations

from sqlmodel import Session, col, select

from core.audit import AuditEvent
from employers import gaps as gaps_service
from employers import weights
from employers.models import Employer, Vacancy, VacancyStatus
from employers.service import update_vacancy
from employers.vacancy_status import VacancyAction, move, take_seat
from profiles.models import TraineeNote
from tests.employers.factories import profile, stored_vacancy
from tests.employers.test_weights import ADOPTABLE
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer
from tests.web.test_officer_workspace import named, part, text_of
from web import privacy
from web.auth.models import Role


def scene(session: Session) -> tuple[int, dict[str, int]]:
    """A trainee with SST only, in Bamako: two posts fit (one with 2 seats), an SSIAP1 post (3 seats) and a Ségou post
    (1 seat) are one step away each, a closed SSIAP1 post counts for nothing."""
    firm = employer(session, name="Sahel Garde")
    made = {
        "plain": stored_vacancy(session, firm, title="Agent de jour", seats=2),
        "other": stored_vacancy(session, firm, title="Agent de nuit"),
        "ssiap": stored_vacancy(session, firm, title="Agent SSIAP", required_certifications=["SSIAP1"], seats=3),
        "far": stored_vacancy(session, firm, title="Agent à Ségou", town="Ségou"),
        "closed": stored_vacancy(
            session, firm, title="Fermée", required_certifications=["SSIAP1"], seats=9, status=VacancyStatus.closed
        ),  # fmt: skip
    }
    person = profile(session, full_name="Bakary Keita", certifications=["SST"], mobility="town")
    return person.id or 0, {k: v.id or 0 for k, v in made.items()}


def test_the_outlook_lists_what_fits_now_and_the_step_that_opens_most_seats(session: Session) -> None:
    trainee_id, ids = scene(session)
    person = session.get(privacy.TraineeProfile, trainee_id)
    assert person is not None
    found = gaps_service.trainee_outlook(session=session, profile=person, lang="fr")
    assert sorted(f.vacancy.id for f in found.fits) == sorted([ids["plain"], ids["other"]])
    assert all(0 < f.score <= 1 for f in found.fits)
    assert [f.score for f in found.fits] == sorted((f.score for f in found.fits), reverse=True)
    assert {f.vacancy.id: f.free_seats for f in found.fits}[ids["plain"]] == 2
    assert found.best_step is not None
    assert (found.best_step.kind, found.best_step.code, found.best_step.seats) == ("certification", "SSIAP1", 3)
    assert ("town", "Ségou", 1) in [(s.kind, s.code, s.seats) for s in found.steps]


def shown(found: gaps_service.Outlook) -> tuple[object, ...]:
    """Return what the page shows of an outlook: each fit (vacancy, company, score, free seats) and each step."""
    fits = [
        (f.vacancy.id, f.vacancy.code, f.vacancy.title, f.vacancy.town, f.employer_name, f.score, f.free_seats)
        for f in found.fits
    ]
    return tuple(fits), found.steps


def test_the_kept_open_seats_never_hide_a_change(session: Session) -> None:
    """The outlook keeps the open vacancies and their encoding between pages: after each change it is the outlook
    computed from scratch, and it shows the change."""
    trainee_id, ids = scene(session)
    person = session.get(privacy.TraineeProfile, trainee_id)
    assert person is not None
    firm = session.get(Employer, session.get(Vacancy, ids["plain"]).employer_id)  # type: ignore[union-attr]
    assert firm is not None

    def outlook() -> tuple[object, ...]:
        assert person is not None
        session.refresh(person)  # committed: its fields are read again (as on a page)
        kept = shown(gaps_service.trainee_outlook(session=session, profile=person, lang="fr"))
        gaps_service.invalidate()
        assert kept == shown(gaps_service.trainee_outlook(session=session, profile=person, lang="fr"))  # from scratch
        return kept

    first = outlook()
    assert outlook() == first and {fit[0] for fit in first[0]} == {ids["plain"], ids["other"]}  # type: ignore[index]
    update_vacancy(session=session, vacancy_id=ids["other"], employer_id=firm.id or 0, changes={"level": "supervisor"})
    session.commit()
    assert outlook() != first  # a chef de poste's weights: another score
    update_vacancy(
        session=session, vacancy_id=ids["other"], employer_id=firm.id or 0, changes={"required_certifications": ["SSIAP1"]}
    )
    session.commit()
    assert ids["other"] not in {fit[0] for fit in outlook()[0]}  # type: ignore[index]
    take_seat(session=session, vacancy_id=ids["plain"])
    session.commit()
    assert [fit[-1] for fit in outlook()[0]] == [1]  # type: ignore[index]
    firm.name = "Sahel Garde Plus"
    session.add(firm)
    session.commit()
    assert [fit[4] for fit in outlook()[0]] == ["Sahel Garde Plus"]  # type: ignore[index]
    update_vacancy(
        session=session, vacancy_id=ids["plain"], employer_id=firm.id or 0, changes={"title": "Agent de jour (banque)"}
    )
    session.commit()
    assert [fit[2] for fit in outlook()[0]] == ["Agent de jour (banque)"]  # type: ignore[index]
    far = session.get(Vacancy, ids["far"])
    assert far is not None
    move(session=session, vacancy=far, action=VacancyAction.close)
    session.commit()
    assert ("town", "Ségou", 1) not in [(s.kind, s.code, s.seats) for s in outlook()[1]]  # type: ignore[union-attr]
    before_weights = outlook()
    weights.adopt(session=session, learned=ADOPTABLE, source="database", by=None)
    session.commit()
    assert outlook()[0] != before_weights[0]
    take_seat(session=session, vacancy_id=ids["plain"])  # its last seat
    session.commit()
    stored_vacancy(session, firm, title="Agent de quai", seats=4)
    assert [(fit[2], fit[-1]) for fit in outlook()[0]] == [("Agent de quai", 4)]  # type: ignore[index]


def test_trainees_with_a_certification_of_their_own_see_what_a_fresh_outlook_shows(session: Session) -> None:
    _, ids = scene(session)
    towns = ("Bamako", "Kati", "Bamako Commune IV")  # other distances: other scores
    people = [profile(session, full_name=f"Awa Diarra {k}", certifications=["SST", "BNSSA"], mobility="town", home_town=town)
              for k, town in enumerate(towns)]  # fmt: skip
    for person in people:
        session.refresh(person)  # committed since: its fields are read again (as on a page)
    first = [shown(gaps_service.trainee_outlook(session=session, profile=p, lang="fr")) for p in people]  # kept, then reused
    gaps_service.invalidate()
    for person, kept in zip(people, first, strict=True):
        gaps_service.invalidate()
        assert shown(gaps_service.trainee_outlook(session=session, profile=person, lang="fr")) == kept
    assert {fit[0] for fit in first[2][0]} == {ids["plain"], ids["other"]}  # type: ignore[index]
    assert len({fits[0][5] for fits, _ in first}) == 3  # type: ignore[index]


def officer_client(client: Client, session: Session) -> int:
    account = named(session, Role.officer, "Mariam Coulibaly")
    client.sign_in(account.login, PASSWORD)
    return account.id or 0


def test_the_trainee_page_shows_the_fits_and_the_step(client: Client, session: Session) -> None:
    trainee_id, ids = scene(session)
    officer_client(client, session)
    page = client.get(f"/officer/trainees/{trainee_id}").text
    fits = part(page, "fits")
    assert f'href="/officer/vacancies/{ids["plain"]}#t{trainee_id}"' in fits and "Agent de nuit" in fits
    assert "Agent SSIAP" not in fits and "Fermée" not in fits
    assert "Avec un SSIAP1 : 3 places ouvertes de plus (1 offre)." in text_of(fits)


def test_a_note_and_a_call_are_logged_audited_exported_and_erased(client: Client, session: Session) -> None:
    trainee_id, _ = scene(session)
    officer_id = officer_client(client, session)
    url = f"/officer/trainees/{trainee_id}/notes"
    saved = client.post_form(url, {"kind": "note", "text": "Cherche un poste de nuit près de Kalaban"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#notes")  # type: ignore[attr-defined]
    called = client.post_form(url, {"kind": "call", "outcome": "no_answer", "text": ""}, follow_redirects=False)
    assert called.status_code == 303  # type: ignore[attr-defined]
    log = text_of(part(client.get(f"/officer/trainees/{trainee_id}").text, "notes"))
    assert "Cherche un poste de nuit près de Kalaban" in log and "Appel (pas de réponse)" in log
    assert log.count("Mariam Coulibaly") == 2  # who wrote each
    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "trainee_note").order_by(col(AuditEvent.id))).all()
    assert [(e.action, e.actor_id, e.trainee_id, e.cause) for e in events] == [
        ("note", officer_id, trainee_id, None), ("call", officer_id, trainee_id, "no_answer")
    ]  # fmt: skip
    person = session.get(privacy.TraineeProfile, trainee_id)
    assert person is not None
    exported = privacy.personal_data(session=session, profile=person)["officer_notes"]
    assert [n["text"] for n in exported] == ["Cherche un poste de nuit près de Kalaban", ""]
    privacy.erase(session=session, code=person.code, reason="demande de l'agent", by=officer_id)
    session.commit()
    kept = session.exec(select(TraineeNote).where(TraineeNote.trainee_id == trainee_id)).all()
    assert len(kept) == 2 and all(n.text == privacy.ERASED_NAME for n in kept)  # the calls' count and dates stay


def test_a_call_without_its_outcome_comes_back_at_the_form(client: Client, session: Session) -> None:
    trainee_id, _ = scene(session)
    officer_client(client, session)
    refused = client.post_form(f"/officer/trainees/{trainee_id}/notes", {"kind": "call", "text": "rappeler lundi"})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    form = part(refused.text, "notes")  # type: ignore[attr-defined]
    assert "Dites comment l'appel s'est passé." in text_of(form) and "rappeler lundi" in form and "autofocus" in form
    assert session.exec(select(TraineeNote)).all() == []
