"""The glossary of police abbreviations (content/glossary.md): imported by content sync, used to widen searches
and to link the first use of each abbreviation on a guidance page to its entry.

The file is a list of entries, each an `## TERM` heading, a `Stands for:` line, an optional `Also:` line (other
ways people say it, comma-separated) and a definition in markdown:

    ## H2H
    Stands for: house-to-house enquiries
    Also: house to house, door to door

    Going from door to door near a crime to find witnesses, ...
"""
import hashlib
import html as html_lib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lms.audit.services import record
from lms.content.errors import ContentError, ContentProblem
from lms.content.render import internal_links, plain_text, render_markdown
from lms.content.importing import KindReport, ParsedItem, read_text
from lms.extensions import db
from lms.search.index import index_document, remove_document
from lms.search.models import GlossaryTerm

GLOSSARY_FILE = "glossary.md"
GLOSSARY_PATH = "/glossary"
HEADING_RE = re.compile(r"^##\s+(.+?)\s*$")
WORDS_RE = re.compile(r"\w+")
#: Tags whose text is never given a glossary link: a link inside a link, a heading or code would be wrong.
NO_LINK_TAGS = {"a", "abbr", "code", "pre", "h2", "h3", "h4", "summary"}
TAG_RE = re.compile(r"(<[^>]+>)")
TAG_NAME_RE = re.compile(r"^<(/?)([a-zA-Z0-9]+)")


@dataclass(frozen=True)
class Entry:
    slug: str
    term: str
    expansion: str
    synonyms: tuple[str, ...]
    definition_source: str
    definition_html: str
    line: int

    @property
    def search_text(self) -> str:
        return " ".join([self.term, self.expansion, *self.synonyms, plain_text(self.definition_html)])


def slug_for(term: str) -> str:
    return "-".join(WORDS_RE.findall(term.lower()))


def read_glossary(root: Path) -> tuple[list[Entry], list[ContentError]]:
    """Parse content/glossary.md (no file: no entries). A broken entry is reported and left out, not the file."""
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return [], []
    try:
        text = read_text(path)
    except ContentProblem as problem:
        return [], [ContentError(GLOSSARY_FILE, problem.line, problem.message)]
    entries, errors, seen = [], [], {}
    for line, heading, body in _sections(text):
        try:
            entry = _entry(line, heading, body)
        except ContentProblem as problem:
            errors.append(ContentError(GLOSSARY_FILE, problem.line, problem.message))
            continue
        if entry.slug in seen:
            errors.append(ContentError(GLOSSARY_FILE, line, f"'{entry.term}' is already defined on line {seen[entry.slug]}"))
            continue
        seen[entry.slug] = line
        entries.append(entry)
    return entries, errors


def _sections(text: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Split the file into (heading line, heading, [(line, text)]); whatever comes before the first heading is an
    introduction for authors and is ignored."""
    sections = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = HEADING_RE.match(line)
        if heading:
            sections.append((number, heading.group(1), []))
        elif sections:
            sections[-1][2].append((number, line))
    return sections


def _entry(line: int, term: str, body: list[tuple[int, str]]) -> Entry:
    expansion, synonyms, definition = None, [], []
    for number, text in body:
        label, _, value = text.partition(":")
        if not definition and label.strip().lower() == "stands for":
            expansion = value.strip()
        elif not definition and label.strip().lower() == "also":
            synonyms = [part.strip() for part in value.split(",") if part.strip()]
        elif text.strip() or definition:
            definition.append(text)
    if not slug_for(term):
        raise ContentProblem("a glossary heading needs a term with letters or numbers", line)
    if not expansion:
        raise ContentProblem(f"'{term}' needs a 'Stands for:' line saying what it means in full", line)
    source = "\n".join(definition).strip()
    if not source:
        raise ContentProblem(f"'{term}' needs a definition in plain English after its 'Stands for:' line", line)
    return Entry(slug_for(term), term, expansion, tuple(synonyms), source, render_markdown(source).html, line)


def glossary_digest(entries: list[Entry]) -> str:
    """Changes whenever an entry's term or expansion does, so pages linked to the glossary are rendered again."""
    return hashlib.sha256("\n".join(f"{entry.slug}\t{entry.expansion}" for entry in entries).encode()).hexdigest()


def link_first_uses(html: str, entries: list[Entry]) -> str:
    """Link the first use of each glossary term in `html` to its entry, with its expansion as a tooltip.

    Runs once at import on sanitised HTML; the links it adds are built here from escaped text only.
    """
    patterns = {entry.slug: re.compile(rf"(?<![\w/-]){re.escape(entry.term)}(?![\w/-])") for entry in entries}
    by_slug = {entry.slug: entry for entry in entries}
    pending = set(by_slug)
    skipping: list[str] = []
    out = []
    for piece in TAG_RE.split(html):
        tag = TAG_NAME_RE.match(piece)
        if tag:
            closing, name = tag.group(1), tag.group(2).lower()
            if name in NO_LINK_TAGS:
                if closing and skipping:
                    skipping.pop()
                elif not closing:
                    skipping.append(name)
            out.append(piece)
        elif skipping or not pending or not piece.strip():
            out.append(piece)
        else:
            out.append(_link_text(piece, pending, patterns, by_slug))
    return "".join(out)


def _link_text(text: str, pending: set[str], patterns: dict, by_slug: dict) -> str:
    """Replace the first match of each still-unlinked term in one run of text (the terms do not overlap)."""
    matches = []
    for slug in sorted(pending):
        match = patterns[slug].search(text)
        if match:
            matches.append((match.start(), match.end(), slug))
    result, cursor = [], 0
    for start, end, slug in sorted(matches):
        if start < cursor:
            continue
        entry = by_slug[slug]
        result.append(text[cursor:start])
        result.append(f'<a class="lms-glossary-link" href="{GLOSSARY_PATH}#{slug}"><abbr title="'
                      f'{html_lib.escape(entry.expansion)}">{text[start:end]}</abbr></a>')
        cursor = end
        pending.discard(slug)
    result.append(text[cursor:])
    return "".join(result)


class GlossaryImporter:
    kind = "glossary"

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        entries, errors = read_glossary(root)
        items = [ParsedItem(path=GLOSSARY_FILE, key=entry.slug, data=entry,
                            links=internal_links(entry.definition_source, entry.line))
                 for entry in entries]
        return items, errors

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        # The glossary page is a site path whatever its entries (SITE_PATHS); its anchors are not checked.
        return set()

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        stored = {term.slug: term for term in db.session.scalars(sa.select(GlossaryTerm))}
        file_failed = GLOSSARY_FILE in failed_paths
        for position, item in enumerate(items):
            entry: Entry = item.data
            term = stored.pop(entry.slug, None)
            values = (entry.term, entry.expansion, list(entry.synonyms), entry.definition_html)
            label = f"{GLOSSARY_FILE}#{entry.slug}"
            if term is None:
                term = GlossaryTerm(slug=entry.slug)
                db.session.add(term)
                report.added.append(label)
            elif (term.term, term.expansion, term.synonyms, term.definition_html) == values:
                report.unchanged.append(label)
                term.position = position
                continue
            else:
                report.changed.append(label)
            term.term, term.expansion, term.synonyms, term.definition_html = values
            term.position = position
            index_document("glossary", entry.slug, title=f"{entry.term}: {entry.expansion}",
                           url=f"{GLOSSARY_PATH}#{entry.slug}", body=entry.search_text, context="Glossary")
        # An entry that failed to parse keeps its last good version rather than vanishing from the glossary.
        for slug, term in stored.items():
            if file_failed:
                continue
            remove_document("glossary", slug)
            db.session.delete(term)
            report.removed.append(f"{GLOSSARY_FILE}#{slug}")
        if report.added or report.changed or report.removed:
            record(None, "glossary.synced", "glossary", GLOSSARY_FILE,
                   f"Glossary: {len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed")
        db.session.flush()


def synonym_groups() -> dict[str, list[str]]:
    """Every way of saying each glossary term, keyed by each of them in lower case (one small query)."""
    groups: dict[str, list[str]] = {}
    for term, expansion, synonyms in db.session.execute(
            sa.select(GlossaryTerm.term, GlossaryTerm.expansion, GlossaryTerm.synonyms)):
        names = [term, expansion, *synonyms]
        phrases = list(dict.fromkeys(" ".join(WORDS_RE.findall(name.lower())) for name in names))
        for phrase in phrases:
            groups[phrase] = phrases
    return groups
