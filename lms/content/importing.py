"""What sync and every kind's importer share: a parsed file, the report of a kind, the Importer protocol.

The importers and `content.sync` both import this; the sync never imports an importer (the app factory registers
them), so neither imports the other.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lms.content.errors import ContentError


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


def read_text(path: Path) -> str:
    """Read a content file as UTF-8 (a stray byte order mark is tolerated)."""
    return path.read_text(encoding="utf-8-sig")
