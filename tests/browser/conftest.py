"""Browser tests: the app served on a free local port, driven by Debian's Chromium through Playwright."""
import json
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests import html_check
from tests.oidc_support import oidc_provider, provider  # noqa: F401  (the real OpenID provider, for sign-on journeys)

CHROMIUM = "/usr/bin/chromium"
#: how long an action (a click, a fill) or an assertion (`expect(...)`) waits for the page: both alike, since a page
#: on a busy CI machine can take more than the assertions' default 5 s to arrive after a click that waited for it
WAIT_MS = 10_000
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


expect.set_options(timeout=WAIT_MS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def buffered(app):
    """Send each response from memory. When a browser drops a connection mid-file (a service worker still fetching
    as a test closes its context), Werkzeug's dev server skips closing the response, and the open static file
    surfaces later as a ResourceWarning, which this suite treats as an error."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs {CHROMIUM} for the browser tests (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed: `make test` installs it when run as root")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def release_database(db):
    """End the test's own transaction so the server can write: on SQLite an open write transaction blocks it."""

    def release():
        db.session.commit()
        db.session.close()

    return release


class PageRecorder:
    """Keep the HTML of every page of ours the journeys load, as the server sent it, for the HTML checker."""

    def __init__(self, origin: str):
        self.origin = origin
        self.seen: dict[str, str] = {}  # html -> the first URL that served it

    def watch(self, context) -> None:
        context.on("response", self.record)

    def record(self, response) -> None:
        kind = response.headers.get("content-type", "")
        if (response.request.resource_type != "document" or not response.url.startswith(self.origin)
                or not kind.startswith("text/html") or 300 <= response.status < 400):
            return
        try:
            html = response.text()
        except Exception:  # noqa: BLE001  the journey moved on and the browser dropped the body: nothing to check
            return
        self.seen.setdefault(html, response.url.removeprefix(self.origin))


@pytest.fixture(scope="session")
def html_pages(live_server):
    """Every page the browser journeys visit goes through the Nu HTML Checker once, at the end of the session.

    Any error fails the session (an error at the last test's teardown), naming the page and the message.
    """
    recorder = PageRecorder(live_server)
    yield recorder
    if not recorder.seen:
        return
    if not html_check.available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI checks every page with the Nu HTML Checker: run `make html-validator` (needs Java)")
        return
    errors = html_check.check([(url, html) for html, url in recorder.seen.items()])
    assert errors == [], f"The HTML checker found {len(errors)} errors:\n" + "\n".join(errors)


@pytest.fixture
def page_at(browser, live_server, html_pages):
    """Open pages at a given viewport: `page = page_at(PHONE)`; contexts close after the test."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, base_url=live_server, **options)
        context.set_default_timeout(WAIT_MS)
        html_pages.watch(context)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_in_with_provider(page, button: str, login: str, password: str) -> None:
    """Press the single sign-on button and sign in on the provider's own login page."""
    page.get_by_role("button", name=button).click()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0-2.2 A and AA rules) on the page; return its violations."""
    # Once the stylesheets are in: on a busy machine axe could otherwise judge the unstyled page (target-size).
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return result


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def assert_no_horizontal_scroll(page) -> None:
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"


def assert_tables_fit(page, where: str = "") -> None:
    """No table needs sideways scrolling: neither wider than the page's column nor than the box it scrolls in."""
    overflows = page.evaluate("""() => {
        const column = document.querySelector('main').getBoundingClientRect().right;
        return [...document.querySelectorAll('main table')].flatMap(table => {
            const box = table.closest('.lms-table-scroll') || table;
            const over = Math.max(box.scrollWidth - box.clientWidth, table.getBoundingClientRect().right - column);
            return over > 0 ? [`${table.caption ? table.caption.textContent.trim() : 'a table'}: ${Math.ceil(over)}px`] : [];
        });
    }""")
    assert overflows == [], f"{where}: tables scroll sideways: {overflows}"
