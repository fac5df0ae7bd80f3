"""Permanent versions of guidance: what a page said on any day, every version by a permanent link, and the changes
between two, paragraph by paragraph."""
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.content.sync import sync_content
from lms.guidance.models import GuidancePage, GuidanceVersion
from tests.guidance_support import GOLDEN_HOUR, import_at, rewrite


@pytest.fixture
def three_versions(content_tree, clock, db):
    """Version 1 on 2 March 2026 (GMT); version 2 at 23:30 UTC on 5 May, which is 00:30 on 6 May in London (BST);
    version 3 on 10 August."""
    rewrite(content_tree, "Bail periods: 28 days, reviewed fortnightly.")
    import_at(content_tree, clock, datetime(2026, 3, 2, 10, 0))
    rewrite(content_tree, "Bail periods: three months, as the 2022 Act says.", "change: major\n"
            "change_note: The bail periods now match the 2022 Act.\n")
    import_at(content_tree, clock, datetime(2026, 5, 5, 23, 30))
    rewrite(content_tree, "Bail periods: three months, as the 2022 Act says. A typo fixed.")
    import_at(content_tree, clock, datetime(2026, 8, 10, 8, 0))
    clock.move_to(datetime(2026, 9, 1, 12, 0))
    return content_tree


@pytest.mark.parametrize("day, shows", [
    ("2026-03-02", "Bail periods: 28 days, reviewed fortnightly."),  # the day of the first import
    # The change landed at 23:30 UTC on 5 May, already 6 May in London: 5 May still shows the old text.
    ("2026-05-05", "Bail periods: 28 days, reviewed fortnightly."),
    ("2026-05-06", "three months, as the 2022 Act says.</p>"),  # the day of the change in London
    ("2026-08-09", "three months, as the 2022 Act says.</p>"),
    ("2026-08-10", "A typo fixed."),
    ("2026-09-01", "A typo fixed."),
])
def test_a_date_shows_the_version_in_force_that_day_in_london(client, make_person, login, three_versions, day,
                                                               shows):
    login(make_person())
    response = client.get(f"/guidance/golden-hour?as_at={day}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert shows in body
    assert "As it stood on" in body


def test_each_version_has_a_permanent_link_with_a_banner_giving_its_dates(client, make_person, login,
                                                                           three_versions):
    login(make_person())
    first = client.get("/guidance/golden-hour/versions/1").get_data(as_text=True)
    assert "This is version 1, in force from 2 March 2026 to 6 May 2026." in first
    assert "Read the current version" in first and "Bail periods: 28 days, reviewed fortnightly." in first
    second = client.get("/guidance/golden-hour/versions/2").get_data(as_text=True)
    assert "in force from 6 May 2026 to 10 August 2026" in second
    assert "What changed in this version: The bail periods now match the 2022 Act." in second
    third = client.get("/guidance/golden-hour/versions/3").get_data(as_text=True)
    assert "This is version 3, the current version, in force since 10 August 2026." in third
    assert client.get("/guidance/golden-hour/versions/4").status_code == 404


def test_a_day_before_the_first_version_says_there_was_none(client, make_person, login, three_versions):
    login(make_person())
    response = client.get("/guidance/golden-hour?as_at=2026-03-01")
    assert response.status_code == 404
    assert "no version on 1 March 2026" in response.get_data(as_text=True)
    assert client.get("/guidance/golden-hour?as_at=1 March").status_code == 400


def test_the_history_links_every_version_and_the_current_page_names_its_version(client, make_person, login,
                                                                                 three_versions):
    login(make_person())
    history = client.get("/guidance/golden-hour/history").get_data(as_text=True)
    for number in (1, 2, 3):
        assert f'href="/guidance/golden-hour/versions/{number}"' in history
    assert "The bail periods now match the 2022 Act." in history
    page = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "Version 3" in page
    assert "Changed 6 May 2026:</strong> The bail periods now match the 2022 Act." in page


def test_the_diff_marks_removed_and_added_paragraphs_in_words_not_colour_alone(client, make_person, login,
                                                                                three_versions):
    login(make_person())
    body = client.get("/guidance/golden-hour/compare?from=1&to=2").get_data(as_text=True)
    assert ('<strong class="lms-compare__label">Removed:</strong> <del>Bail periods: 28 days, reviewed '
            'fortnightly.</del>') in body
    assert ("<strong class=\"lms-compare__label\">Added:</strong> <ins>Bail periods: three months, as the 2022 Act "
            "says.</ins>") in body
    assert "1 paragraph removed, 1 added." in body
    assert "Act fast: investigating early" in body  # the unchanged paragraph beside the change, for context
    # Asked the wrong way round, it puts the older version first rather than calling additions removals.
    backwards = client.get("/guidance/golden-hour/compare?from=2&to=1")
    assert backwards.status_code == 302 and backwards.location.endswith("compare?from=1&to=2")
    assert client.get("/guidance/golden-hour/compare?from=1&to=9").status_code == 404


def test_a_change_to_dates_alone_makes_no_new_version(content_tree, clock, db, synced_content):
    page = content_tree / GOLDEN_HOUR
    page.write_text(page.read_text().replace("last_reviewed: 2026-11-20", "last_reviewed: 2026-11-21"))
    assert sync_content(content_tree).kinds["guidance"].changed == [GOLDEN_HOUR]
    db.session.commit()
    assert db.session.scalar(sa.select(GuidancePage.version).where(GuidancePage.slug == "golden-hour")) == 1


def test_search_finds_the_current_text_only(client, make_person, login, three_versions):
    login(make_person())
    assert 'href="/guidance/golden-hour"' in client.get("/search?q=typo+fixed").get_data(as_text=True)
    old = client.get("/search?q=fortnightly").get_data(as_text=True)
    assert 'href="/guidance/golden-hour"' not in old and "/versions/" not in old


def test_pages_read_as_many_queries_with_200_versions_as_with_1(client, make_person, login, synced_content, db,
                                                                 count_queries):
    login(make_person())
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    paths = ["/guidance/golden-hour", "/guidance/golden-hour/history", "/guidance/golden-hour/versions/1",
             "/guidance/golden-hour?as_at=2099-01-01"]

    def measure() -> list[int]:
        counts = []
        for path in paths:
            db.session.remove()  # each request starts from an empty identity map, as in production
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return counts

    one = measure()
    page = db.session.merge(page)
    first = db.session.get(GuidanceVersion, db.session.scalar(sa.select(GuidanceVersion.id)))
    db.session.add_all(GuidanceVersion(page_id=page.id, number=number, starts_at=first.starts_at, title=first.title,
                                       summary=first.summary, source=first.source, html=first.html, toc=first.toc)
                       for number in range(2, 201))
    page.version = 200
    db.session.commit()
    assert measure() == one


def test_a_major_change_without_a_note_is_refused_with_its_file_and_line(content_tree, clock, db, synced_content):
    rewrite(content_tree, "Bail periods: three months.", "change: major\n")
    report = sync_content(content_tree)
    [error] = [error for error in report.errors if error.path == GOLDEN_HOUR]
    assert error.line == 8
    assert "a major change needs a change_note" in error.message
    assert str(error).startswith(f"{GOLDEN_HOUR}:8")
    db.session.commit()
    # The page keeps its last good version.
    assert db.session.scalar(sa.select(GuidancePage.version).where(GuidancePage.slug == "golden-hour")) == 1


def test_a_major_change_with_a_note_is_recorded_and_a_later_edit_with_the_same_note_is_minor(content_tree, clock,
                                                                                              db, synced_content):
    front = "change: major\nchange_note: Bail periods now three months.\n"
    rewrite(content_tree, "Bail periods: three months.", front)
    import_at(content_tree, clock, datetime(2026, 6, 1, 9, 0))
    rewrite(content_tree, "Bail periods: three months (typo fixed).", front)
    import_at(content_tree, clock, datetime(2026, 6, 2, 9, 0))
    versions = db.session.execute(sa.select(GuidanceVersion.number, GuidanceVersion.is_major,
                                            GuidanceVersion.change_note).order_by(GuidanceVersion.number)
                                  .join(GuidancePage).where(GuidancePage.slug == "golden-hour")).all()
    assert versions == [(1, False, ""), (2, True, "Bail periods now three months."), (3, False, "")]


def test_change_must_be_major_or_minor(content_tree, db):
    rewrite(content_tree, "Text.", "change: huge\n")
    [error] = [error for error in sync_content(content_tree).errors if error.path == GOLDEN_HOUR]
    assert error.line == 8 and "change must be major or minor" in error.message
