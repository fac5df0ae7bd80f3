"""Reading guidance: the index, a page, retired pages, history and the review list."""
import shutil
from datetime import datetime

import sqlalchemy as sa

from lms.content import render
from lms.content.sync import sync_content
from lms.guidance.models import GuidancePage
from tests.conftest import FIXTURE_CONTENT


def test_index_lists_categories_in_order_with_summaries(client, make_person, login, synced_content):
    login(make_person())
    body = client.get("/guidance/").get_data(as_text=True)
    assert body.index("First response and the golden hour") < body.index("Victims and witnesses")
    assert "The first hour after a crime is reported decides what evidence survives." in body


def test_page_shows_breadcrumbs_contents_related_and_review_dates(client, make_person, login, synced_content):
    login(make_person())
    body = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert 'class="govuk-breadcrumbs"' in body
    assert 'href="#fast-track-actions"' in body and 'id="fast-track-actions"' in body
    assert 'class="admonition tip"' in body
    assert "Scene preservation: cordons and contamination" in body  # related by a shared tag
    assert "Crime Standards Unit" in body and "20 November 2026" in body
    assert "may be out of date" not in body


def test_page_past_its_review_date_warns_the_reader(client, make_person, login, synced_content):
    login(make_person())
    body = client.get("/guidance/victim-updates").get_data(as_text=True)
    assert "was due for review on 31 December 2025" in body


def test_unknown_page_is_404(client, make_person, login, synced_content):
    login(make_person())
    assert client.get("/guidance/no-such-page").status_code == 404


def test_a_removed_file_retires_its_page_with_410(client, make_person, login, synced_content, tmp_path, db):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    (tree / "guidance/victims/victim-updates.md").unlink()
    report = sync_content(tree)
    db.session.commit()
    assert report.kinds["guidance"].removed == ["guidance/victims/victim-updates.md"]
    login(make_person())
    response = client.get("/guidance/victim-updates")
    assert response.status_code == 410
    assert b"/guidance/" in response.data
    assert b"Keeping victims updated" not in client.get("/guidance/").data


def test_history_shows_each_import_that_changed_the_page(client, make_person, login, synced_content, tmp_path, db):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    page_file = tree / "guidance/first-response/golden-hour.md"
    page_file.write_text(page_file.read_text().replace("title: The golden hour", "title: The golden hour explained")
                         + "\nA new closing line.\n")
    sync_content(tree)
    db.session.commit()
    login(make_person())
    body = client.get("/guidance/golden-hour/history").get_data(as_text=True)
    assert "Title changed; 2 lines added, 0 removed" in body
    assert "Added" in body


def test_serving_a_page_never_renders_markdown(client, make_person, login, synced_content, monkeypatch):
    login(make_person())
    calls = []
    monkeypatch.setattr(render.markdown, "Markdown", lambda *a, **k: calls.append(1))
    monkeypatch.setattr(render.nh3, "clean", lambda *a, **k: calls.append(1))
    assert client.get("/guidance/golden-hour").status_code == 200
    assert client.get("/guidance/").status_code == 200
    assert calls == []


def test_page_query_count_does_not_grow_with_the_library(client, make_person, login, synced_content, db,
                                                         count_queries):
    login(make_person())

    def measure() -> int:
        db.session.remove()  # each request starts from an empty identity map, as in production
        with count_queries() as counter:
            client.get("/guidance/")
            client.get("/guidance/golden-hour")
        return counter.count

    small = measure()
    template = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    for index in range(30):
        db.session.add(GuidancePage(
            slug=f"extra-{index}", category_id=template.category_id, title=f"Extra {index}", summary="s",
            tags=["first-response"], owner="o", last_reviewed=template.last_reviewed, review_due=template.review_due,
            source_path=f"x/{index}", source="", html="<p>x</p>", content_hash="h"))
    db.session.commit()
    assert measure() == small


def test_admin_sees_pages_due_for_review(client, make_person, login, synced_content, clock):
    """The fixture pages are due on fixed dates (2025-12-31 and 2027-11-20), so the day is fixed too: from
    September 2027 the golden hour would be due within the warning period, whatever the test says."""
    clock.move_to(datetime(2026, 12, 1, 12, 0))
    login(make_person(roles=("officer", "admin")))
    body = client.get("/guidance/reviews").get_data(as_text=True)
    assert "Keeping victims updated" in body and "Overdue" in body
    assert "The golden hour" not in body


def _with_sources(tmp_path, sources: str):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, tree)
    page_file = tree / "guidance/first-response/golden-hour.md"
    page_file.write_text(page_file.read_text().replace("review_due: 2027-11-20\n",
                                                       f"review_due: 2027-11-20\nsources:\n{sources}"))
    return tree


def test_a_pages_sources_are_shown_at_its_foot_as_links(client, make_person, login, db, tmp_path):
    tree = _with_sources(tmp_path, '  - "[APP: Investigation process](https://www.college.police.uk/app/investigation/'
                                   'investigation-process)"\n  - Core Investigative Doctrine (ACPO, 2005)\n')
    assert sync_content(tree).ok
    db.session.commit()
    login(make_person())
    body = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert 'id="sources"' in body and 'href="#sources"' in body  # a heading, and in the page's contents
    assert 'href="https://www.college.police.uk/app/investigation/investigation-process"' in body
    assert "Core Investigative Doctrine (ACPO, 2005)" in body
    assert body.index("Fast-track actions") < body.index("Core Investigative Doctrine")


def test_a_source_linking_anywhere_but_the_web_is_refused_and_the_page_not_loaded(db, tmp_path):
    tree = _with_sources(tmp_path, '  - "[Our notes](/guidance/scene-preservation)"\n')
    report = sync_content(tree)
    [error] = [error for error in report.errors if error.path == "guidance/first-response/golden-hour.md"]
    assert error.line == 8
    assert "a source's link must be a web address starting https://" in error.message
    assert db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour")) is None
