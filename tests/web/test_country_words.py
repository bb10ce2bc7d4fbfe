"""A Senegal installation says nothing of Mali (issue 11, part 4): every page each role of the Senegal demo reaches
names Senegal's programme, law, phones and currency from the pack; the same pages on Mali still say Mali's.

Each role's pages are its GET routes of the access matrix (tests/web/test_access_matrix.py) that need no id, the
auditor's whole scan (tests/web/test_evaluation_pages.py `auditor_urls`), and every page their links lead to: at most
PER_ROUTE pages of one route (one trainee's page stands for the others), spreadsheets and PDFs read as text; a page
one role already showed is not read again for the next.

Genuinely Malian data may be shown: a Senegalese trainee's own words about having worked in Mali (the synthetic
data's `security_countries` give Mali 5 %, and the profile's summary says "au Mali"), since it is what they wrote
about themselves, not the installation speaking. Those sentences of the trainees' summaries and experience, read
from the database, are left out of the scan; in today's Senegal demo there are none, so nothing is left out.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session, select

from matching.country import DEFAULT_COUNTRY, use_country
from profiles.models import TraineeProfile
from tests.conftest import empty_tables
from tests.web.conftest import Client
from tests.web.test_access_matrix import EXPECTED, application_routes
from tests.web.test_evaluation_pages import _pdf_text, _workbook_text, auditor_urls
from web import demo
from web.auth.models import Role

#: What only a Malian installation may say: the country, its people, its calling code, its data-protection law.
MALIAN = re.compile(r"\bmali(?:en|enne)?s?\b|\+223|\bAPDP\b|2013-015", re.IGNORECASE)
#: Pages of one route scanned at most (ids and query strings aside).
PER_ROUTE = 2
#: Links never followed: they sign out, switch the language, or are files that are not pages.
NOT_FOLLOWED = ("/signout", "/static/", "/docs", "/o/")
#: The demo's roles, each with one of its accounts (anonymous: none).
ROLES = (None, Role.trainee, Role.employer, Role.school, Role.officer, Role.auditor, Role.admin)


@pytest.fixture
def engine(sqlite_engine: Engine) -> Iterator[Engine]:
    """What a page says does not depend on the database: these scans run on SQLite only."""
    empty_tables(sqlite_engine)
    yield sqlite_engine
    empty_tables(sqlite_engine)


def seed_demo(session: Session, folder: Path, country: str) -> demo.DemoResult:
    """Seed the demo of a country (as `rdvm demo --country CODE` does) and keep that country active."""
    use_country(country)
    result = demo.seed(session=session, folder=folder)
    session.commit()
    return result


@pytest.fixture
def senegal(app: FastAPI, session: Session, tmp_path: Path) -> Iterator[demo.DemoResult]:
    """Serve the Senegal demo (after the app chose the settings' country), then Mali again."""
    try:
        yield seed_demo(session, tmp_path, "SN")
    finally:
        use_country(DEFAULT_COUNTRY)


@pytest.fixture
def mali(app: FastAPI, session: Session, tmp_path: Path) -> demo.DemoResult:
    return seed_demo(session, tmp_path, DEFAULT_COUNTRY)


def route_key(url: str) -> str:
    """Return the route a URL is a page of: its path with every number or code standing for an id made one."""
    return re.sub(r"/(?:\d+|[A-Z]+-[\w-]+)(?=/|$)", "/_", urlsplit(url).path)


def text_of(url: str, response: object) -> str:
    """Return what a response says, a spreadsheet's cells and a PDF's text included."""
    content, kind = response.content, response.headers.get("content-type", "")  # type: ignore[attr-defined]
    if kind.startswith("application/pdf"):
        return _pdf_text(content)
    if "spreadsheet" in kind:
        return _workbook_text(content)
    return str(response.text)  # type: ignore[attr-defined]


def links(html: str) -> list[str]:
    """Return the application's own links of a page (href="/…"), without their fragment."""
    found = (m.replace("&amp;", "&").split("#")[0] for m in re.findall(r'href="(/[^"]*)"', html))
    return [link for link in found if not link.startswith(NOT_FOLLOWED) and "lang=" not in link]


def start_urls(role: Role | None, app: FastAPI) -> list[str]:
    """Return the role's pages of the access matrix that need no id: the GET routes it may reach."""
    name = {None: "anonymous", Role.employer: "employer_a"}.get(role, role.value if role else "")
    return ["/", "/privacy"] + [
        path
        for method, path in application_routes(app)
        if method == "GET" and "{" not in path and EXPECTED[(method, path)][name] == "ok"
    ]


def genuinely_malian(session: Session) -> list[str]:
    """Return the sentences of the trainees' own words (summaries, past jobs) that name Mali: data, not the installation."""
    profiles = session.exec(select(TraineeProfile)).all()
    said = [p.summary or "" for p in profiles] + [str(job.get("title") or "") for p in profiles for job in p.experience]
    return [sentence for text in said for sentence in re.split(r"(?<=\.) ", text) if MALIAN.search(sentence)]


def scan(client: Client, urls: list[str], seen: set[str]) -> dict[str, str]:
    """Return the text of every page reached from `urls` by following links, at most PER_ROUTE pages per route, none
    of `seen` (which gains the pages read)."""
    urls = [u for u in dict.fromkeys(urls) if u not in seen]
    seen.update(urls)
    per_route, texts = Counter(route_key(u) for u in urls), {}
    queue = deque(urls)
    while queue:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            continue
        texts[url] = text_of(url, response)
        for link in links(texts[url]) if "html" in response.headers.get("content-type", "") else []:
            if link not in seen and per_route[route_key(link)] < PER_ROUTE:
                seen.add(link)
                per_route[route_key(link)] += 1
                queue.append(link)
    return texts


def pages_by_role(
    result: demo.DemoResult, new_client: Callable[[], Client], app: FastAPI, session: Session
) -> dict[str, dict[str, str]]:
    """Return, for each demo role, the text of every page it reaches."""
    scanned, seen = {}, set()
    for role in ROLES:
        client = new_client()
        urls = start_urls(role, app)
        if role is not None:
            account = next(s for s in result.sign_ins if s.role == role)
            client.sign_in(account.login, account.secret)
        if role == Role.auditor:
            urls += auditor_urls(result, session, app)
        scanned[role.value if role else "anonymous"] = scan(client, urls, seen)
    return scanned


def without(text: str, sentences: list[str]) -> str:
    """Return the text with these sentences taken out."""
    for sentence in sentences:
        text = text.replace(sentence, "")
    return text


def test_no_page_of_a_senegal_installation_names_mali(
    senegal: demo.DemoResult, new_client: Callable[[], Client], app: FastAPI, session: Session
) -> None:
    scanned = pages_by_role(senegal, new_client, app, session)
    genuine = genuinely_malian(session)
    said = [f"{role} {url}: {MALIAN.findall(text)[:3]}" for role, pages in scanned.items() for url, text in pages.items()
            if MALIAN.search(without(html.unescape(text), genuine))]  # fmt: skip
    assert not said, "\n".join(said)
    # The scan did reach each role's own pages: its home, a company's vacancy, a trainee's page, the auditor's figures.
    homes = {
        "trainee": "/trainee",
        "employer": "/employer",
        "school": "/school",
        "officer": "/officer",
        "admin": "/admin/weights",
    }
    assert all(home in scanned[role] for role, home in homes.items()) and scanned["auditor"], {
        r: len(p) for r, p in scanned.items()
    }
    reached = {route_key(url) for pages in scanned.values() for url in pages}
    assert {"/officer/trainees/_", "/employer/vacancies/_", "/evaluation/people"} <= reached, sorted(reached)
    home, privacy = scanned["anonymous"]["/"], scanned["anonymous"]["/privacy"]
    assert "RDV au Sénégal" in home and "sociétés de sécurité au Sénégal" in home
    assert "loi n° 2008-12 du 25 janvier 2008" in privacy and "Commission de Protection des Données Personnelles (CDP)" in privacy
    assert "RGPD" in privacy  # the selection in France stays under the GDPR


def test_the_same_pages_of_a_mali_installation_say_mali_s_law_and_programme(
    mali: demo.DemoResult, new_client: Callable[[], Client]
) -> None:
    client = new_client()
    home, privacy = client.get("/").text, client.get("/privacy").text
    assert "RDV au Mali" in home and "sociétés de sécurité au Mali" in home and "Sénégal" not in home
    assert "Au Mali, la loi n° 2013-015 du 21 mai 2013" in privacy and "(APDP)" in privacy and "2008-12" not in privacy
    english = client.get("/privacy?lang=en").text
    assert "In Mali, Act No. 2013-015 of 21 May 2013" in english and "APDP" in english
    assert "Par exemple +223 76 00 00 00." in new_client().get("/employer/apply").text
