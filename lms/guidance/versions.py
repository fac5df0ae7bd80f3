"""Permanent versions of guidance pages: store one when the text officers read changes, find the one in force on a
day, and compare two paragraph by paragraph."""
import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.guidance.models import GuidancePage, GuidanceVersion
from lms.timeutil import from_london, utcnow


def store_version(page: GuidancePage, toc: list, is_major: bool, note: str) -> GuidanceVersion | None:
    """Keep the page's text as a new version when its title, summary or body differ from the current version.

    A major change is announced once per note: a file still saying `change: major` with the note already given,
    after a later typo fix, makes a minor version rather than asking everyone again.
    """
    current = version_of(page, page.version) if page.version else None
    if current is not None and (current.title, current.summary, current.html) == (page.title, page.summary,
                                                                                    page.html):
        return None
    is_major = is_major and current is not None and note != page.last_major_note
    version = GuidanceVersion(page_id=page.id, number=page.version + 1, starts_at=utcnow(), title=page.title,
                              summary=page.summary, source=page.source, html=page.html, toc=toc,
                              is_major=is_major, change_note=note if is_major else "")
    db.session.add(version)
    page.version = version.number
    if is_major:
        page.last_major_at, page.last_major_note = version.starts_at, note
        page.last_major_version = version.number
    db.session.flush()
    return version


def version_of(page: GuidancePage, number: int) -> GuidanceVersion | None:
    return db.session.scalar(sa.select(GuidanceVersion).where(GuidanceVersion.page_id == page.id,
                                                               GuidanceVersion.number == number))


def end_of_london_day(day: date) -> datetime:
    """The first moment (naive UTC) after `day` ends in London: a change made at any time that day is in force
    "on" it, so an as-at link for the day of a change shows the changed text."""
    return from_london(day + timedelta(days=1), time(0, 0))


def version_on(page: GuidancePage, day: date) -> GuidanceVersion | None:
    """The version in force at the end of `day` (London), or None when the page had no stored version yet."""
    return db.session.scalar(
        sa.select(GuidanceVersion).where(GuidanceVersion.page_id == page.id,
                                         GuidanceVersion.starts_at < end_of_london_day(day))
        .order_by(GuidanceVersion.starts_at.desc(), GuidanceVersion.number.desc()).limit(1))


def next_start(version: GuidanceVersion) -> datetime | None:
    """When the version after this one came into force: the end of this one (None while it is current)."""
    return db.session.scalar(sa.select(GuidanceVersion.starts_at).where(
        GuidanceVersion.page_id == version.page_id, GuidanceVersion.number == version.number + 1))


def page_versions(page: GuidancePage) -> list:
    """Every version of the page, newest first, without their text (one query however many there are)."""
    return list(db.session.execute(
        sa.select(GuidanceVersion.number, GuidanceVersion.starts_at, GuidanceVersion.is_major,
                  GuidanceVersion.change_note, GuidanceVersion.title)
        .where(GuidanceVersion.page_id == page.id).order_by(GuidanceVersion.number.desc())))


def two_versions(page: GuidancePage, first: int, second: int) -> tuple[GuidanceVersion, GuidanceVersion] | None:
    rows = {version.number: version for version in db.session.scalars(sa.select(GuidanceVersion).where(
        GuidanceVersion.page_id == page.id, GuidanceVersion.number.in_((first, second))))}
    if first not in rows or second not in rows:
        return None
    return rows[first], rows[second]


@dataclass(frozen=True)
class DiffBlock:
    #: "same", "removed" or "added"
    state: str
    text: str


BLANK_LINES = re.compile(r"\n\s*\n")
#: unchanged paragraphs shown either side of a change; longer runs are folded away
CONTEXT = 1


def paragraphs(version: GuidanceVersion) -> list[str]:
    """The version as a reader meets it: title, summary, then each paragraph of the body (blank-line separated)."""
    body = [block.strip() for block in BLANK_LINES.split(version.source) if block.strip()]
    return [f"Title: {version.title}", f"Summary: {version.summary}", *body]


def paragraph_diff(old: GuidanceVersion, new: GuidanceVersion) -> list[DiffBlock | int]:
    """The paragraphs removed and added between two versions, with one unchanged paragraph around each change;
    an int stands for that many unchanged paragraphs left out."""
    before, after = paragraphs(old), paragraphs(new)
    blocks: list[DiffBlock | int] = []
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = before[i1:i2]
            head = same[:CONTEXT] if index > 0 else []
            tail = same[-CONTEXT:] if index < len(opcodes) - 1 else []
            if len(head) + len(tail) >= len(same):
                head, tail = same, []
            blocks.extend(DiffBlock("same", text) for text in head)
            if len(same) - len(head) - len(tail):
                blocks.append(len(same) - len(head) - len(tail))
            blocks.extend(DiffBlock("same", text) for text in tail)
            continue
        blocks.extend(DiffBlock("removed", text) for text in before[i1:i2])
        blocks.extend(DiffBlock("added", text) for text in after[j1:j2])
    return blocks
