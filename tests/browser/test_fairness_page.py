"""Issue #10's fairness audit in a real browser: an officer opens it from the menu, reads the flags and regroups with the select.

The world is tests/web/test_fairness_page.py's scene (12 women, 10 men, one of unknown gender; two open vacancies;
offers to three women, ended placements). Screenshots go to var/screenshots/issue10-fairness-NN-<step>.png.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tests.browser.test_placement_journey import Traffic, shot, sign_in
from tests.browser.test_school_journey import desk  # noqa: F401  (the desktop page fixture)
from tests.web.factories import PASSWORD, user
from tests.web.test_fairness_page import scene
from web.auth.models import Role

pytest.importorskip("playwright")
from playwright.sync_api import Page, expect  # noqa: E402


def test_an_officer_reads_the_fairness_audit_and_regroups(
    live_server: str,
    browser_engine: Engine,
    desk: tuple[Page, Traffic],  # noqa: F811  (the imported fixture)
) -> None:
    with Session(browser_engine) as session:
        scene(session)
        login = user(session, Role.officer).login
    page, traffic = desk
    sign_in(page, live_server, login, PASSWORD, "/officer")
    page.get_by_role("link", name="Audit d'équité").click()
    expect(page.get_by_role("heading", level=1, name="Audit d'équité")).to_be_visible()
    rankings, outcomes = page.locator("table.fairness").all()
    expect(rankings.get_by_role("row", name="Femmes")).to_contain_text("0,83")  # 10/12 of the men's exposure per trainee
    expect(outcomes.get_by_role("row", name="Hommes")).to_contain_text("sous les 4/5")  # no offer made to 10 men
    shot(page, "issue10-fairness-01-gender")
    page.get_by_label("Grouper par").select_option("cohort")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(f"{live_server}/fairness?by=cohort")
    expect(rankings.get_by_role("row", name="2026-A")).to_contain_text("23")
    shot(page, "issue10-fairness-02-cohort")
    assert "Awa Diarra" not in page.content()  # counts only
    assert traffic.failed == [], f"failed requests: {traffic.failed}"
