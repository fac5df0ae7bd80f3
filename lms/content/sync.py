"""Import the whole content tree: parse every kind, check links across kinds, then apply what is valid."""
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from lms.content.errors import ContentError
from lms.content.importing import Importer, KindReport, ParsedItem

#: Site pages that exist whatever the content, so authors may link to them.
SITE_PATHS = {"/", "/guidance/", "/courses/", "/sessions/", "/checklist/", "/search", "/reports/"}


@dataclass
class SyncReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def register_importer(app: Flask, importer: Importer) -> None:
    """Add a kind of content to what `sync_content` imports for `app`; kinds are applied in the order added."""
    app.extensions.setdefault("content_importers", []).append(importer)


def registered_importers() -> list[Importer]:
    return list(current_app.extensions.get("content_importers", []))


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
