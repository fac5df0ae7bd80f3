"""Import rubrics from content/rubrics/<slug>.md; a change to the criteria makes a new version, kept for good."""
from pathlib import Path

import sqlalchemy as sa

from lms.audit.services import record
from lms.content.errors import ContentError, ContentProblem
from lms.content.importing import KindReport, ParsedItem, change_kind, flat_markdown_files, live_slugs
from lms.extensions import db
from lms.quality.models import Rubric, RubricVersion
from lms.quality.rubric_format import RubricData, parse_rubric
from lms.timeutil import utcnow


class RubricImporter:
    kind = "rubric"

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        paths, errors = flat_markdown_files(root, "rubrics", "a rubric must be at rubrics/<slug>.md")
        items = []
        for path in paths:
            relative = path.relative_to(root).as_posix()
            try:
                data = parse_rubric(path)
            except ContentProblem as problem:
                errors.append(ContentError(relative, problem.line, problem.message))
                continue
            items.append(ParsedItem(path=relative, key=data.slug, data=data, links=data.links,
                                    provides={f"/rubrics/{data.slug}"}))
        return items, errors

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        return {f"/rubrics/{slug}" for slug in live_slugs(Rubric, failed_paths)}

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        existing = {rubric.slug: rubric for rubric in db.session.scalars(sa.select(Rubric))}
        newest = {version.rubric_id: version for version in db.session.scalars(
            sa.select(RubricVersion).join(Rubric).where(RubricVersion.number == Rubric.version))}
        for item in items:
            rubric = existing.get(item.key)
            self._apply_one(item, rubric, newest.get(rubric.id) if rubric else None, report)
        present = {item.key for item in items}
        for rubric in existing.values():
            if rubric.slug in present or rubric.is_retired or rubric.source_path in failed_paths:
                continue
            rubric.is_retired, rubric.retired_at = True, utcnow()
            record(None, "rubric.retired", "rubric", rubric.slug,
                   f"Retired rubric '{rubric.title}': source file removed")
            report.removed.append(rubric.source_path)
        db.session.flush()

    def _apply_one(self, item: ParsedItem, rubric: Rubric | None, newest: RubricVersion | None,
                   report: KindReport) -> None:
        data: RubricData = item.data
        kind = change_kind(rubric, data.content_hash, item.path, report)
        if kind is None:
            return
        if rubric is None:
            rubric = Rubric(slug=data.slug, version=0)
            db.session.add(rubric)
        rubric.title, rubric.summary, rubric.use = data.meta["title"], data.meta["summary"], data.meta["use"]
        rubric.source_path, rubric.content_hash = item.path, data.content_hash
        rubric.updated_at, rubric.is_retired, rubric.retired_at = utcnow(), False, None
        db.session.flush()
        summary = f"Rubric '{rubric.title}' {kind}"
        # Reviews point at the version they used, so a version is never changed: new criteria are a new version.
        if newest is None or newest.criteria_hash != data.criteria_hash:
            rubric.version += 1
            db.session.add(RubricVersion(rubric_id=rubric.id, number=rubric.version, criteria=data.criteria,
                                         max_score=data.max_score, criteria_hash=data.criteria_hash))
            summary += f": version {rubric.version}, {len(data.criteria)} criteria"
        record(None, f"rubric.{kind}", "rubric", rubric.slug, summary)
