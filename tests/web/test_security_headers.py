"""Security headers on every response, HEAD on every page, no inline script or style, proxies' headers only if trusted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request

from tests.web.conftest import Client
from tests.web.test_access_matrix import World, application_routes, world  # noqa: F401  (the matrix's objects)
from web.config import get_settings
from web.security import CONTENT_SECURITY_POLICY, HSTS

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
ROLES = ("anonymous", "trainee", "employer_a", "officer", "school")
INLINE = re.compile(r"<script|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def assert_secured(response: object, where: str, *, https: bool = False) -> None:
    """Check the headers every response must carry."""
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, where
    assert "default-src 'self'" in headers["content-security-policy"] and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["referrer-policy"] == "same-origin", where
    assert headers["x-frame-options"] == "DENY", where
    assert ("strict-transport-security" in headers) == https, where
    if not where.startswith("/static/"):
        assert headers["cache-control"] == "no-store", where


@pytest.mark.parametrize("role", ROLES)
def test_every_page_carries_the_headers_and_answers_head(
    role: str,
    world: World,  # noqa: F811  (the fixture imported above)
    new_client: Callable[[], Client],
    app: FastAPI,
) -> None:
    client = new_client()
    if role != "anonymous":
        client.sign_in(*world.logins[role])
    pages = [path.format(**world.params) for method, path in application_routes(app) if method == "GET"]
    assert len(pages) > 30
    for path in pages:
        got = client.get(path, follow_redirects=False)
        assert_secured(got, path)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == got.status_code, f"HEAD {path}: {head.status_code}, GET: {got.status_code}"
        assert head.content == b"" and head.headers.get("content-type") == got.headers.get("content-type")
        assert_secured(head, path)


def test_refusals_static_files_and_the_api_carry_them_too(client: Client) -> None:
    for path in ("/no-such-page", "/officer", "/api/v1/employer-applications", "/openapi.json"):
        assert_secured(client.get(path, follow_redirects=False), path)
    assert_secured(client.post("/signin", data={}), "/signin")  # refused: no CSRF token
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("cache-control", "")
    assert_secured(css, "/static/app.css")
    assert client.head("/static/app.css").status_code == 200


def test_even_a_crash_answers_with_the_headers(app: FastAPI) -> None:
    @app.get("/_crash")
    def _crash() -> None:
        raise RuntimeError("a bug")

    with Client(app, raise_server_exceptions=False) as browser:  # type: ignore[arg-type]
        crashed = browser.get("/_crash")
    assert crashed.status_code == 500
    assert_secured(crashed, "/_crash")


def test_the_docs_page_is_served_locally_without_inline_script_and_the_schema_stays(client: Client) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and client.get("/redoc").status_code == 404
    sources = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert all(client.get(source).status_code == 200 for source in sources)
    assert re.findall(r"<script>", docs.text) == []  # every script is a file: the policy forbids inline ones
    assert "'unsafe-inline'" not in docs.headers["content-security-policy"]
    assert client.get("/openapi.json").json()["info"]["title"] == "rdvm"


def test_hsts_only_over_https(app: FastAPI, client: Client) -> None:
    assert "strict-transport-security" not in client.get("/signin").headers
    with Client(app, base_url="https://rdvm.example") as secure:  # type: ignore[arg-type]
        assert secure.get("/signin").headers["strict-transport-security"] == HSTS
        assert_secured(secure.get("/signin"), "/signin", https=True)


def test_forwarded_headers_are_ignored_from_an_untrusted_client(app: FastAPI, client: Client) -> None:
    probe_client_address(app)
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    response = client.get("/_probe", headers=forged)
    assert response.json() == {"client": "testclient", "scheme": "http"}
    assert "strict-transport-security" not in response.headers


@pytest.fixture
def behind_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings saying the application runs behind a proxy at the test client's address."""
    monkeypatch.setenv("RDVM_TRUSTED_PROXIES", "testclient")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("RDVM_TRUSTED_PROXIES")
    get_settings.cache_clear()


def test_forwarded_headers_are_believed_from_a_trusted_proxy(behind_proxy: None, engine: object) -> None:
    from web.app import create_app

    proxied = create_app()
    probe_client_address(proxied)
    with Client(proxied) as client:
        forwarded = {"X-Forwarded-For": "198.51.100.4, 203.0.113.9", "X-Forwarded-Proto": "https"}
        response = client.get("/_probe", headers=forwarded)
    # The right-most address the trusted proxy did not add itself is the client's.
    assert response.json() == {"client": "203.0.113.9", "scheme": "https"}
    assert response.headers["strict-transport-security"] == HSTS


def probe_client_address(app: FastAPI) -> None:
    """Add a route that tells the client's address and scheme as the application sees them."""

    @app.get("/_probe")
    def _probe(request: Request) -> dict[str, str]:
        return {"client": request.client.host if request.client else "", "scheme": request.url.scheme}


def test_no_template_holds_inline_script_or_style() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 40
    inline = [f"{path.name}: {found.group(0)!r}" for path in templates for found in INLINE.finditer(path.read_text())]
    assert not inline, inline


def test_a_candidate_score_is_drawn_without_inline_style() -> None:
    from web.pages import templates

    macro = templates.env.get_template("_matching.html").make_module({"_": str}).score_detail  # type: ignore[attr-defined]
    row = type("Row", (), {"components": {"distance": 0.456}, "reasons": []})()
    labels = type("Labels", (), {"component": staticmethod(lambda name: name)})()
    html = str(macro(row, ["distance"], labels))
    assert '<meter min="0" max="100" value="46"></meter>' in html and "style" not in html
