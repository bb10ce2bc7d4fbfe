"""/docs shows Swagger UI in Chromium with every file served by the application, under its Content-Security-Policy."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.conftest import DESKTOP, screenshot


def test_the_api_documentation_renders_from_the_application_alone(live_server: str, chromium: object) -> None:
    page = chromium.new_page(viewport=DESKTOP)  # type: ignore[attr-defined]
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server}/docs")
    page.get_by_text("A vacancy's ranked candidates (pseudonymised)").first.wait_for(timeout=30000)
    page.get_by_text("Create a vacancy (draft)").first.click()
    page.get_by_text("Request body").first.wait_for(timeout=10000)
    screenshot(page, "api_docs")
    assert {urlsplit(url).netloc for url in requested} == {urlsplit(live_server).netloc}
    assert refused == [], refused
    page.close()
