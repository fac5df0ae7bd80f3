"""Import guidance pages from content/guidance/<category>/<slug>.md."""
import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import yaml

from lms.audit.services import record
from lms.content.errors import ContentError, ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.importing import KindReport, ParsedItem, change_kind, live_slugs, read_text, render_again
from lms.content.render import callout_problems, internal_links, render_markdown
from lms.extensions import db
from lms.guidance.citations import alert_trained_officers
from lms.guidance.models import GuidanceAudience, GuidanceCategory, GuidancePage, GuidanceRevision, GuidanceVersion
from lms.guidance.versions import store_version, version_of
from lms.people.models import RANKS, TEAM_TYPES
from lms.search.glossary import glossary_digest, link_first_uses, read_glossary
from lms.search.index import index_document, remove_document
from lms.timeutil import utcnow

PAGE_FIELDS = {
    "title": Field(str),
    "summary": Field(str, max_length=300),
    "tags": Field(list, required=False, default=[]),
    "owner": Field(str),
    "last_reviewed": Field(dt.date),
    "review_due": Field(dt.date),
    "related": Field(list, required=False, default=[]),
    "category": Field(str, required=False),
    #: where the page's facts come from: each a markdown link to a web address, or plain text
    "sources": Field(list, required=False, default=[]),
    #: "major" (officers are told, and the audience asked to acknowledge) or "minor" (typos: nobody is bothered)
    "change": Field(str, required=False, default="minor"),
    #: what the change means for an officer; required with `change: major`
    "change_note": Field(str, required=False, default="", max_length=500),
    #: who must confirm they have read a major change: rank codes (PC, DS) or team types (RESPONSE, LOCAL_CID)
    "acknowledge": Field(list, required=False, default=[]),
}
CATEGORY_FIELDS = {"title": Field(str), "summary": Field(str, required=False, default=""),
                   "order": Field(int, required=False, default=100)}
TRACKED_FIELDS = ("title", "summary", "tags", "owner", "last_reviewed", "review_due", "category")


@dataclass(frozen=True)
class CategoryData:
    slug: str
    title: str
    summary: str
    order: int


@dataclass(frozen=True)
class PageData:
    slug: str
    category: CategoryData
    meta: dict
    source: str
    html: str
    toc: list
    text: str
    content_hash: str
    #: file line of the body's first line, so link errors point at the real line
    body_line: int


class GuidanceImporter:
    kind = "guidance"
    #: the glossary's valid entries, read at the start of each parse, for linking first uses
    glossary: list = []

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        folder = root / "guidance"
        items, errors = [], []
        if not folder.is_dir():
            return items, errors
        seen: dict[str, str] = {}
        # The glossary's own errors are reported by its importer; pages link whatever entries are valid.
        self.glossary = read_glossary(root)[0]
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_dir() or path.name.startswith("_") and path.name != "_category.yml" or path.name.startswith("."):
                continue
            if path.name == "_category.yml":
                continue
            if path.suffix != ".md":
                errors.append(ContentError(relative, 0, "only .md pages and _category.yml belong in guidance/"))
                continue
            if path.parent.parent != folder:
                errors.append(ContentError(relative, 0, "a guidance page must be at guidance/<category>/<slug>.md"))
                continue
            try:
                category = self._category(path.parent)
                data = self._page(path, category)
            except ContentProblem as problem:
                errors.append(ContentError(relative, problem.line, problem.message))
                continue
            if data.slug in seen:
                errors.append(ContentError(relative, 0, f"slug '{data.slug}' is already used by {seen[data.slug]}"))
                continue
            seen[data.slug] = relative
            items.append(ParsedItem(
                path=relative, key=data.slug, data=data, links=internal_links(data.source, data.body_line),
                provides={f"/guidance/{data.slug}"},
            ))
        return items, errors

    def _category(self, folder: Path) -> CategoryData:
        slug = folder.name
        if not SLUG_RE.match(slug):
            raise ContentProblem(f"category folder '{slug}' must be lower-case words joined by hyphens")
        meta_file = folder / "_category.yml"
        if not meta_file.exists():
            return CategoryData(slug, slug.replace("-", " ").capitalize(), "", 100)
        try:
            meta = yaml.safe_load(read_text(meta_file)) or {}
        except ContentProblem as problem:
            # Reported against each page of the folder, so say which file and line it means.
            raise ContentProblem(f"{meta_file.name} in this folder, line {problem.line}: {problem.message}") from None
        except yaml.YAMLError:
            raise ContentProblem(f"{meta_file.name} in this folder is not valid YAML") from None
        if not isinstance(meta, dict):
            raise ContentProblem(f"{meta_file.name} in this folder must hold 'field: value' lines")
        from lms.content.frontmatter import Document

        values = check_fields(Document(meta, "", 0, {}), CATEGORY_FIELDS)
        return CategoryData(slug, values["title"], values["summary"], values["order"])

    def _page(self, path: Path, category: CategoryData) -> PageData:
        slug = path.stem
        if not SLUG_RE.match(slug):
            raise ContentProblem(f"file name '{path.name}' must be a slug: lower-case words joined by hyphens")
        text = read_text(path)
        doc = split(text)
        meta = check_fields(doc, PAGE_FIELDS)
        if meta["category"] and meta["category"] != category.slug:
            raise ContentProblem(f"category '{meta['category']}' does not match the folder '{category.slug}'",
                                 doc.key_lines.get("category", 2))
        meta["category"] = category.slug
        if meta["review_due"] <= meta["last_reviewed"]:
            raise ContentProblem("review_due must be after last_reviewed", doc.key_lines.get("review_due", 2))
        meta["tags"] = sorted({tag.lower() for tag in meta["tags"]})
        check_change(doc, meta)
        for line, message in callout_problems(doc.body, doc.body_line):
            raise ContentProblem(message, line)
        if not doc.body.strip():
            raise ContentProblem("the page has no text after the front matter", doc.body_line)
        rendered = render_markdown(doc.body + sources_section(doc, meta["sources"]))
        html = link_first_uses(rendered.html, self.glossary)
        digest = hashlib.sha256("\n".join((category.slug, glossary_digest(self.glossary), text)).encode()).hexdigest()
        return PageData(slug, category, meta, doc.body, html, [list(entry) for entry in rendered.toc],
                        rendered.text, digest, doc.body_line)

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        return {f"/guidance/{slug}" for slug in live_slugs(GuidancePage, failed_paths)}

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        categories = self._apply_categories({item.data.category for item in items})
        pages = {page.slug: page for page in db.session.scalars(sa.select(GuidancePage))}
        new_versions = []
        for item in items:
            version = self._apply_page(item, pages.get(item.key), categories[item.data.category.slug], report)
            if version is not None:
                new_versions.append(version)
        alert_trained_officers(new_versions)
        present = {item.key for item in items}
        for page in pages.values():
            if page.slug in present or page.is_retired or page.source_path in failed_paths:
                continue
            page.is_retired = True
            page.retired_at = utcnow()
            page.revisions.add(GuidanceRevision(kind="retired", summary="Source file removed; page retired"))
            remove_document("guidance", page.slug)
            record(None, "guidance.retired", "guidance", page.slug, f"Retired guidance page '{page.title}'")
            report.removed.append(page.source_path)

    def _apply_categories(self, wanted: set[CategoryData]) -> dict[str, GuidanceCategory]:
        existing = {category.slug: category for category in db.session.scalars(sa.select(GuidanceCategory))}
        for data in wanted:
            category = existing.get(data.slug)
            if category is None:
                category = existing[data.slug] = GuidanceCategory(slug=data.slug)
                db.session.add(category)
            category.title, category.summary, category.position = data.title, data.summary, data.order
        db.session.flush()
        return existing

    def _apply_page(self, item: ParsedItem, page: GuidancePage | None, category: GuidanceCategory,
                    report: KindReport) -> tuple[GuidancePage, GuidanceVersion] | None:
        """Bring one page in line with its file; returns the new version when the text readers see changed."""
        data: PageData = item.data
        kind = change_kind(page, data.content_hash, item.path, report)
        if kind is None:
            if render_again(page, html=data.html, toc=data.toc) and page.version:
                render_again(version_of(page, page.version), html=data.html, toc=data.toc)  # as it reads now
            return None
        if page is None:
            summary, diff_text = "Page added", ""
            page = GuidancePage(slug=data.slug)
            db.session.add(page)
        else:
            summary, diff_text = describe_change(page, data)
        meta = data.meta
        page.category = category
        page.title, page.summary, page.owner = meta["title"], meta["summary"], meta["owner"]
        page.tags, page.related_slugs = meta["tags"], meta["related"]
        page.last_reviewed, page.review_due = meta["last_reviewed"], meta["review_due"]
        page.source_path, page.source, page.html, page.toc = item.path, data.source, data.html, data.toc
        page.content_hash, page.updated_at = data.content_hash, utcnow()
        page.is_retired, page.retired_at = False, None
        db.session.flush()
        set_audience(page, meta["acknowledge"])
        version = store_version(page, data.toc, meta["change"] == "major", meta["change_note"])
        page.revisions.add(GuidanceRevision(kind=kind, summary=summary, diff=diff_text,
                                            version=version.number if version else None))
        index_document("guidance", page.slug, title=page.title, url=f"/guidance/{page.slug}", body=data.text,
                       summary=page.summary, context=category.title)
        record(None, f"guidance.{kind}", "guidance", page.slug, f"Guidance '{page.title}': {summary}")
        return (page, version) if version else None


def set_audience(page: GuidancePage, names: list[str]) -> None:
    """Make the page's acknowledgement audience exactly `names`."""
    db.session.execute(sa.delete(GuidanceAudience).where(GuidanceAudience.page_id == page.id))
    db.session.add_all(GuidanceAudience(page_id=page.id, name=name) for name in sorted(set(names)))


def check_change(doc, meta: dict) -> None:
    """`change` is major or minor, a major change says what changed, and `acknowledge` names ranks or team types."""
    if meta["change"] not in ("major", "minor"):
        raise ContentProblem(f"change must be major or minor, not '{meta['change']}'", doc.key_lines.get("change", 2))
    if meta["change"] == "major" and not meta["change_note"]:
        raise ContentProblem("a major change needs a change_note saying what changed for officers",
                             doc.key_lines.get("change", 2))
    unknown = [name for name in meta["acknowledge"] if name not in RANKS and name not in TEAM_TYPES]
    if unknown:
        raise ContentProblem(f"acknowledge lists rank codes (PC, DS) or team types (RESPONSE, LOCAL_CID), "
                             f"not '{unknown[0]}'", doc.key_lines.get("acknowledge", 2))


SOURCE_LINK_RE = re.compile(r"\]\(([^)]*)\)")


def sources_section(doc, sources: list[str]) -> str:
    """The page's `sources` as a "Sources" section at its foot; each link must go to a web address."""
    for source in sources:
        for address in SOURCE_LINK_RE.findall(source):
            if not address.startswith(("https://", "http://")):
                raise ContentProblem(f"a source's link must be a web address starting https://, not '{address}'",
                                     doc.key_lines.get("sources", 2))
    if not sources:
        return ""
    return "\n\n## Sources\n\n" + "\n".join(f"- {source}" for source in sources) + "\n"


def describe_change(page: GuidancePage, data: PageData) -> tuple[str, str]:
    """Summarise what an import changed in a page: which fields, and how many lines of text."""
    before = {"title": page.title, "summary": page.summary, "tags": page.tags, "owner": page.owner,
              "last_reviewed": page.last_reviewed, "review_due": page.review_due,
              "category": page.category.slug if page.category else None}
    fields = [name.replace("_", " ") for name in TRACKED_FIELDS if before[name] != data.meta[name]]
    diff_lines = list(difflib.unified_diff(page.source.splitlines(), data.source.splitlines(),
                                           "before", "after", lineterm="", n=1))
    added = sum(1 for line in diff_lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff_lines if line.startswith("-") and not line.startswith("---"))
    parts = []
    if fields:
        parts.append(f"{', '.join(fields)} changed")
    if added or removed:
        parts.append(f"{added} line{'s' if added != 1 else ''} added, {removed} removed")
    # The first two lines are the "--- before / +++ after" header, which says nothing to a reader.
    return ("; ".join(parts) or "formatting changed").capitalize(), "\n".join(diff_lines[2:])[:50000]
