"""An officer ticks through a pocket checklist on a phone: ticks stay on the phone, it works with no signal, it
picks up new content once back in signal, it installs, and it is accessible with and without JavaScript."""
import json
import logging
import re
import struct

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from lms.checklists.models import Checklist
from lms.content.sync import sync_content
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, assert_no_horizontal_scroll, sign_in
from tests.conftest import PASSWORD

REQUEST_LINE = re.compile(r'"(?:\x1b\[[0-9;]*m)?([A-Z]+) (\S+) HTTP')


@pytest.fixture
def content(content_tree, db, release_database):
    """A copy of the fixture content, imported; `content.change(...)` edits a checklist and imports it again."""
    tree = content_tree

    class Content:
        root = tree

        @staticmethod
        def sync():
            report = sync_content(tree)
            db.session.commit()
            assert report.ok, [str(error) for error in report.errors]
            release_database()

        @staticmethod
        def version(slug: str) -> str:
            return db.session.scalar(sa.select(Checklist).where(Checklist.slug == slug)).version

        @staticmethod
        def change(slug: str, old: str, new: str):
            path = tree / "checklists" / f"{slug}.md"
            path.write_text(path.read_text().replace(old, new))
            Content.sync()

    Content.sync()
    return Content


@pytest.fixture
def server_log(caplog):
    """What reached the server, read from the live server's request log: [(method, path), ...]."""
    caplog.set_level(logging.INFO, logger="werkzeug")

    class Log:
        @staticmethod
        def requests():
            return [match.groups() for record in caplog.records if record.name == "werkzeug"
                    for match in [REQUEST_LINE.search(record.getMessage())] if match]

        clear = staticmethod(caplog.clear)

    return Log


def step(page, text: str):
    return page.get_by_role("button", name=re.compile("^" + re.escape(text)))


def wait_until_kept_offline(page) -> None:
    """Wait until the service worker has stored everything and controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def stored_ticks(page) -> dict:
    return page.evaluate("Object.fromEntries(Object.entries(localStorage).map(([k, v]) => [k, JSON.parse(v)]))")


def cache_names(page) -> list[str]:
    return page.evaluate("caches.keys()")


def wait_for_caches(page, names: list[str], seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if cache_names(page) == names:
            return
        page.wait_for_timeout(100)
    assert cache_names(page) == names


def cached_urls(page) -> list[str]:
    return page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            urls.push(...(await cache.keys()).map((request) => request.url));
        }
        return urls;
    }""")


def test_ticks_stay_on_the_phone_work_offline_and_give_way_to_new_content(page_at, content, server_log, live_server):
    page = page_at(PHONE)
    browser_requests = []
    page.context.on("request", lambda request: browser_requests.append(request))
    page.goto("/checklist/first-hour")
    wait_until_kept_offline(page)
    first_version = cache_names(page)
    assert len(first_version) == 1 and first_version[0].startswith("key-steps-")

    before_ticking = len(browser_requests)
    server_log.clear()
    step(page, "Make everyone safe").click()
    step(page, "Protect the scene").click()
    step(page, "Protect the scene").click()
    expect(step(page, "Make everyone safe")).to_contain_text("Done")
    expect(step(page, "Protect the scene")).to_contain_text("Not applicable")
    expect(page.get_by_text("1 of 2 done, 1 not applicable", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Not applicable: Protect the scene")).to_be_attached()
    assert browser_requests[before_ticking:] == [] and server_log.requests() == []  # ticking sends nothing
    assert stored_ticks(page) == {f"key-steps:first-hour:{content.version('first-hour')}": {"s1-1": "done",
                                                                                            "s1-2": "na"}}

    page.reload()
    expect(step(page, "Make everyone safe")).to_contain_text("Done")
    expect(step(page, "Protect the scene")).to_contain_text("Not applicable")
    expect(step(page, "Circulate a description")).to_contain_text("To do")

    server_log.clear()
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("First hour: key steps")
    expect(step(page, "Make everyone safe")).to_contain_text("Done")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Key steps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key steps")
    expect(page.locator("[data-checklist=first-hour]")).to_contain_text("1 done on this phone")
    page.get_by_role("link", name="Keeping people updated").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keeping people updated")
    page.go_back()
    page.get_by_role("link", name="First hour: key steps").click()
    expect(step(page, "Make everyone safe")).to_contain_text("Done")
    assert server_log.requests() == []  # all of that came from the phone

    content.change("first-hour", "- [ ] Make everyone safe", "- [ ] Make everyone safe and call for help")
    service_worker = page.request.get("/checklist/sw.js").text()
    new_version = "key-steps-" + re.search(r'const VERSION = "(\w+)"', service_worker).group(1)
    assert [new_version] != first_version
    page.context.set_offline(False)
    page.reload()
    expect(step(page, "Make everyone safe and call for help")).to_contain_text("To do")
    expect(page.get_by_text("This checklist has been updated since you last used it")).to_be_visible()
    expect(step(page, "Protect the scene")).to_contain_text("To do")  # no stale ticks on changed steps
    wait_for_caches(page, [new_version])  # the new service worker stored the new version and removed the old

    page.context.set_offline(True)
    page.goto("/checklist/first-hour")
    expect(step(page, "Make everyone safe and call for help")).to_be_visible()
    page.context.set_offline(False)
    assert all(method == "GET" for method, _ in server_log.requests())
    assert all(request.method == "GET" and "s1-1" not in request.url and request.post_data is None
               for request in browser_requests)
    assert all(re.match(re.escape(live_server) + "/(checklist/|static/)", url) for url in cached_urls(page))


def test_start_a_new_job_clears_the_ticks_after_confirming(page_at, content):
    page = page_at(PHONE)
    page.goto("/checklist/first-hour")
    step(page, "Make everyone safe").click()
    step(page, "Record the crime").click()
    new_job = page.get_by_role("button", name="Start a new job")

    new_job.click()
    expect(new_job).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("heading", name="Clear every tick on this checklist?")).to_be_focused()
    assert_accessible(page)
    page.get_by_role("button", name="No, keep my ticks").click()
    expect(new_job).to_be_focused()
    expect(step(page, "Make everyone safe")).to_contain_text("Done")

    new_job.click()
    page.get_by_role("button", name="Yes, clear all ticks").click()
    expect(step(page, "Make everyone safe")).to_contain_text("To do")
    expect(step(page, "Record the crime")).to_contain_text("To do")
    expect(page.get_by_text("All ticks cleared. Ready for a new job.").first).to_be_visible()
    assert stored_ticks(page) == {}
    page.reload()
    expect(step(page, "Make everyone safe")).to_contain_text("To do")


def test_the_manifest_makes_it_installable(page_at, content):
    page = page_at(PHONE)
    page.goto("/checklist/")
    manifest_url = page.locator("link[rel=manifest]").get_attribute("href")
    response = page.request.get(manifest_url)
    assert response.ok and response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text())
    assert manifest["short_name"] == "Key steps" and manifest["name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/checklist/", "/checklist/",
                                                                                "standalone")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok and image.headers["content-type"] == "image/png", icon
        body = image.body()
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", body[16:24])
        assert f"{width}x{height}" == icon["sizes"], icon
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes

    wait_until_kept_offline(page)
    cdp = page.context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    # Chromium's own verdict: nothing stands in the way except that Playwright's contexts are incognito.
    errors = [error["errorId"] for error in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert errors == ["in-incognito"]


@pytest.mark.parametrize("path", ["/checklist/", "/checklist/first-hour", "/checklist/first-hour/card"])
def test_checklist_pages_are_accessible_on_a_phone(page_at, content, path):
    page = page_at(PHONE)
    page.goto(path)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    if path == "/checklist/first-hour":
        step(page, "Make everyone safe").click()
        step(page, "Record the crime").click()
        step(page, "Record the crime").click()
        page.locator("summary").first.click()
        assert_accessible(page)
        small = page.evaluate("""() => Array.from(document.querySelectorAll(
                '.lms-cl button, .lms-cl summary, .lms-cl-step a, .lms-cl-tools button'))
            .filter((element) => element.offsetParent !== null)
            .map((element) => [element.textContent.trim().slice(0, 30), element.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""")
        assert small == []  # every target on the page is at least 44px tall


@pytest.mark.parametrize("width", [320, 180], ids=["320px", "360px-at-200%-zoom"])
def test_the_checklist_reflows_without_sideways_scrolling(page_at, content, width):
    page = page_at({"width": width, "height": 640})
    page.goto("/checklist/first-hour")
    assert_no_horizontal_scroll(page)
    expect(step(page, "Protect the scene from contamination")).to_be_visible()


def test_without_javascript_every_step_and_reason_shows_as_a_printable_list(page_at, content, db):
    checklist = db.session.scalar(sa.select(Checklist).where(Checklist.slug == "first-hour"))
    page = page_at(PHONE, java_script_enabled=False)
    page.goto("/checklist/first-hour")
    steps = page.locator(".lms-cl-step")
    expect(steps).to_have_count(checklist.step_count)
    for section in checklist.sections:
        for item in section["steps"]:
            expect(page.locator(f"[data-step={item['id']}]")).to_be_visible()
    expect(page.get_by_text("Evidence lost in the first hour is rarely recovered.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("See guidance.*Scene preservation"))).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)  # no buttons that would do nothing
    expect(page.locator(".lms-cl-step__box")).to_have_count(0)  # nor boxes that look tickable
    page.emulate_media(media="print")
    expect(page.get_by_text("People who know what to expect stay engaged.")).to_be_visible()
    page.goto("/checklist/first-hour/card")
    expect(page.locator(".lms-pocket__step")).to_have_count(checklist.step_count)


def test_a_signed_in_officer_leaves_no_personal_data_in_the_offline_store(page_at, content, make_person,
                                                                          release_database):
    email = make_person(given_name="Sam", family_name="Patelworth").email
    release_database()
    page = page_at(PHONE)
    sign_in(page, email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Key steps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key steps")
    wait_until_kept_offline(page)
    expect(page.get_by_text("Key steps is saved on this phone")).to_be_visible()
    page.goto("/guidance/golden-hour")
    page.goto("/checklist/first-hour")
    stored = page.evaluate("""async () => {
        const bodies = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                bodies.push(request.url + "\\n" + await (await cache.match(request)).text());
            }
        }
        return bodies.join("\\n");
    }""")
    assert "/checklist/first-hour" in stored
    assert "Patelworth" not in stored and "csrf_token" not in stored and "/guidance/golden-hour\n" not in stored


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "desktop"])
def test_without_javascript_the_checklist_says_ticking_needs_it_and_offers_the_card(page_at, content, viewport):
    page = page_at(viewport, java_script_enabled=False)
    page.goto("/checklist/first-hour")
    notice = page.locator("[data-no-script]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Ticking steps needs JavaScript, which is off in this browser.")
    notice.get_by_role("link", name="pocket card").click()
    expect(page.locator(".lms-pocket__step").first).to_be_visible()
    # axe is itself a script, so it judges the same page with the site's scripts refused instead
    checked = page_at(viewport)
    checked.route("**/static/js/*.js", lambda route: route.abort())
    checked.goto("/checklist/first-hour")
    expect(checked.locator("[data-no-script]")).to_be_visible()
    assert_accessible(checked)
    assert_no_horizontal_scroll(checked)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "desktop"])
def test_with_no_signal_a_guidance_link_says_it_needs_one_and_leads_back_to_the_ticks(page_at, content, viewport):
    page = page_at(viewport)
    page.goto("/checklist/first-hour")
    wait_until_kept_offline(page)
    expect(page.locator("[data-no-script]")).to_be_hidden()
    step(page, "Make everyone safe").click()
    page.context.set_offline(True)
    page.get_by_role("link", name=re.compile("See guidance.*The golden hour")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("That page needs a signal")
    expect(page.get_by_role("listitem").filter(has_text="the guidance page The golden hour")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Back to First hour: key steps").click()
    expect(step(page, "Make everyone safe")).to_contain_text("Done")
    page.context.set_offline(False)
    page.get_by_role("link", name=re.compile("See guidance.*The golden hour")).click()
    expect(page).to_have_url(re.compile(r"/login\?next=|/guidance/golden-hour"))  # with a signal, on to the page


def test_with_no_signal_a_link_in_a_steps_reason_says_it_needs_one(page_at, content):
    content.change("first-hour", "Why: Life comes before evidence.",
                   "Why: Life comes before evidence ([the golden hour](/guidance/golden-hour)).")
    page = page_at(PHONE)
    page.goto("/checklist/first-hour")
    wait_until_kept_offline(page)
    page.context.set_offline(True)
    why = page.locator("[data-step]", has_text="Make everyone safe").locator("summary")
    why.click()
    page.get_by_role("link", name="the golden hour", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("That page needs a signal")
    page.context.set_offline(False)
    page.go_back()
    why.click()
    page.get_by_role("link", name="the golden hour", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login\?next=|/guidance/golden-hour"))
