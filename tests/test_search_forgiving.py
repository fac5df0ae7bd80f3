"""Search that forgives: spelling suggestions from the index's own words, police abbreviations from the glossary,
the glossary page, first-use links on guidance pages, and snippets that show a sentence."""
import re
import textwrap
from pathlib import Path

import sqlalchemy as sa

from lms.content.sync import sync_content
from lms.guidance.models import GuidancePage
from lms.search.models import GlossaryTerm, SearchWord
from lms.search.vocabulary import edit_distance

from tests.courses_support import library  # noqa: F401  (the force's own content, synced)


def search(client, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_misspelling_suggests_the_word_the_index_holds_and_shows_its_results(client, make_person, login, library):
    login(make_person())
    body = search(client, "dislcosure")
    assert "Did you mean" in body and ">disclosure</a>?" in body
    assert "Disclosure" in body and "Nothing matches <strong>dislcosure</strong>. Did you mean" in body
    assert "<mark>disclosure</mark>" in body.lower()


def test_a_misspelt_word_among_right_ones_is_corrected_alone(client, make_person, login, library):
    login(make_person())
    body = search(client, "golden huor")
    assert ">golden hour</a>?" in body and "The golden hour" in body


def test_nothing_close_still_says_nothing_matches(client, make_person, login, library):
    login(make_person())
    body = search(client, "xqzvbn")
    assert "Nothing matches <strong>xqzvbn</strong>" in body and "Did you mean" not in body


def test_an_abbreviation_finds_the_pages_that_spell_it_out(client, make_person, login, library):
    login(make_person())
    body = search(client, "h2h")
    assert "House-to-house enquiries" in body or "house-to-house" in body.lower()
    assert 'href="/guidance/house-to-house"' in body
    assert 'href="/glossary#h2h"' in body


def test_the_spelled_out_name_finds_the_abbreviation_too(client, make_person, login, library):
    login(make_person())
    assert 'href="/glossary#bwv"' in search(client, '"body-worn video"')


def test_snippet_is_the_sentence_around_the_match_not_a_heading(client, make_person, login, library):
    login(make_person())
    body = search(client, "cordon")
    snippets = re.findall(r'<p class="govuk-body lms-result__snippet">(.*?)</p>', body, re.S)
    assert snippets
    for snippet in snippets:
        text = re.sub(r"<[^>]+>", "", snippet).strip()
        assert text.endswith((".", "!", "?", ":", ")", '"', "…")) or len(text.split()) >= 10, text
        assert "<mark>" in snippet.lower()


def test_glossary_page_lists_every_term_with_its_definition(client, make_person, login, library, db):
    login(make_person())
    body = client.get("/glossary").get_data(as_text=True)
    for term in ("H2H", "BWV", "DASH", "DARA", "RUI", "NFA", "VRR", "CPIA", "MG forms", "ABE", "ANPR", "CAD",
                 "MARAC"):
        assert f">{term}</abbr>" in body, term
    assert 'id="h2h"' in body and "house-to-house enquiries" in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GlossaryTerm)) >= 13


def test_first_use_of_an_abbreviation_on_a_guidance_page_links_to_the_glossary_once(library, db):
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "disclosure-cpia"))
    assert page.html.count('href="/glossary#cpia"') == 1
    # Never inside a heading or another link
    for heading in re.findall(r"<h[234][^>]*>.*?</h[234]>", page.html, re.S):
        assert "lms-glossary-link" not in heading


def write_content(root: Path, glossary: str, page_body: str) -> Path:
    folder = root / "guidance" / "first-response"
    folder.mkdir(parents=True)
    (root / "glossary.md").write_text(textwrap.dedent(glossary))
    (folder / "doors.md").write_text(textwrap.dedent("""\
        ---
        title: Knocking on doors
        summary: Doors.
        owner: Crime Standards Unit
        last_reviewed: 2026-01-01
        review_due: 2027-01-01
        ---
        """) + page_body)
    return root


def test_editing_the_glossary_relinks_pages_and_bad_entries_are_reported(tmp_path, db):
    root = write_content(tmp_path, """\
        ## H2H
        Stands for: house-to-house enquiries

        Knocking on doors.

        ## NOPE
        No stands-for line here.
        """, "## H2H plan\n\nDo H2H early. Then H2H again, and see [the other](/glossary).\n")
    report = sync_content(root)
    db.session.commit()
    assert [error.message for error in report.errors] == ["'NOPE' needs a 'Stands for:' line saying what it means in full"]
    page = db.session.scalar(sa.select(GuidancePage))
    assert page.html.count('href="/glossary#h2h"') == 1
    assert '<h2 id="h2h-plan">H2H plan</h2>' in page.html
    assert '<abbr title="house-to-house enquiries">H2H</abbr></a> early' in page.html
    (root / "glossary.md").write_text("## H2H\nStands for: house to house\n\nDoors.\n")
    report = sync_content(root)
    db.session.commit()
    assert report.ok and report.kinds["glossary"].changed == ["glossary.md#h2h"]
    assert report.kinds["guidance"].changed == ["guidance/first-response/doors.md"]
    db.session.refresh(page)
    assert '<abbr title="house to house">H2H</abbr>' in page.html


def test_vocabulary_is_built_by_sync_from_the_index(library, db):
    assert db.session.get(SearchWord, "disclosure").documents >= 2
    assert db.session.get(SearchWord, "the") is None  # too short to correct


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("dislcosure", "disclosure", 2) == 1
    assert edit_distance("huor", "hour", 1) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3
