"""Import the facilitator pack from content/facilitator/<slug>.md: pages with a title, summary and order.

The pack holds the scenarios' model answers, so it is stored apart from guidance and never indexed for search.
"""
import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lms.audit.services import record
from lms.content.errors import ContentError, ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.importing import (KindReport, ParsedItem, change_kind, flat_markdown_files, live_slugs,
                                   read_text)
from lms.content.render import callout_problems, internal_links, render_markdown
from lms.extensions import db
from lms.search.glossary import glossary_digest, link_first_uses, read_glossary
from lms.timeutil import utcnow
from lms.trainers.models import FacilitatorPage

FOLDER = "facilitator"
FIELDS = {"title": Field(str, max_length=200), "summary": Field(str, max_length=400),
          "order": Field(int, required=False, default=100)}


@dataclass(frozen=True)
class PackPageData:
    slug: str
    meta: dict
    html: str
    toc: list
    content_hash: str


def pack_path(slug: str) -> str:
    return f"/trainers/{slug}"


class FacilitatorImporter:
    kind = "facilitator"

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        paths, errors = flat_markdown_files(root, FOLDER, "the facilitator pack is one folder of pages: "
                                                          "facilitator/<slug>.md", skip=(".",))
        items = []
        if not paths:
            return items, errors
        glossary = read_glossary(root)[0]
        for path in paths:
            relative = path.relative_to(root).as_posix()
            try:
                items.append(self._page(root, path, glossary))
            except ContentProblem as problem:
                errors.append(ContentError(relative, problem.line, problem.message))
        return items, errors

    def _page(self, root: Path, path: Path, glossary) -> ParsedItem:
        if not SLUG_RE.match(path.stem):
            raise ContentProblem(f"file name '{path.name}' must be a slug: lower-case words joined by hyphens")
        text = read_text(path)
        doc = split(text)
        meta = check_fields(doc, FIELDS)
        for line, message in callout_problems(doc.body, doc.body_line):
            raise ContentProblem(message, line)
        if not doc.body.strip():
            raise ContentProblem("the page has no text after the front matter", doc.body_line)
        rendered = render_markdown(doc.body)
        digest = hashlib.sha256((glossary_digest(glossary) + "\n" + text).encode()).hexdigest()
        data = PackPageData(path.stem, meta, link_first_uses(rendered.html, glossary), rendered.toc, digest)
        return ParsedItem(path=path.relative_to(root).as_posix(), key=path.stem, data=data,
                          links=internal_links(doc.body, doc.body_line), provides={pack_path(path.stem)})

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        return {pack_path(slug) for slug in live_slugs(FacilitatorPage, failed_paths)}

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        existing = {page.slug: page for page in db.session.scalars(sa.select(FacilitatorPage))}
        for item in items:
            data: PackPageData = item.data
            page = existing.get(data.slug)
            kind = change_kind(page, data.content_hash, item.path, report)
            if kind is None:
                continue
            if page is None:
                page = FacilitatorPage(slug=data.slug)
                db.session.add(page)
            page.title, page.summary, page.position = data.meta["title"], data.meta["summary"], data.meta["order"]
            page.html, page.toc, page.source_path, page.content_hash = data.html, data.toc, item.path, data.content_hash
            page.is_retired, page.updated_at = False, utcnow()
            db.session.flush()
            record(None, f"facilitator_page.{kind}", "facilitator_page", page.slug,
                   f"Facilitator pack page '{page.title}' {kind}")
        present = {item.key for item in items}
        for page in existing.values():
            if page.slug in present or page.is_retired or page.source_path in failed_paths:
                continue
            page.is_retired, page.updated_at = True, utcnow()
            record(None, "facilitator_page.retired", "facilitator_page", page.slug,
                   f"Facilitator pack page '{page.title}' retired: source file removed")
            report.removed.append(page.source_path)
        db.session.flush()
