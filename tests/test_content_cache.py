"""Content pages are kept rendered until the content changes: fewer queries, never stale, never anyone's own."""
import pickle

import sqlalchemy as sa
from markupsafe import Markup

from lms.checklists.models import Checklist
from lms.content import cache
from lms.content.models import ContentVersion
from lms.content.sync import sync_content
from lms.guidance.models import GuidancePage
from lms.search.query import Result, Results
from lms.extensions import write_intent
from lms.versions import new_version, token_of
from tests.conftest import PASSWORD

GOLDEN_HOUR = ("guidance", "first-response", "golden-hour.md")


def statements_about(counter, table: str) -> list[str]:
    return [statement for statement in counter.statements if f"FROM {table}" in statement]


def test_a_guidance_page_seen_again_costs_one_query_for_the_person_and_the_content_version(
        client, make_person, login, synced_content, db, count_queries):
    login(make_person())
    assert client.get("/guidance/golden-hour").status_code == 200
    for extra in range(30):  # a bigger library changes nothing once the page is rendered
        db.session.add(GuidancePage(slug=f"extra-{extra}", category_id=db.session.scalar(
            sa.select(GuidancePage.category_id).limit(1)), title=f"Zz extra {extra}", summary="s",
            tags=["first-response", "evidence"],
            owner="o", last_reviewed=sa.func.current_date(), review_due=sa.func.current_date(),
            source_path=f"x/{extra}", source="", html="<p>x</p>", content_hash="h"))
    db.session.commit()
    assert client.get("/guidance/golden-hour").status_code == 200  # rendered again: the content changed
    db.session.remove()
    with count_queries() as counter:
        body = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-xl\">The golden hour</h1>" in body and "Fast-track actions" in body
    assert "Zz extra" in body  # related by shared tags: the page kept is the one rendered after the change
    assert statements_about(counter, "guidance_pages") == [] and statements_about(counter, "checklists") == []
    # the person, with their roles and the content's version (lms.people.with_person), and nothing else
    assert counter.count == 1, counter.statements


def test_home_and_guidance_index_seen_again_do_not_query_the_guidance(client, make_person, login, synced_content, db,
                                                                      count_queries):
    login(make_person())
    client.get("/")
    client.get("/guidance/")
    db.session.remove()
    with count_queries() as counter:
        home = client.get("/").get_data(as_text=True)
        index = client.get("/guidance/").get_data(as_text=True)
    assert "First response and the golden hour" in home and "The golden hour" in index
    assert statements_about(counter, "guidance_pages") == [] and statements_about(counter, "guidance_categories") == []


def test_a_page_changed_by_a_sync_shows_at_once(client, make_person, login, content_tree, db):
    sync_content(content_tree)
    db.session.commit()
    login(make_person())
    assert "The golden hour" in client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "The golden hour" in client.get("/guidance/").get_data(as_text=True)
    path = content_tree.joinpath(*GOLDEN_HOUR)
    path.write_text(path.read_text().replace("title: The golden hour", "title: The first golden hour")
                    .replace("## Fast-track actions", "## Fast-track actions, first"))
    assert sync_content(content_tree).ok
    db.session.commit()
    page = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "The first golden hour" in page and "Fast-track actions, first" in page
    assert "The first golden hour" in client.get("/guidance/").get_data(as_text=True)


def test_any_change_to_a_content_row_gives_the_content_a_new_version(client, make_person, login, synced_content, db):
    login(make_person())
    assert client.get("/guidance/golden-hour").status_code == 200
    before = db.session.scalar(sa.select(ContentVersion.token))
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    page.is_retired = True
    db.session.commit()
    assert db.session.scalar(sa.select(ContentVersion.token)) != before
    assert client.get("/guidance/golden-hour").status_code == 410


def test_the_kept_index_shows_nobody_else_s_links(app, make_person, synced_content):
    def signed_in(person):
        browser = app.test_client()
        browser.post("/login", data={"email": person.email, "password": PASSWORD})
        return browser

    officer, admin = signed_in(make_person()), signed_in(make_person(roles=("officer", "admin")))
    assert "Pages due for review" not in officer.get("/guidance/").get_data(as_text=True)
    assert "Pages due for review" in admin.get("/guidance/").get_data(as_text=True)
    robin = signed_in(make_person(given_name="Robin"))
    assert "Pages due for review" not in robin.get("/guidance/").get_data(as_text=True)
    assert "Hello Robin." in robin.get("/").get_data(as_text=True)


def test_a_signed_in_officer_gets_a_checklist_without_loading_anybody(client, make_person, login, synced_content, db,
                                                                      count_queries):
    login(make_person())
    assert client.get("/checklist/first-hour").status_code == 200
    db.session.remove()
    with count_queries() as counter:
        response = client.get("/checklist/first-hour")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-cache"
    assert statements_about(counter, "people") == [] and statements_about(counter, "checklists") == []
    assert counter.count == 1  # the content version


def test_a_retired_checklist_is_gone_at_once_though_it_was_kept(client, synced_content, db):
    assert client.get("/checklist/first-hour").status_code == 200
    db.session.scalar(sa.select(Checklist).where(Checklist.slug == "first-hour")).is_retired = True
    db.session.commit()
    assert client.get("/checklist/first-hour").status_code == 410


def test_search_results_are_kept_until_a_sync_changes_the_content(client, make_person, login, content_tree, db,
                                                                 count_queries):
    sync_content(content_tree)
    db.session.commit()
    login(make_person())
    assert "The golden hour" in client.get("/search?q=golden").get_data(as_text=True)
    db.session.remove()
    with count_queries() as counter:
        assert "The golden hour" in client.get("/search?q=golden").get_data(as_text=True)
    assert not [s for s in counter.statements if "search_" in s or "glossary_terms" in s], counter.statements
    path = content_tree.joinpath(*GOLDEN_HOUR)
    path.write_text(path.read_text().replace("title: The golden hour", "title: The first golden hour"))
    assert sync_content(content_tree).ok
    db.session.commit()
    assert "The first golden hour" in client.get("/search?q=golden").get_data(as_text=True)


def test_the_home_page_s_recent_changes_are_kept_until_a_sync_changes_a_page(client, make_person, login, content_tree,
                                                                            db, count_queries):
    sync_content(content_tree)
    db.session.commit()
    login(make_person())
    client.get("/")
    db.session.remove()
    with count_queries() as counter:
        assert "Recent guidance changes" in client.get("/").get_data(as_text=True)
    assert statements_about(counter, "guidance_revisions") == [], counter.statements
    path = content_tree.joinpath(*GOLDEN_HOUR)
    path.write_text(path.read_text().replace("title: The golden hour", "title: The first golden hour"))
    assert sync_content(content_tree).ok
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    changes = home[home.index("Recent guidance changes"):]
    assert "The first golden hour</a> <span class=\"lms-muted\">updated" in changes


def test_a_flood_of_different_searches_stays_within_the_budget_and_keeps_the_pages_in_use(
        client, make_person, login, synced_content, db, count_queries, monkeypatch):
    """Anyone can type a new query: each is kept, so the store is bounded by what it holds, and what goes first is
    what was used longest ago, not the page everyone is reading."""
    budget = 64 * 1024
    monkeypatch.setattr(cache, "MAX_BYTES", budget, raising=False)
    login(make_person())
    for number in range(300):
        assert client.get(f"/search?q=golden+{number}").status_code == 200
        if number % 20 == 0:
            assert client.get("/guidance/golden-hour").status_code == 200
    assert 20 < len(cache._Store.entries) < 300  # the oldest searches went
    kept = [value for value, _ in cache._Store.entries.values()]
    assert len(pickle.dumps(kept)) < budget  # measured apart from the store's own count
    db.session.remove()
    with count_queries() as counter:
        assert "Fast-track actions" in client.get("/guidance/golden-hour").get_data(as_text=True)
        assert client.get("/search?q=golden+299").status_code == 200
    assert statements_about(counter, "guidance_pages") == [] and statements_about(counter, "search_") == []


def test_a_value_kept_is_counted_by_what_it_holds():
    text = "x" * 10_000
    assert cache.footprint(text) > 10_000
    assert cache.footprint([text, (text, {"k": text})]) > 30_000
    result = Results([Result("guidance", "t", "/g", "c", "s", Markup(text))], 1, False)
    assert cache.footprint(result) > 10_000


def test_a_get_reads_the_content_version_once_and_again_after_its_transaction_ends(app, db, synced_content):
    db.session.commit()
    reading = write_intent.set(False)  # as for every GET: its transaction only reads (BEGIN, not BEGIN IMMEDIATE)
    try:
        with app.test_request_context("/guidance/"):
            first = token_of(ContentVersion)
            with db.engine.begin() as elsewhere:  # another worker's sync: this GET goes on with what it began with
                new_version(elsewhere, ContentVersion.__table__)
            assert token_of(ContentVersion) == first
            db.session.rollback()
            second = token_of(ContentVersion)
            assert second not in (first, None)  # a new transaction sees what was committed meanwhile
            db.session.scalar(sa.select(GuidancePage).limit(1)).title = "Renamed"
            db.session.commit()
            assert token_of(ContentVersion) not in (first, second, None)
    finally:
        write_intent.reset(reading)
