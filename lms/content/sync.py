"""Import the whole content tree: parse every kind, check links across kinds, then apply what is valid."""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lms.content.errors import ContentError

#: Site pages that exist whatever the content, so authors may link to them.
SITE_PATHS = {"/", "/guidance/", "/courses/", "/sessions/", "/checklist/", "/search", "/reports/"}


@dataclass
class ParsedItem:
    """One valid file, parsed and rendered, waiting to be applied."""

    #: path relative to the content root, e.g. "guidance/first-response/golden-hour.md"
    path: str
    key: str
    data: Any
    #: (file line, site path) of every internal link in the file
    links: list[tuple[int, str]] = field(default_factory=list)
    #: site paths this item makes exist, e.g. {"/guidance/golden-hour"}
    provides: set[str] = field(default_factory=set)


@dataclass
class KindReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Importer(Protocol):
    kind: str

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        """Read and validate every file of this kind; render markdown; touch no database."""

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        """Upsert the valid items and retire the ones whose file is gone (never one whose file failed)."""


def change_kind(stored, content_hash: str, path: str, report: KindReport) -> str | None:
    """Classify one valid file against its stored row and note it in the report.

    Returns "added" (nothing stored), "changed", "restored" (it had been retired) or None when nothing changed.
    """
    if stored is None:
        report.added.append(path)
        return "added"
    if stored.content_hash == content_hash and not stored.is_retired:
        report.unchanged.append(path)
        return None
    report.changed.append(path)
    return "restored" if stored.is_retired else "changed"


def registered_importers() -> list[Importer]:
    from lms.checklists.importer import ChecklistImporter
    from lms.courses.importer import CourseImporter
    from lms.guidance.importer import GuidanceImporter

    return [GuidanceImporter(), CourseImporter(), ChecklistImporter()]


def check_links(item: ParsedItem, targets: set[str]) -> list[ContentError]:
    errors = []
    for line, href in item.links:
        path = href.split("#", 1)[0].split("?", 1)[0] or "/"
        if path not in targets and path.rstrip("/") + "/" not in targets:
            errors.append(ContentError(item.path, line, f"link to '{href}' goes nowhere: no such page"))
    return errors


def sync_content(root: Path, importers: list[Importer] | None = None) -> SyncReport:
    """Bring the database in line with `root`. Flushes only; the caller commits."""
    importers = importers if importers is not None else registered_importers()
    report = SyncReport()
    parsed: dict[str, list[ParsedItem]] = {}
    for importer in importers:
        items, errors = importer.parse(root)
        parsed[importer.kind] = items
        report.errors.extend(errors)
    targets = set(SITE_PATHS)
    for items in parsed.values():
        for item in items:
            targets |= item.provides
    for importer in importers:
        valid = []
        for item in parsed[importer.kind]:
            problems = check_links(item, targets)
            if problems:
                report.errors.extend(problems)
            else:
                valid.append(item)
        parsed[importer.kind] = valid
    failed_paths = {error.path for error in report.errors}
    for importer in importers:
        kind_report = report.kinds.setdefault(importer.kind, KindReport())
        kind_report.failed = sorted(path for path in failed_paths if _belongs(path, importer.kind))
        importer.apply(parsed[importer.kind], kind_report, failed_paths)
    return report


def _belongs(path: str, kind: str) -> bool:
    folder = {"guidance": "guidance/", "course": "courses/", "checklist": "checklists/"}.get(kind, kind + "/")
    return path.startswith(folder)


def read_text(path: Path) -> str:
    """Read a content file as UTF-8 (a stray byte order mark is tolerated)."""
    return path.read_text(encoding="utf-8-sig")
