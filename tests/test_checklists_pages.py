"""The checklist pages, the pocket card, the manifest and the service worker, as the server sends them."""
import json
import re
import struct

import sqlalchemy as sa

from lms.checklists.models import Checklist
from lms.content import render
from lms.content.sync import sync_content


def stored(db, slug: str) -> Checklist:
    return db.session.scalar(sa.select(Checklist).where(Checklist.slug == slug))


def precached(client) -> tuple[str, list[str]]:
    body = client.get("/checklist/sw.js").get_data(as_text=True)
    version = re.search(r'const VERSION = "(\w+)";', body).group(1)
    return version, json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))


def test_anyone_can_open_the_list_in_order_with_summaries_and_step_counts(client, synced_content):
    response = client.get("/checklist/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.index("First hour: key steps") < body.index("Keeping people updated")
    assert "The first steps at a scene, before evidence is lost." in body and "5 steps" in body
    assert 'rel="manifest" href="/manifest.webmanifest"' in body


def test_a_checklist_shows_every_step_its_reason_and_its_guidance(client, synced_content, db):
    body = client.get("/checklist/first-hour").get_data(as_text=True)
    checklist = stored(db, "first-hour")
    assert f'data-checklist="first-hour" data-version="{checklist.version}"' in body
    assert body.count('class="lms-cl-step"') == 5
    assert '<h2 class="govuk-heading-m lms-cl-section__title" id="at-the-scene">At the scene</h2>' in body
    assert "Evidence lost in the <strong>first hour</strong> is rarely recovered." in body
    assert body.count("<details") == 3 and body.count("<details class=\"lms-cl-step__why\" open>") == 3
    assert ('<a class="govuk-link" href="/checklist/first-hour/see/guidance/scene-preservation" '
            'data-path="/guidance/scene-preservation"><span class="lms-cl-step__see-label">'
            "See guidance:</span> Scene preservation: cordons and contamination</a>") in body
    assert ('href="/checklist/first-hour/see/guidance/golden-hour#fast-track-actions" '
            'data-path="/guidance/golden-hour#fast-track-actions"><span class="lms-cl-step__see-label">See guidance:'
            "</span> The golden hour</a>") in body
    assert '<script src="/static/js/checklist.js"' in body and "<script>" not in body and " style=" not in body


def test_without_javascript_nothing_looks_tickable_and_the_page_says_so(client, synced_content):
    body = client.get("/checklist/first-hour").get_data(as_text=True)
    # checklist.js draws the boxes when it turns each step into a button; the page itself has none
    assert "lms-cl-step__box" not in body
    notice = re.search(r'<div class="govuk-inset-text lms-cl-no-script" data-no-script>(.*?)</div>', body, re.S)
    assert "Ticking steps needs JavaScript" in notice.group(1)
    assert 'href="/checklist/first-hour/card">pocket card</a>' in notice.group(1)


def test_a_steps_guidance_link_stays_in_the_checklists_scope_and_leads_on(client, synced_content):
    response = client.get("/checklist/first-hour/see/guidance/golden-hour")
    assert response.status_code == 302 and response.headers["Location"] == "/guidance/golden-hour"
    # only where the checklist's own steps point: no open redirect, nor a way round to other pages
    for target in ("guidance/victim-updates-not-named", "/evil.example/x", "people/admin", "checklist/"):
        assert client.get(f"/checklist/first-hour/see/{target}", follow_redirects=True).status_code == 404, target
    assert client.get("/checklist/keeping-updated/see/guidance/golden-hour").status_code == 404


def test_the_offline_page_says_what_needs_a_signal_and_leads_back_to_the_checklist(client, synced_content):
    response = client.get("/checklist/first-hour/offline")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    text = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    assert "That page needs a signal" in text and "Your ticks are safe on this phone." in text
    needs = text.split("Needs a signal", 1)[1]
    assert "The golden hour" in needs and "Scene preservation: cordons and contamination" in needs
    assert 'href="/checklist/first-hour">Back to First hour: key steps</a>' in response.get_data(as_text=True)
    assert client.get("/checklist/no-such-list/offline").status_code == 404


def test_the_pocket_card_lists_every_step_to_tick_by_pen(client, synced_content):
    body = client.get("/checklist/first-hour/card").get_data(as_text=True)
    assert body.count('class="lms-pocket__step"') == 5
    assert "Protect the scene from contamination" in body and "rarely recovered" not in body


def test_an_unknown_checklist_is_404_and_a_retired_one_410(client, synced_content, db, content_tree):
    assert client.get("/checklist/no-such-list").status_code == 404
    tree = content_tree
    (tree / "checklists/keeping-updated.md").unlink()
    sync_content(tree)
    db.session.commit()
    for path in ("/checklist/keeping-updated", "/checklist/keeping-updated/card"):
        response = client.get(path)
        assert response.status_code == 410 and b"This checklist has been withdrawn" in response.data
    assert b"Keeping people updated" not in client.get("/checklist/").data
    assert "/checklist/keeping-updated" not in precached(client)[1]


def test_a_signed_in_officer_gets_the_same_impersonal_page(client, synced_content, make_person, login):
    anonymous = client.get("/checklist/first-hour").get_data(as_text=True)
    login(make_person(given_name="Sam", family_name="Patelworth"))
    assert "Patelworth" in client.get("/guidance/").get_data(as_text=True)  # the ordinary layout names them
    for path in ("/checklist/", "/checklist/first-hour", "/checklist/first-hour/card", "/checklist/first-hour/offline"):
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert "Patelworth" not in body and "csrf_token" not in body and "Sign out" not in body, path
        assert response.headers["Cache-Control"] == "private, no-cache", path
    assert client.get("/checklist/first-hour").get_data(as_text=True) == anonymous


def test_everything_in_the_service_workers_scope_is_public_and_impersonal(app):
    """The service worker stores what it fetches under /checklist/: only shared pages may ever live there."""
    in_scope = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/checklist/")]
    assert {rule.endpoint for rule in in_scope} == {"checklists.index", "checklists.checklist", "checklists.card",
                                                    "checklists.offline", "checklists.see",
                                                    "checklists.service_worker"}
    assert all(app.view_functions[rule.endpoint].access == "public" for rule in in_scope)


def test_the_service_worker_stores_every_checklist_and_its_assets_and_nothing_else(client, synced_content):
    response = client.get("/checklist/sw.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Service-Worker-Allowed" not in response.headers  # served from the scope it controls
    version, urls = precached(client)
    assert {"/checklist/", "/checklist/first-hour", "/checklist/first-hour/card", "/checklist/first-hour/offline",
            "/checklist/keeping-updated",
            "/static/js/checklist.js", "/static/css/checklist.css", "/static/icons/key-steps-192.png"} <= set(urls)
    assert all(url.startswith(("/checklist/", "/static/")) for url in urls)
    for url in urls:
        with client.get(url) as asset:
            assert asset.status_code == 200, url


def test_the_offline_version_changes_with_the_content_and_only_then(client, synced_content, db, content_tree):
    version, _ = precached(client)
    tree = content_tree
    sync_content(tree)
    db.session.commit()
    assert precached(client)[0] == version
    path = tree / "checklists/keeping-updated.md"
    path.write_text(path.read_text().replace("crime number", "crime reference number"))
    sync_content(tree)
    db.session.commit()
    assert precached(client)[0] != version


def test_the_manifest_names_the_app_and_its_icons_exist_at_their_sizes(client):
    response = client.get("/manifest.webmanifest")
    assert response.headers["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.data)
    assert manifest["short_name"] == "Key steps" and "Midshire Police" in manifest["name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"], manifest["theme_color"]) \
        == ("/checklist/", "/checklist/", "standalone", "#1d2b4f")
    purposes = set()
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
            assert "%dx%d" % struct.unpack(">II", image.data[16:24]) == icon["sizes"]
        purposes.add((icon["sizes"], icon["purpose"]))
    assert purposes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}


def test_serving_a_checklist_never_renders_markdown(client, synced_content, monkeypatch):
    calls = []
    monkeypatch.setattr(render.markdown, "Markdown", lambda *a, **k: calls.append(1))
    monkeypatch.setattr(render.nh3, "clean", lambda *a, **k: calls.append(1))
    for path in ("/checklist/", "/checklist/first-hour", "/checklist/first-hour/card", "/checklist/sw.js"):
        assert client.get(path).status_code == 200
    assert calls == []


def test_query_counts_do_not_grow_with_the_number_of_checklists(client, synced_content, db, count_queries):
    def measure() -> int:
        db.session.remove()
        with count_queries() as counter:
            for path in ("/checklist/", "/checklist/first-hour", "/checklist/sw.js", "/guidance/golden-hour"):
                client.get(path)
        return counter.count

    small = measure()
    template = stored(db, "first-hour")
    for index in range(20):
        db.session.add(Checklist(slug=f"extra-{index}", title=f"Extra {index}", summary="s", sections=template.sections,
                                 step_count=5, guidance_slugs=template.guidance_slugs, source_path=f"x/{index}",
                                 source="", content_hash=f"{index:064d}"))
    db.session.commit()
    assert measure() == small


def test_signed_in_people_find_key_steps_in_the_navigation_on_the_home_page_and_on_guidance(
        client, synced_content, make_person, login):
    login(make_person())
    home = client.get("/").get_data(as_text=True)
    assert '<a class="lms-nav__link" href="/checklist/">Key steps</a>' in home
    assert '<h2 class="govuk-heading-m"><a class="govuk-link" href="/checklist/">Key steps</a></h2>' in home
    page = client.get("/guidance/victim-updates").get_data(as_text=True)
    assert ('Tick off the key steps on the job: <a class="govuk-link" href="/checklist/first-hour">First hour: key '
            'steps</a>, <a class="govuk-link" href="/checklist/keeping-updated">Keeping people updated</a>.') in page
    page = client.get("/guidance/scene-preservation").get_data(as_text=True)
    assert 'href="/checklist/first-hour"' in page and 'href="/checklist/keeping-updated"' not in page


def test_search_finds_a_checklist(client, synced_content, make_person, login):
    login(make_person())
    body = client.get("/search?q=circulate").get_data(as_text=True)
    assert 'href="/checklist/first-hour">First hour: key steps</a>' in body and "Key steps checklist" in body


def test_a_link_in_a_steps_reason_goes_through_the_checklist_so_it_says_offline_it_needs_a_signal(
        client, db, content_tree):
    """A 'Why:' line may link to guidance; like the 'See:' links, it must stay in the service worker's scope, where
    with no signal the phone answers with the offline page instead of the browser's own error."""
    path = content_tree / "checklists/first-hour.md"
    path.write_text(path.read_text().replace(
        "Why: Life comes before evidence.",
        "Why: Life comes before evidence ([the golden hour](/guidance/golden-hour#fast-track-actions)).").replace(
        "Why: People who know what to expect stay engaged.",
        "Why: People who know what to expect [stay engaged](/guidance/victim-updates?from=checklist)."))
    assert sync_content(content_tree).ok
    db.session.commit()
    body = client.get("/checklist/first-hour").get_data(as_text=True)
    assert ('Life comes before evidence (<a href="/checklist/first-hour/see/guidance/golden-hour#fast-track-actions" '
            'rel="noopener noreferrer">the golden hour</a>).') in body
    assert 'href="/checklist/first-hour/see/guidance/victim-updates?from=checklist"' in body
    assert 'href="/guidance/' not in body  # every link to the site goes through the checklist
    # with a signal, on to the page (its query kept)
    assert client.get("/checklist/first-hour/see/guidance/golden-hour").headers["Location"] == "/guidance/golden-hour"
    assert client.get("/checklist/first-hour/see/guidance/victim-updates?from=checklist").headers["Location"] == \
        "/guidance/victim-updates?from=checklist"
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/checklist/first-hour/offline").get_data(as_text=True)).split())
    assert "The golden hour" in text.split("Needs a signal", 1)[1]
