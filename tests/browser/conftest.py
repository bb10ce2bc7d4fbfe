"""Browser tests: the real application served by uvicorn on a free port, driven by Playwright in Debian's Chromium.

Chromium comes from the distribution (`apt-get install chromium`), never from a download. Without it the
tests are skipped with a message — unless RDVM_REQUIRE_BROWSER=1 (CI sets it), which makes them fail.

Accessibility: axe-core (vendored from the npm registry, tests/browser/vendor/) runs in every page any journey
loads — every browser context opened on `chromium` is watched; a context without script has each of its pages opened
again, with the same cookies, in a scripted twin — and a test fails on any violation. Its "needs
review" items are written to var/screenshots/axe-needs-review.json; those the README lists are judged there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from web.app import create_app
from web.db import get_session, make_engine
from web.migrate import upgrade

CHROMIUM = os.environ.get("RDVM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("RDVM_SCREENSHOTS", "var/screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Run in every document a watched context loads, before the page's own scripts (not subject to its
#: Content-Security-Policy): once loaded, axe-core checks the page and reports the rules broken (violations) and
#: those it could not decide (incomplete) to the test, then marks the page done.
AXE_AFTER_LOAD = """
;(() => {
  if (!location.protocol.startsWith("http")) return;  // about:blank, a PDF viewer…: nothing of ours to check
  window.__axeDone = false;
  const why = (node) => [...node.any, ...node.all, ...node.none].map((check) => check.message).filter(Boolean);
  const brief = (items) => items.map((rule) => ({id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.slice(0, 5).map((node) => node.target.join(" ")), why: [...new Set(rule.nodes.flatMap(why))].slice(0, 3)}));
  window.addEventListener("load", async () => {
    try {
      const results = await axe.run(document, {resultTypes: ["violations", "incomplete"]});
      await window.__axeReport(location.href, brief(results.violations), brief(results.incomplete));
    } catch (error) {
      await window.__axeReport(location.href, [{id: "axe-error", impact: "critical", help: String(error), nodes: []}], []);
    } finally {
      window.__axeDone = true;
    }
  });
})();
"""
#: The page's and locators' actions that may leave the page: each first waits for axe-core to finish with it.
ACTIONS = {"Page": ("goto", "reload", "go_back", "go_forward", "click", "fill", "press", "check", "select_option", "close"),
           "Locator": ("click", "dblclick", "tap", "fill", "press", "check", "uncheck", "set_checked", "select_option",
                       "press_sequentially", "type")}  # fmt: skip


class AxeWatch:
    """axe-core in every page a watched browser context loads, and what it found, page by page."""

    def __init__(self) -> None:
        self.script = AXE.read_text(encoding="utf-8") + AXE_AFTER_LOAD
        self.violations: list[dict[str, Any]] = []
        self.incomplete: dict[str, dict[str, Any]] = {}
        self.pages: list[str] = []
        self.reported = 0  # violations already reported by a test

    def watch(self, context: Any) -> Any:
        """Check every page of a browser context after each of its loads; return the context."""
        context.add_init_script(self.script)
        context.expose_function("__axeReport", self.record)
        return context

    def record(self, url: str, violations: list[dict[str, Any]], incomplete: list[dict[str, Any]]) -> None:
        """Keep what axe-core found in one page."""
        self.pages.append(url)
        self.violations += [{"url": url, **rule} for rule in violations]
        for rule in incomplete:
            seen = self.incomplete.setdefault(rule["id"], {**rule, "urls": []})
            seen["urls"].append(url)

    def save_needs_review(self) -> None:
        """Write the "needs review" items of every page checked so far, by rule, beside the screenshots."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / "axe-needs-review.json"
        known = json.loads(path.read_text("utf-8")) if path.exists() else {}
        for rule_id, rule in self.incomplete.items():
            paths = {re.sub(r"^https?://[^/]+", "", url).split("?")[0] for url in rule["urls"]}
            urls = sorted({*known.get(rule_id, {}).get("urls", []), *paths})
            known[rule_id] = {"help": rule["help"], "impact": rule["impact"], "nodes": rule["nodes"], "why": rule.get("why", []),
                              "urls": urls}  # fmt: skip
        path.write_text(json.dumps(known, ensure_ascii=False, indent=1), encoding="utf-8")


class ScriptedTwin:
    """axe-core for a browser context without script (axe-core is a script: it cannot run there): every page the
    context shows, loaded by GET, is opened again with the cookies of that moment in a scripted twin context that
    axe-core watches. A page answering a form posted (no redirect) cannot be loaded again: it is not checked."""

    def __init__(self, context: Any, twin: Any) -> None:
        self.context, self.twin = context, twin
        self.page: Any = None
        self.methods: dict[Any, str] = {}  # each page of the context: the method of its last navigation
        self.seen: set[tuple[str, str]] = set()
        context.on("request", self.noted)
        close = context.close

        def closing(*args: Any, **kwargs: Any) -> Any:
            for page in context.pages:
                self.check(page)
            twin.close()
            return close(*args, **kwargs)

        context.close = closing
        context.axe_twin = self

    def noted(self, request: Any) -> None:
        """Remember how each page of the context was last loaded (a redirect after a POST is a GET)."""
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.methods[request.frame.page] = request.method

    def check(self, page: Any) -> None:
        """Open the page as shown now in the twin, with the same cookies, and wait for axe-core to check it."""
        cookies = self.context.cookies()
        seen = (page.url, json.dumps(cookies, sort_keys=True))
        if self.methods.get(page) != "GET" or seen in self.seen:
            return
        self.seen.add(seen)
        self.twin.clear_cookies()
        self.twin.add_cookies(cookies)
        self.page = self.page or self.twin.new_page()
        self.page.goto(page.url)
        axe_finished(self.page)


def axe_finished(page: Any) -> None:
    """Wait until axe-core has checked the page as loaded now (in a context without script: in its scripted twin)."""
    if page.is_closed():
        return
    page.wait_for_load_state("load")
    twin = getattr(page.context, "axe_twin", None)
    if twin is not None:
        twin.check(page)
        return
    page.wait_for_function("() => window.__axeDone !== false", timeout=15000)


def _after_axe(action: Callable[..., Any], page_of: Callable[[Any], Any]) -> Callable[..., Any]:
    def acted(self: Any, *args: Any, **kwargs: Any) -> Any:
        axe_finished(page_of(self))
        return action(self, *args, **kwargs)

    acted.__wrapped__ = action  # type: ignore[attr-defined]
    return acted


def _wait_for_axe_before_actions() -> None:
    """Make every page and locator action wait for axe-core to finish with the page first (once per run)."""
    from playwright.sync_api import Locator, Page

    for cls, page_of in ((Page, lambda page: page), (Locator, lambda locator: locator.page)):
        for name in ACTIONS[cls.__name__]:
            action = getattr(cls, name)
            if not hasattr(action, "__wrapped__"):
                setattr(cls, name, _after_axe(action, page_of))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def browser_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Yield an engine on a migrated SQLite file for the served application."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'rdvm.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(browser_engine: Engine) -> Iterator[str]:
    """Serve the application on a free local port and yield its base URL."""
    app = create_app()

    def session() -> Iterator[Session]:
        with Session(browser_engine) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise

    app.dependency_overrides[get_session] = session
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the application did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Yield a Playwright browser running Debian's Chromium (skipped, or failed in CI, without it)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium` (Debian) to run browser tests"
        if os.environ.get("RDVM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _wait_for_axe_before_actions()
        browser.axe = AxeWatch()  # type: ignore[attr-defined]
        browser.new_context = _watched(browser.new_context, browser.axe)  # type: ignore[attr-defined, method-assign]
        yield browser
        browser.axe.save_needs_review()  # type: ignore[attr-defined]
        browser.close()


def _watched(new_context: Callable[..., Any], axe: AxeWatch) -> Callable[..., Any]:
    """Return `new_context` whose contexts axe-core watches."""

    def opened(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        if kwargs.get("java_script_enabled") is False:  # axe-core is a script: it checks the pages in a scripted twin
            ScriptedTwin(context, axe.watch(new_context(*args, **{**kwargs, "java_script_enabled": True})))
            return context
        return axe.watch(context)

    return opened


@pytest.fixture(autouse=True)
def accessible(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test when axe-core found a violation in any page it loaded."""
    if "chromium" not in request.fixturenames:
        yield
        return
    axe: AxeWatch = request.getfixturevalue("chromium").axe
    yield
    found, axe.reported = axe.violations[axe.reported :], len(axe.violations)  # pages a module's fixtures loaded too
    assert not found, "axe-core violations:\n" + "\n".join(
        f"{v['url']}: {v['id']} ({v['impact']}) {v['help']} — {v['nodes']}" for v in found
    )


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
