"""The placement officers' workspace, used as an officer does: dashboard, vacancy review and its actions, audit, outbox."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from core.audit import AuditEvent
from core.clock import utcnow
from employers import candidates
from employers import offers as workflow
from employers.models import (
    CandidateRequest,
    EmployerStatus,
    Offer,
    OfferOrigin,
    OfferState,
    OutboxMessage,
    Placement,
    Vacancy,
    VacancyStatus,
)
from profiles import service as profiles_service
from profiles.models import TraineeProfile
from tests.employers.factories import offer_in, placement_row, profile, stored_vacancy
from tests.web.conftest import Client
from tests.web.factories import PASSWORD, employer, user
from web.auth.models import Role, User

SECURITY = "security"


@pytest.fixture(autouse=True)
def fresh_candidates() -> Iterator[None]:
    """Start every test with an empty candidate cache."""
    candidates.invalidate()
    yield
    candidates.invalidate()


def years(n: float) -> list[dict[str, Any]]:
    """Return an experience list of n years in security."""
    return [{"title": "agent de sécurité", "years": n, "sector": SECURITY, "country": "FR"}]


def officer_in(client: Client, session: Session) -> User:
    """Create an officer and sign the client in as them."""
    account = user(session, Role.officer)
    client.sign_in(account.login, PASSWORD)
    return account


def text_of(page: str) -> str:
    """Return a page's visible text, tags dropped and spaces squeezed (to read sentences across markup)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


class _Element(HTMLParser):
    """Finds the source of the element with an id, nested elements of the same tag included."""

    VOID = frozenset({"input", "br", "meta", "link", "img", "hr"})

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=False)
        self.element_id, self.depth, self.start, self.end, self.tag = element_id, 0, -1, -1, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID or self.end >= 0:
            return
        if self.start < 0 and ("id", self.element_id) in attrs:
            self.start, self.tag, self.depth = self._offset(), tag, 1
        elif self.start >= 0 and tag == self.tag:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.start >= 0 and self.end < 0 and tag == self.tag:
            self.depth -= 1
            if self.depth == 0:
                self.end = self._offset()

    def _offset(self) -> int:
        line, column = self.getpos()
        return sum(len(x) for x in self.rawdata.splitlines(keepends=True)[: line - 1]) + column


def part(page: str, element_id: str) -> str:
    """Return the HTML of the element with this id (a card, a section), its nested elements included."""
    finder = _Element(element_id)
    finder.feed(page)
    assert finder.start >= 0 and finder.end >= 0, f"no element #{element_id}"
    return page[finder.start : finder.end]


def section(page: str, element_id: str) -> str:
    """Return the HTML of the section with this id."""
    return part(page, element_id)


def named(session: Session, role: Role, full_name: str, **links: Any) -> User:
    """Create an account with this full name."""
    account = user(session, role, **links)
    account.full_name = full_name
    session.add(account)
    session.commit()
    return account


def count(session: Session, model: type[Any], *where: Any) -> int:
    """Return how many rows of a table match."""
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def placed(session: Session, vacancy: Vacancy, trainee: TraineeProfile, by: User) -> Placement:
    """Store a confirmed offer and its active placement (the seat taken)."""
    offer = offer_in(session, vacancy, trainee, OfferState.confirmed, by=by)
    row = placement_row(session, offer, start_date=date(2026, 1, 5), salary_fcfa_month=60000, confirmed_by=by.id or 0)
    vacancy.filled_seats += 1
    session.add_all([row, vacancy])
    session.commit()
    return row


# ---------------------------------------------------------------- the dashboard


def test_the_dashboard_counts_and_lists_the_waiting_work(client: Client, session: Session) -> None:
    officer = officer_in(client, session)
    firm = employer(session, name="Sahel Garde")
    employer(session, name="Nouvelle Société", status=EmployerStatus.pending)
    big = stored_vacancy(session, firm, title="Gardiennage du port", seats=3)
    small = stored_vacancy(session, firm, title="Agent d'accueil")
    stored_vacancy(session, firm, title="Brouillon", status=VacancyStatus.draft)
    names = ("Awa Traoré", "Bakary Keita", "Coumba Sow", "Drissa Coulibaly", "Fanta Diallo")
    awa, bakary, coumba, drissa, fanta = (profile(session, full_name=n) for n in names)
    placed(session, big, fanta, officer)
    now = utcnow()
    offer_in(session, big, awa, OfferState.offered, by=officer, offered_at=now, expires_at=now + timedelta(days=5))
    offer_in(session, small, bakary, OfferState.offered, by=officer, offered_at=now - timedelta(days=9),
             expires_at=now - timedelta(days=2))  # fmt: skip
    offer_in(session, small, coumba, OfferState.accepted, by=officer, answered_at=now - timedelta(days=5))
    offer_in(session, big, drissa, OfferState.accepted, by=officer, answered_at=now - timedelta(days=1))

    page = client.get("/officer").text

    overdue = text_of(section(page, "overdue"))
    assert "Propositions restées sans réponse après leur délai (1)" in overdue and "Bakary Keita" in overdue
    assert "Acceptées depuis plus de 3 jours, sans confirmation de la société (1)" in overdue and "Coumba Sow" in overdue
    assert "Drissa Coulibaly" not in overdue and "Awa Traoré" not in overdue
    waiting = text_of(section(page, "offers"))
    assert "Propositions en attente de réponse (2)" in waiting
    assert waiting.index("Bakary Keita") < waiting.index("Awa Traoré")  # the soonest to expire first
    vacancies = text_of(section(page, "vacancies"))
    assert "Offres ouvertes (2)" in vacancies and "Brouillon" not in vacancies
    assert "Gardiennage du port" in vacancies and "2 sur 3" in vacancies  # free seats: one of three filled
    assert f'href="/officer/vacancies/{big.id}"' in section(page, "vacancies")
    trainees = text_of(section(page, "trainees"))
    assert "Agents pas encore placés (4)" in trainees and "Fanta Diallo" not in trainees
    assert "1 en attente" in text_of(section(page, "applications"))


def test_the_dashboard_shows_twenty_and_links_to_all(client: Client, session: Session) -> None:
    officer_in(client, session)
    for n in range(23):
        profile(session, full_name=f"Agent {n:02d}")

    short = text_of(section(client.get("/officer").text, "trainees"))
    whole = text_of(section(client.get("/officer?full=trainees").text, "trainees"))

    assert "Agents pas encore placés (23)" in short and "Voir les 23" in short
    assert short.count("Agent ") == 20 + 1  # twenty rows and the table's "Agent" heading
    assert "Agent 22" in whole and "Voir les 23" not in whole


# ---------------------------------------------------------------- the vacancy review


def review_setup(session: Session) -> dict[str, Any]:
    """A guard post in Bamako asking for 3 years of experience, and trainees of every kind."""
    firm = employer(session, name="Sahel Garde")
    officer = user(session, Role.officer)
    post = stored_vacancy(
        session, firm, title="Agent de nuit", min_experience_years=3, required_skills=["access_control", "patrol"]
    )
    other = stored_vacancy(session, firm, title="Autre poste")
    people = {
        "best": profile(session, full_name="Awa Traoré", experience=years(6), skills=["access_control", "patrol"],
                        mobility="country", training={"cohort": "2025-B", "overall": 17}),
        "second": profile(session, full_name="Bakary Keita", experience=years(4), skills=["patrol"], mobility="country",
                          certifications=["PSC1"], training={"cohort": "2026-A", "overall": 11}),
        "private": profile(session, full_name="Mariam Sidibé", experience=years(5), skills=["patrol"], consent=False,
                           home_town="Kati", mobility="country", training={"cohort": "2026-A", "overall": 12}),
        "novice": profile(session, full_name="Coumba Sow", experience=years(1), mobility="country",
                          training={"cohort": "2026-A", "overall": 15}),
        "far": profile(session, full_name="Drissa Coulibaly", experience=years(1), home_town="Kati", mobility="country",
                       certifications=["PSC1"], training={"cohort": "2025-B", "overall": 12}),
        "placed": profile(session, full_name="Fanta Diallo", experience=years(8), mobility="country"),
    }  # fmt: skip
    placed(session, other, people["placed"], officer)
    return {"firm": firm, "post": post, "officer": officer, **people}


def test_the_review_ranks_the_eligible_and_says_why_the_others_are_not(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)

    page = client.get(f"/officer/vacancies/{s['post'].id}").text

    eligible, ineligible = text_of(section(page, "eligible")), text_of(section(page, "ineligible"))
    assert "Remplissent les exigences (3)" in eligible
    assert eligible.index("1. Awa Traoré") < eligible.index("Bakary Keita")  # both required skills, more experience
    scores = [int(n) for n in re.findall(r'<span class="score"[^>]*>(\d+)<small>', section(page, "eligible"))]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert "Mariam Sidibé" in eligible and "N'a pas accepté de partager son profil" in eligible  # officers see everyone
    assert 'class="bars"' in part(page, f"t{s['best'].id}") and "Expérience" in text_of(part(page, f"t{s['best'].id}"))
    assert "Ne remplissent pas les exigences (2)" in ineligible
    novice = text_of(part(page, f"t{s['novice'].id}"))
    assert "Coumba Sow" in novice and "1 an d'expérience en sécurité, 3 requis" in novice
    assert "Fanta Diallo" not in text_of(page)  # placed elsewhere: not listed
    assert "L'agent déjà en poste n'est pas listé." in text_of(page)


def test_the_kept_review_follows_every_change_of_trainees_placements_and_the_vacancy(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    url = f"/officer/vacancies/{s['post'].id}"
    assert "Remplissent les exigences (3)" in text_of(section(client.get(url).text, "eligible"))

    novice = s["novice"]
    profiles_service.update_profile(session=session, profile_id=novice.id or 0, consent=True,
                                    data={**novice.to_exchange().model_dump(mode="json"), "experience": years(5)})  # fmt: skip
    session.commit()
    eligible = text_of(section(client.get(url).text, "eligible"))
    assert "Remplissent les exigences (4)" in eligible and "Coumba Sow" in eligible  # the edit is ranked at once

    placed(session, s["post"], s["best"], s["officer"])
    page = client.get(url).text
    assert "Awa Traoré" not in text_of(section(page, "eligible")) + text_of(section(page, "ineligible"))
    assert "Les 2 agents déjà en poste ne sont pas listés." in text_of(page)  # a new placement too

    s["post"].min_experience_years = 6
    s["post"].updated_at = utcnow()
    session.add(s["post"])
    session.commit()
    assert "Remplissent les exigences (0)" in text_of(section(client.get(url).text, "eligible"))  # and the vacancy's edit


def test_filters_narrow_both_lists(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    url = f"/officer/vacancies/{s['post'].id}"

    def names(query: str) -> tuple[set[str], set[str]]:
        page = client.get(f"{url}?{query}").text
        found = [set(re.findall(r"<h3>(?:\d+\. )?([^<]+?) <span", section(page, name))) for name in ("eligible", "ineligible")]
        return found[0], found[1]

    assert names("") == ({"Awa Traoré", "Bakary Keita", "Mariam Sidibé"}, {"Coumba Sow", "Drissa Coulibaly"})
    assert names("town=Kati") == ({"Mariam Sidibé"}, {"Drissa Coulibaly"})
    assert names("cohort=2026-A") == ({"Bakary Keita", "Mariam Sidibé"}, {"Coumba Sow"})
    # SST covers PSC1 (the taxonomy's implications, as the engine reads them): its holders stay (issue 13)
    assert names("certification=PSC1") == ({"Awa Traoré", "Bakary Keita", "Mariam Sidibé"}, {"Coumba Sow", "Drissa Coulibaly"})
    assert names("cohort=2025-B&certification=PSC1") == ({"Awa Traoré"}, {"Drissa Coulibaly"})
    assert names("level=supervisor") == (set(), set())  # nobody said they wish to supervise
    page = client.get(f"{url}?town=Kati").text
    assert '<option value="Kati" selected>' in page and "Avec ces filtres : 1 et 1 affichés." in text_of(page)


def test_shortlist_offer_and_withdraw_through_the_page(client: Client, session: Session) -> None:
    me = officer_in(client, session)
    s = review_setup(session)
    post, awa = s["post"], s["best"]
    base = f"/officer/vacancies/{post.id}/trainees/{awa.id}"

    listed = client.post_form(f"{base}/shortlist", {"cohort": "2025-B"}, follow_redirects=False)
    assert listed.status_code == 303
    assert listed.headers["location"] == f"/officer/vacancies/{post.id}?done=shortlisted&cohort=2025-B#t{awa.id}"
    page = client.get(listed.headers["location"]).text
    assert "L'agent est ajouté à la présélection." in text_of(page) and "Présélectionné" in text_of(part(page, f"t{awa.id}"))
    offer = session.exec(select(Offer).where(Offer.trainee_id == awa.id)).one()
    assert offer.state == OfferState.shortlisted and offer.created_by == me.id

    page = client.post_form(f"{base}/offer", {}).text
    session.refresh(offer)
    assert offer.state == OfferState.offered and not offer.override
    assert "La proposition est envoyée à l'agent." in text_of(page) and "Proposée" in text_of(part(page, f"offer-{offer.id}"))

    page = client.post_form(f"/officer/offers/{offer.id}/withdraw", {"reason": "Le poste est pourvu autrement"}).text
    session.refresh(offer)
    assert offer.state == OfferState.withdrawn and offer.reason == "Le poste est pourvu autrement"
    assert "Retirée" in text_of(part(page, f"offer-{offer.id}")) and "Raison : Le poste est pourvu autrement" in page
    trail = session.exec(
        select(AuditEvent).where(AuditEvent.entity == "offer", AuditEvent.entity_id == offer.id).order_by(col(AuditEvent.id))
    ).all()
    assert [(e.from_state, e.to_state, e.actor_id) for e in trail] == [
        (None, "shortlisted", me.id), ("shortlisted", "offered", me.id), ("offered", "withdrawn", me.id)
    ]  # fmt: skip
    assert trail[-1].reason == "Le poste est pourvu autrement"


def test_an_ineligible_trainee_is_offered_only_by_override_with_a_reason(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = review_setup(session)
    post, novice = s["post"], s["novice"]
    url = f"/officer/vacancies/{post.id}/trainees/{novice.id}/offer"

    refused = client.post_form(url, {})
    assert refused.status_code == 409
    assert "ne remplit pas les exigences" in refused.text

    missing = client.post_form(url, {"override": "1", "override_reason": "   ", "cohort": "2026-A"})
    assert missing.status_code == 422
    row = part(missing.text, f"t{novice.id}")
    kept = r'aria-describedby="override-\d+-hint override-\d+-error" aria-invalid="true" autofocus>   </textarea>'
    assert re.search(kept, row)  # kept
    assert "Écrivez pourquoi vous passez outre aux exigences de l'offre." in text_of(row)
    assert '<input type="hidden" name="cohort" value="2026-A">' in row  # the filters are kept too
    assert '<details class="override" open>' in row
    assert (
        count(session, Offer, col(Offer.trainee_id) == novice.id) == 0
        and count(session, AuditEvent, col(AuditEvent.entity).in_(["offer", "placement"])) == 0
        and count(session, OutboxMessage) == 0
    )

    reason = "Trois ans au Maroc, attestations en cours de traduction"
    page = client.post_form(url, {"override": "1", "override_reason": reason}).text
    offer = session.exec(select(Offer).where(Offer.trainee_id == novice.id)).one()
    assert offer.state == OfferState.offered and offer.override and offer.override_reason == reason
    shown = text_of(part(page, f"offer-{offer.id}"))
    assert "Proposé par dérogation" in shown and reason in shown
    assert "dérogation" in text_of(part(page, f"t{novice.id}"))
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "offer", AuditEvent.entity_id == offer.id)).one()
    assert (event.to_state, event.reason) == ("offered", reason)


def test_a_withdrawal_without_a_reason_comes_back_with_the_error(client: Client, session: Session) -> None:
    me = officer_in(client, session)
    s = review_setup(session)
    offer = offer_in(session, s["post"], s["best"], OfferState.offered, by=me)

    answer = client.post_form(f"/officer/offers/{offer.id}/withdraw", {"reason": " "})

    assert answer.status_code == 422
    shown = part(answer.text, f"offer-{offer.id}")
    assert "Écrivez pourquoi vous retirez cette proposition." in shown and "<details open>" in shown
    session.refresh(offer)
    assert (
        offer.state == OfferState.offered and count(session, AuditEvent, col(AuditEvent.entity).in_(["offer", "placement"])) == 0
    )


def test_the_review_lists_the_offers_and_the_company_requests(client: Client, session: Session) -> None:
    me = officer_in(client, session)
    s = review_setup(session)
    boss = named(session, Role.employer, "Ibrahim Cissé", employer_id=s["firm"].id)
    request = CandidateRequest(vacancy_id=s["post"].id or 0, trainee_id=s["second"].id or 0, requested_by=boss.id or 0)
    session.add(request)
    session.commit()
    offer_in(session, s["post"], s["best"], OfferState.declined, by=me)
    offer_in(
        session, s["post"], s["novice"], OfferState.offered, by=me, override=True, override_reason="Recommandé par le formateur"
    )

    page = client.get(f"/officer/vacancies/{s['post'].id}").text

    offers = text_of(section(page, "offers"))
    assert "Propositions et présélection (2)" in offers
    assert "Refusée par l'agent" in offers and "dérogation — motif montré à la société : Recommandé par le formateur" in offers
    requests = text_of(section(page, "requests"))
    assert "Bakary Keita" in requests and "par Ibrahim Cissé" in requests and "à traiter" in requests
    assert "demandé par la société" in text_of(part(page, f"t{s['second'].id}"))
    assert "Présélectionner" in part(page, f"t{s['second'].id}")
    assert "Présélectionner" not in part(page, f"t{s['best'].id}")  # already answered: no action left

    client.post_form(f"/officer/vacancies/{s['post'].id}/trainees/{s['second'].id}/offer", {})
    made = session.exec(select(Offer).where(Offer.trainee_id == s["second"].id)).one()
    assert made.origin == OfferOrigin.employer_request


def test_the_vacancy_list_shows_every_company_and_filters_by_status(client: Client, session: Session) -> None:
    me = officer_in(client, session)
    one, two = employer(session, name="Sahel Garde"), employer(session, name="Niger Sécurité")
    post = stored_vacancy(session, one, title="Agent de nuit", town="Kati")
    stored_vacancy(session, two, title="Chef de poste", level="supervisor")
    stored_vacancy(session, two, title="Poste fermé", status=VacancyStatus.closed)
    offer_in(session, post, profile(session), OfferState.offered, by=me)
    offer_in(session, post, profile(session), OfferState.declined, by=me)

    everything = text_of(client.get("/officer/vacancies").text)
    only_open = text_of(client.get("/officer/vacancies?status=open").text)

    assert all(name in everything for name in ("Agent de nuit", "Chef de poste", "Poste fermé", "Sahel Garde", "Niger Sécurité"))
    assert "Toutes (3)" in everything and "Publiée (2)" in everything and "Fermée (1)" in everything
    assert "Poste fermé" not in only_open and "Agent de nuit" in only_open
    assert "Kati" in only_open and "0 sur 1" in only_open and "2 (1 en cours)" in only_open


# ---------------------------------------------------------------- records


def audit_setup(session: Session) -> dict[str, Any]:
    """Two companies, three vacancies, three trainees, and offers moved by the workflow (with an expiry by the system)."""
    officer = named(session, Role.officer, "Oumar Touré")
    sahel, niger = employer(session, name="Sahel Garde"), employer(session, name="Niger Sécurité")
    v1 = stored_vacancy(session, sahel, title="Agent de nuit")
    v10 = stored_vacancy(session, niger, title="Chef de poste")
    v2 = stored_vacancy(session, niger, title="Agent d'accueil")
    for vacancy, code in ((v1, "V-1"), (v10, "V-10"), (v2, "V-2")):
        vacancy.code = code
        session.add(vacancy)
    session.commit()
    awa, awa2, bakary = (
        profile(session, full_name=n, phone="+22376000001") for n in ("Awa Traoré", "Awa Diarra", "Bakary Keita")
    )
    for vacancy, trainee in ((v1, awa), (v10, awa2), (v2, bakary), (v1, bakary)):
        workflow.propose_offer(session=session, vacancy_id=vacancy.id or 0, trainee_id=trainee.id or 0, by=officer.actor)
    session.commit()
    later = utcnow() + timedelta(days=30)
    workflow.expire_offers(session=session, now=later, days=7)  # every offer expires, by the system
    session.commit()
    return {"officer": officer, "awa": awa, "awa2": awa2, "bakary": bakary, "v1": v1, "v10": v10, "v2": v2}


def audit_rows(client: Client, query: str) -> list[str]:
    """Return the audit page's rows as text."""
    page = client.get(f"/officer/audit?{query}").text
    return [text_of(row) for row in re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.S)]


def test_the_audit_trail_is_searched_by_trainee_company_and_vacancy(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = audit_setup(session)

    everything = audit_rows(client, "")
    assert len(everything) == 10 and all("Compte" in row for row in everything[8:])  # the two officers' accounts, first
    moves = everything[:8]  # four offers made, four expired
    assert all("système" in row for row in moves[:4]) and all("Oumar Touré" in row for row in moves[4:])
    assert "Proposée → Expirée" in moves[0] and "— → Proposée" in moves[-1]

    by_code = audit_rows(client, f"trainee={s['bakary'].code.lower()}")
    assert len(by_code) == 4 and all("Bakary Keita" in row for row in by_code)
    by_name = audit_rows(client, "trainee=awa")
    assert len(by_name) == 4 and sum("Awa Traoré" in row for row in by_name) == sum("Awa Diarra" in row for row in by_name) == 2
    accents = audit_rows(client, "trainee=TRAORE")
    assert len(accents) == 2 and all("Awa Traoré" in row for row in accents)
    company = audit_rows(client, "employer=niger")
    assert len(company) == 4 and all("Niger Sécurité" in row for row in company)
    vacancy = audit_rows(client, "vacancy=V-1")
    assert len(vacancy) == 4 and all("V-1 Sahel Garde" in row for row in vacancy)
    both = audit_rows(client, "vacancy=V-1&trainee=Bakary")
    assert len(both) == 2 and all("Bakary Keita" in row and "Sahel Garde" in row for row in both)
    assert audit_rows(client, "employer=Inconnue") == []
    assert "Aucun événement ne correspond à cette recherche." in client.get("/officer/audit?employer=Inconnue").text
    assert f'href="/officer/vacancies/{s["v2"].id}"' in client.get("/officer/audit?vacancy=V-2").text


def test_the_audit_trail_is_paged_newest_first(client: Client, session: Session) -> None:
    officer_in(client, session)
    me = user(session, Role.officer)
    firm = employer(session)
    post = stored_vacancy(session, firm)
    for n in range(26):  # 52 events: made and withdrawn (after the creation of two accounts: 54 in all)
        trainee = profile(session, full_name=f"Agent {n:02d}")
        made = workflow.shortlist(session=session, vacancy_id=post.id or 0, trainee_id=trainee.id or 0, by=me.actor)
        workflow.withdraw_offer(session=session, offer_id=made.id or 0, by=me.actor, reason=f"raison {n:02d}")
    session.commit()

    first, second = client.get("/officer/audit").text, client.get("/officer/audit?page=2").text

    assert len(re.findall(r"<tr>\s*<td>", first)) == 50 and len(re.findall(r"<tr>\s*<td>", second)) == 4
    assert "Page 1 sur 2" in text_of(first) and 'href="/officer/audit?page=2"' in first
    assert text_of(first).index("raison 25") < text_of(first).index("raison 24")
    assert "Agent 00" in second and "Agent 00" not in first


def test_the_outbox_lists_pending_and_sent_messages(client: Client, session: Session) -> None:
    officer_in(client, session)
    s = audit_setup(session)
    sent = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).first()
    assert sent is not None
    sent.sent_at, sent.attempts = utcnow(), 1
    failing = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
    assert failing is not None
    failing.attempts, failing.last_error = 2, "passerelle SMS injoignable"
    session.add_all([sent, failing])
    session.commit()
    total = count(session, OutboxMessage)

    everything = client.get("/officer/outbox").text
    pending = client.get("/officer/outbox?show=pending").text
    done = client.get("/officer/outbox?show=sent").text

    assert f"Tous ({total})" in text_of(everything) and f"À envoyer ({total - 1})" in text_of(everything)
    assert len(re.findall(r'id="message-\d+"', everything)) == total
    assert len(re.findall(r'id="message-\d+"', pending)) == total - 1 and f'id="message-{sent.id}"' not in pending
    assert re.findall(r'id="message-(\d+)"', done) == [str(sent.id)]
    shown = text_of(part(everything, f"message-{sent.id}"))
    assert "Envoyé le" in shown and sent.sms_text in shown and sent.email_subject in shown and "+22376000001" in shown
    failed = text_of(part(everything, f"message-{failing.id}"))
    assert "passerelle SMS injoignable" in failed and "À envoyer" in failed
    assert f'href="/officer/vacancies/{s["v1"].id}"' in everything or f'href="/officer/vacancies/{s["v2"].id}"' in everything


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("role", [Role.employer, Role.trainee])
def test_employers_and_trainees_are_refused(client: Client, session: Session, role: Role) -> None:
    firm = employer(session)
    post = stored_vacancy(session, firm)
    trainee = profile(session)
    officer = user(session, Role.officer)
    offer = offer_in(session, post, trainee, OfferState.offered, by=officer)
    links = {"employer_id": firm.id} if role == Role.employer else {"trainee_id": trainee.id}
    account = user(session, role, secret=PASSWORD if role == Role.employer else "123456", **links)
    client.sign_in(account.login, PASSWORD if role == Role.employer else "123456")

    pages = ["/officer", "/officer/vacancies", f"/officer/vacancies/{post.id}", "/officer/audit", "/officer/outbox"]
    pair = f"/officer/vacancies/{post.id}/trainees/{trainee.id}"
    posts = [f"{pair}/shortlist", f"{pair}/offer", f"/officer/offers/{offer.id}/withdraw"]

    for url in pages:
        answer = client.get(url)
        assert answer.status_code == 403, url
        assert "Vous n'avez pas accès à cette page." in text_of(answer.text)
    for url in posts:
        assert client.post_form(url, {"reason": "x", "override": "1", "override_reason": "x"}).status_code == 403, url
    session.refresh(offer)
    assert offer.state == OfferState.offered and count(session, Offer) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, session: Session) -> None:
    answer = client.get("/officer/audit", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


def test_an_admin_uses_the_workspace(client: Client, session: Session) -> None:
    admin = user(session, Role.admin)
    client.sign_in(admin.login, PASSWORD)
    s = review_setup(session)
    client.post_form(f"/officer/vacancies/{s['post'].id}/trainees/{s['best'].id}/shortlist", {})
    assert session.exec(select(Offer.state).where(Offer.trainee_id == s["best"].id)).one() == OfferState.shortlisted


def test_a_missing_vacancy_or_offer_is_not_found(client: Client, session: Session) -> None:
    officer_in(client, session)
    assert client.get("/officer/vacancies/999999").status_code == 404
    assert client.post_form("/officer/offers/999999/withdraw", {"reason": "x"}).status_code == 404


class TestNearMisses:
    """Trainees failing exactly one requirement come first among the ineligible, with the place they would take."""

    def setup_post(self, session: Session) -> dict[str, Any]:
        firm = employer(session, name="Sahel Garde")
        post = stored_vacancy(session, firm, title="Agent SSIAP", required_certifications=["SSIAP1"])
        people = {
            "holder": profile(session, full_name="Awa Traoré", certifications=["SSIAP1"], training={"overall": 10}),
            # Everything the holder has, a better grade, no SSIAP1: would come first.
            "student": profile(session, full_name="Bakary Keita", certifications=[], training={"overall": 18}),
            # SSIAP1, but lives in Kayes and works only there: second, after the holder.
            "kayes": profile(session, full_name="Coumba Sow", certifications=["SSIAP1"], home_town="Kayes",
                             training={"overall": 10}),
            # Neither: two rules, no place given.
            "far": profile(session, full_name="Drissa Coulibaly", certifications=[], home_town="Kayes"),
        }  # fmt: skip
        return {"post": post, **people}

    def test_the_place_each_would_take_beside_the_override(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        s = self.setup_post(session)
        page = client.get(f"/officer/vacancies/{s['post'].id}").text
        ineligible = section(page, "ineligible")
        assert "2 agent(s) ne manquent qu'une exigence" in text_of(ineligible)
        order = [ineligible.index(f'id="t{s[name].id}"') for name in ("student", "kayes", "far")]
        assert order == sorted(order)
        student, kayes = part(page, f"t{s['student'].id}"), part(page, f"t{s['kayes'].id}")
        assert "serait 1er avec SSIAP1" in text_of(student)
        assert "serait 2e : Bamako est une ville hors de sa mobilité" in text_of(kayes)
        assert "Proposer par dérogation" in text_of(student)  # the override action, in the same card
        assert "serait" not in text_of(part(page, f"t{s['far'].id}"))

    def test_in_english(self, client: Client, session: Session) -> None:
        officer_in(client, session)
        s = self.setup_post(session)
        page = client.get(f"/officer/vacancies/{s['post'].id}?lang=en").text
        assert "would be 1st with SSIAP1" in text_of(part(page, f"t{s['student'].id}"))
        assert "would be 2nd: Bamako is one town outside their mobility" in text_of(part(page, f"t{s['kayes'].id}"))
