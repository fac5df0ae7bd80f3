"""Import pocket checklists from content/checklists/<slug>.md: `##` sections of `- [ ]` steps, Why: and See: lines."""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from lms.audit.services import record
from lms.checklists.models import Checklist
from lms.content.errors import ContentError, ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.importing import (KindReport, ParsedItem, change_kind, flat_markdown_files, live_slugs,
                                   read_text, render_again)
from lms.content.render import internal_links, plain_text, render_inline
from lms.extensions import db
from lms.search.index import index_document, remove_document
from lms.timeutil import utcnow

FIELDS = {"title": Field(str), "summary": Field(str, max_length=300),
          "order": Field(int, required=False, default=100)}

HEADING_RE = re.compile(r"^(#+)\s*(.*?)\s*#*\s*$")
STEP_RE = re.compile(r"^[-*+]\s+\[([ xX]?)\]\s*(.*)$")
LIST_ITEM_RE = re.compile(r"^([-*+]|\d+[.)])\s")
DETAIL_RE = re.compile(r"^(\w+)\s*:\s*(.*)$")
SITE_PATH_RE = re.compile(r"^/\S*$")
SHAPE = "a checklist holds only '## ' sections of '- [ ] ' steps, each with indented 'Why:' and 'See:' lines"


@dataclass
class StepDraft:
    line: int
    text: str
    why: str = ""
    why_line: int = 0
    #: (file line, site path) of each See: line
    see: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SectionDraft:
    line: int
    title: str
    steps: list[StepDraft] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistData:
    slug: str
    meta: dict
    source: str
    sections: list[dict]
    step_count: int
    guidance_slugs: list[str]
    #: the words of the checklist without markup, for search
    text: str
    content_hash: str
    links: list[tuple[int, str]]


class ChecklistImporter:
    kind = "checklist"

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        paths, errors = flat_markdown_files(root, "checklists", "a checklist must be at checklists/<slug>.md",
                                            not_markdown="only .md checklists belong in checklists/")
        items = []
        for path in paths:
            relative = path.relative_to(root).as_posix()
            try:
                data = parse_checklist(path)
            except ContentProblem as problem:
                errors.append(ContentError(relative, problem.line, problem.message))
                continue
            # One flat folder of <slug>.md files: the file system already keeps slugs unique.
            items.append(ParsedItem(path=relative, key=data.slug, data=data, links=data.links,
                                    provides={f"/checklist/{data.slug}"}))
        return items, errors

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        return {f"/checklist/{slug}" for slug in live_slugs(Checklist, failed_paths)}

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        existing = {checklist.slug: checklist for checklist in db.session.scalars(sa.select(Checklist))}
        for item in items:
            self._apply_one(item, existing.get(item.key), report)
        present = {item.key for item in items}
        for checklist in existing.values():
            if checklist.slug in present or checklist.is_retired or checklist.source_path in failed_paths:
                continue
            checklist.is_retired, checklist.retired_at = True, utcnow()
            remove_document("checklist", checklist.slug)
            record(None, "checklist.retired", "checklist", checklist.slug,
                   f"Retired checklist '{checklist.title}': source file removed")
            report.removed.append(checklist.source_path)
        db.session.flush()

    def _apply_one(self, item: ParsedItem, checklist: Checklist | None, report: KindReport) -> None:
        data: ChecklistData = item.data
        kind = change_kind(checklist, data.content_hash, item.path, report)
        if kind is None:
            render_again(checklist, sections=data.sections)
            return
        if checklist is None:
            checklist = Checklist(slug=data.slug)
            db.session.add(checklist)
        checklist.title, checklist.summary, checklist.position = (data.meta["title"], data.meta["summary"],
                                                                  data.meta["order"])
        checklist.sections, checklist.step_count = data.sections, data.step_count
        checklist.guidance_slugs = data.guidance_slugs
        checklist.source_path, checklist.source, checklist.content_hash = item.path, data.source, data.content_hash
        checklist.updated_at, checklist.is_retired, checklist.retired_at = utcnow(), False, None
        db.session.flush()
        index_document("checklist", checklist.slug, title=checklist.title, url=f"/checklist/{checklist.slug}",
                       body=data.text, summary=checklist.summary, context="Key steps checklist")
        record(None, f"checklist.{kind}", "checklist", checklist.slug,
               f"Checklist '{checklist.title}' {kind}: {data.step_count} steps")


def parse_checklist(path: Path) -> ChecklistData:
    """Read and validate one checklist file and render its steps; raise ContentProblem at the first fault."""
    slug = path.stem
    if not SLUG_RE.match(slug):
        raise ContentProblem(f"file name '{path.name}' must be a slug: lower-case words joined by hyphens")
    text = read_text(path)
    doc = split(text)
    meta = check_fields(doc, FIELDS)
    sections = read_sections(doc.body, doc.body_line)
    if not sections:
        raise ContentProblem(f"the checklist has no steps: {SHAPE}", doc.body_line)
    rendered, links, words = render_sections(sections)
    guidance = sorted({href.split("#", 1)[0].removeprefix("/guidance/") for _, href in links
                       if href.startswith("/guidance/")})
    return ChecklistData(
        slug=slug, meta=meta, source=text, sections=rendered,
        step_count=sum(len(section.steps) for section in sections), guidance_slugs=guidance,
        text=" ".join(words), content_hash=hashlib.sha256(text.encode()).hexdigest(), links=links,
    )


def read_sections(body: str, first_line: int) -> list[SectionDraft]:
    """Split the body into sections of steps, checking its shape line by line."""
    sections: list[SectionDraft] = []
    step: StepDraft | None = None
    for number, line in enumerate(body.splitlines(), start=first_line):
        if not line.strip():
            continue
        if line[0] in " \t":
            read_detail(line.strip(), number, step)
            continue
        heading = HEADING_RE.match(line)
        if heading:
            sections.append(read_heading(heading, number, sections))
            step = None
            continue
        match = STEP_RE.match(line)
        if match:
            step = read_step(match, number, sections)
            continue
        if LIST_ITEM_RE.match(line):
            raise ContentProblem("each step must be a task-list item, written '- [ ] What to do'", number)
        raise ContentProblem(f"text outside a step: {SHAPE}", number)
    for section in sections:
        if not section.steps:
            raise ContentProblem(f"section '{section.title}' has no steps", section.line)
    return sections


def read_heading(heading: re.Match, number: int, sections: list[SectionDraft]) -> SectionDraft:
    level, title = len(heading.group(1)), heading.group(2)
    if level != 2:
        raise ContentProblem("use '## ' for a section heading: a checklist has one level of sections and its "
                             "title comes from the front matter", number)
    if not title:
        raise ContentProblem("a section heading has no text", number)
    for other in sections:
        if other.title.lower() == title.lower():
            raise ContentProblem(f"section '{title}' appears twice (first at line {other.line})", number)
    return SectionDraft(number, title)


def read_step(match: re.Match, number: int, sections: list[SectionDraft]) -> StepDraft:
    if not sections:
        raise ContentProblem("a step must come under a '## ' section heading", number)
    mark, text = match.group(1), match.group(2).strip()
    if mark.lower() == "x":
        raise ContentProblem("write every step unticked, as '- [ ]': officers tick them on their phone", number)
    if not text:
        raise ContentProblem("a step has no text", number)
    section = sections[-1]
    for other in section.steps:
        if other.text.lower() == text.lower():
            raise ContentProblem(f"this step appears twice in '{section.title}' (first at line {other.line})",
                                 number)
    step = StepDraft(number, text)
    section.steps.append(step)
    return step


def read_detail(line: str, number: int, step: StepDraft | None) -> None:
    """Attach an indented 'Why:' or 'See:' line to the step above it."""
    match = DETAIL_RE.match(line)
    label = match.group(1).lower() if match else ""
    if label not in {"why", "see"}:
        raise ContentProblem("an indented line under a step must start with 'Why:' or 'See:'", number)
    if step is None:
        raise ContentProblem(f"a '{match.group(1)}:' line must come straight under the step it belongs to", number)
    value = match.group(2).strip()
    if not value:
        raise ContentProblem(f"the '{match.group(1)}:' line has no text", number)
    if label == "why":
        if step.why:
            raise ContentProblem(f"a step has one 'Why:' line; this step's is at line {step.why_line}", number)
        step.why, step.why_line = value, number
    elif not SITE_PATH_RE.match(value):
        raise ContentProblem("'See:' takes the path of a page on this site, such as /guidance/scene-preservation",
                             number)
    else:
        step.see.append((number, value))


def render_sections(sections: list[SectionDraft]) -> tuple[list[dict], list[tuple[int, str]], list[str]]:
    """Render each step's text and reason once; collect every link for the cross-content check."""
    rendered, links, words = [], [], []
    for section_number, section in enumerate(sections, start=1):
        steps = []
        words.append(section.title)
        for step_number, step in enumerate(section.steps, start=1):
            html = render_inline(step.text)
            if "<a " in html:
                raise ContentProblem("a step cannot hold a link, because the whole step is the button that ticks "
                                     "it: put the page on a 'See:' line", step.line)
            why_html = render_inline(step.why) if step.why else ""
            links += internal_links(step.why, step.why_line) + step.see
            steps.append({"id": f"s{section_number}-{step_number}", "html": html, "why_html": why_html,
                          "see": [href for _, href in step.see]})
            words += [plain_text(html), plain_text(why_html)]
        rendered.append({"title": section.title, "anchor": anchor(section.title, section_number), "steps": steps})
    return rendered, links, words


def anchor(title: str, number: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or f"section-{number}"
