"""Issue 13 item 15: an officer reading on a phone meets no unexplained abbreviation, and sees the key points first.

Every abbreviation in the shipped content is in the glossary, and on every guidance page, module and course page
the first use of each glossary term is either linked to its entry or spelt out before it.
"""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.courses.models import Course, Module
from lms.content.frontmatter import split
from lms.guidance.models import GuidancePage
from lms.trainers.models import FacilitatorPage
from lms.search.glossary import NO_LINK_TAGS, TAG_NAME_RE, TAG_RE, read_glossary
from tests.courses_support import library  # noqa: F401

CONTENT = Path(__file__).resolve().parent.parent / "content"
ABBREVIATION_RE = re.compile(r"(?<![\w/-])([A-Z][A-Z0-9]+)s?(?![\w/-])")
#: capitals that are not abbreviations: hypothesis labels, an invented number plate, a car make, a mnemonic word
NOT_ABBREVIATIONS = {"H1", "H2", "H3", "AB12", "CDE", "VW", "OK", "FOUR"}
#: MG3, MG6C ...: the case file forms, explained under the glossary's "MG forms"
MG_FORM_RE = re.compile(r"^MG\d+[A-Z]?$")


def _glossary():
    entries, errors = read_glossary(CONTENT)
    assert errors == []
    return entries


def _pages(db) -> list[tuple[str, str]]:
    """(name, rendered HTML) of every page people read: guidance, modules, course pages and the facilitator pack."""
    pages = [(f"guidance/{page.slug}", page.html) for page in db.session.scalars(
        sa.select(GuidancePage).where(GuidancePage.is_retired.is_(False)))]
    pages += [(f"module {module.slug}", module.html) for module in db.session.scalars(
        sa.select(Module).where(Module.is_retired.is_(False)))]
    pages += [(f"course {course.slug}", course.intro_html) for course in db.session.scalars(sa.select(Course))]
    pages += [(f"trainers/{page.slug}", page.html) for page in db.session.scalars(sa.select(FacilitatorPage))]
    return pages


def _markdown_files() -> list[Path]:
    return sorted([*CONTENT.glob("guidance/*/*.md"), *CONTENT.glob("courses/*/*.md"), *CONTENT.glob("checklists/*.md"),
                   *CONTENT.glob("facilitator/*.md")])


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda path: path.relative_to(CONTENT).as_posix())
def test_every_abbreviation_in_the_content_is_in_the_glossary(path):
    known = set()
    for entry in _glossary():
        known |= {entry.term, *entry.synonyms}
    text = split(path.read_text()).body  # front matter holds codes and citations, not prose
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets are addresses, not prose
    unknown = {word for word in ABBREVIATION_RE.findall(text)
               if word not in known and word not in NOT_ABBREVIATIONS and not MG_FORM_RE.match(word)}
    assert not unknown, f"add to content/glossary.md or spell out: {sorted(unknown)}"


def _first_use(html: str, pattern: re.Pattern) -> tuple[str, bool] | None:
    """(the plain text before the first use of a term outside headings and code, whether that use is a glossary
    link), or None when the page never uses it."""
    before, skipping, in_glossary_link = [], [], False
    for piece in TAG_RE.split(html):
        tag = TAG_NAME_RE.match(piece)
        if tag:
            closing, name = tag.group(1), tag.group(2).lower()
            if name == "a" and (in_glossary_link or "lms-glossary-link" in piece):
                # the glossary's own links count as the first use; any other link is skipped, as when linking
                in_glossary_link = not closing
            elif name in NO_LINK_TAGS and not in_glossary_link:
                if closing and skipping:
                    skipping.pop()
                elif not closing:
                    skipping.append(name)
            continue
        match = None if skipping else pattern.search(piece)
        if match:
            return "".join(before) + piece[:match.start()], in_glossary_link
        before.append(piece)
    return None


def test_every_page_links_or_spells_out_the_first_use_of_each_glossary_abbreviation(db, library):
    entries = _glossary()
    problems = []
    for name, html in _pages(db):
        for entry in entries:
            pattern = re.compile(rf"(?<![\w/-]){re.escape(entry.term)}(?![\w/-])")
            first = _first_use(html, pattern)
            if first is None:
                continue
            before, is_linked = first
            if not is_linked and entry.expansion.lower() not in before.lower():
                problems.append(f"{name}: first '{entry.term}' is neither linked nor spelt out")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sorted(CONTENT.glob("checklists/*.md")), ids=lambda path: path.name)
def test_checklists_spell_out_each_abbreviation_at_its_first_use(path):
    """A checklist step is the button that ticks it, so it cannot hold a glossary link: spell the term out."""
    body = split(path.read_text()).body
    missing = []
    for entry in _glossary():
        match = re.search(rf"(?<![\w/-]){re.escape(entry.term)}(?![\w/-])", body)
        if match and entry.expansion.lower() not in body[:match.start()].lower():
            missing.append(f"{entry.term} ({entry.expansion})")
    assert not missing, f"spell out at first use: {missing}"


def test_every_guidance_page_puts_its_key_points_first(db, library):
    """On a phone the first screen is all many officers read."""
    for page in db.session.scalars(sa.select(GuidancePage).where(GuidancePage.is_retired.is_(False))):
        headings = [text for _, _, text in page.toc]
        assert headings and headings[0] == "Key points", f"{page.slug}: {headings[:3]}"


@pytest.mark.parametrize("slug", ["plan-example-burglary", "plan-example-domestic-abuse"])
def test_worked_examples_read_on_a_phone_without_wide_tables(db, library, slug):
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == slug))
    assert "<table" not in page.html
