"""Read and check one rubric file: `## ` criteria, each with an optional guide line and its scored levels.

A level is a list item `- <score> <label>: <descriptor>`; a criterion's scores run 0, 1, 2, … in order. Pure
functions, no database, so every rule can be tested on a string.
"""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.content.errors import ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.importing import read_text
from lms.content.render import internal_links, render_inline
from lms.quality.models import RUBRIC_USES

FIELDS = {"title": Field(str, max_length=200), "summary": Field(str, max_length=300), "use": Field(str)}
HEADING_RE = re.compile(r"^(#+)\s*(.*?)\s*#*\s*$")
LEVEL_RE = re.compile(r"^[-*+]\s+(\d+)\s+([^:]+?)\s*:\s*(.*)$")
LIST_ITEM_RE = re.compile(r"^([-*+]|\d+[.)])\s")
SHAPE = ("a rubric holds '## ' criteria, each with an optional line saying what it looks for, then its levels "
         "written '- 0 Not evident: what that looks like'")
MIN_CRITERIA, MIN_LEVELS, MAX_LEVELS = 2, 2, 6


@dataclass
class CriterionDraft:
    line: int
    title: str
    guide: list[tuple[int, str]] = field(default_factory=list)
    #: (line, score, label, descriptor)
    levels: list[tuple[int, int, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RubricData:
    slug: str
    meta: dict
    criteria: list[dict]
    max_score: int
    #: hash of the criteria alone: a new version is made only when what reviewers score against changes
    criteria_hash: str
    content_hash: str
    links: list[tuple[int, str]]


def criterion_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_rubric(path: Path) -> RubricData:
    """Read and validate one rubric file and render its text; raise ContentProblem at the first fault."""
    if not SLUG_RE.match(path.stem):
        raise ContentProblem(f"file name '{path.name}' must be a slug: lower-case words joined by hyphens")
    text = read_text(path)
    doc = split(text)
    meta = check_fields(doc, FIELDS)
    if meta["use"] not in RUBRIC_USES:
        raise ContentProblem(f"use must be one of {', '.join(RUBRIC_USES)}, not '{meta['use']}'",
                             doc.key_lines.get("use", 2))
    drafts = read_criteria(doc.body, doc.body_line)
    if len(drafts) < MIN_CRITERIA:
        raise ContentProblem(f"a rubric needs at least {MIN_CRITERIA} criteria: {SHAPE}", doc.body_line)
    criteria, links = [], []
    for draft in drafts:
        guide = " ".join(line for _, line in draft.guide)
        links += [link for number, line in draft.guide for link in internal_links(line, number)]
        criteria.append({
            "key": criterion_key(draft.title), "title": draft.title,
            "guide_html": render_inline(guide) if guide else "",
            "levels": [{"score": score, "label": label, "html": render_inline(descriptor)}
                       for _, score, label, descriptor in draft.levels],
        })
    criteria_text = repr([(c["key"], c["title"], c["guide_html"], c["levels"]) for c in criteria])
    return RubricData(slug=path.stem, meta=meta, criteria=criteria,
                      max_score=sum(c["levels"][-1]["score"] for c in criteria),
                      criteria_hash=hashlib.sha256(criteria_text.encode()).hexdigest(),
                      content_hash=hashlib.sha256(text.encode()).hexdigest(), links=links)


def read_criteria(body: str, first_line: int) -> list[CriterionDraft]:
    """Split the body into criteria, checking its shape line by line."""
    criteria: list[CriterionDraft] = []
    for number, line in enumerate(body.splitlines(), start=first_line):
        if not line.strip():
            continue
        heading = HEADING_RE.match(line)
        if heading:
            criteria.append(read_heading(heading, number, criteria))
            continue
        if not criteria:
            raise ContentProblem(f"text before the first criterion: {SHAPE}", number)
        criterion = criteria[-1]
        if LIST_ITEM_RE.match(line.strip()):
            read_level(line.strip(), number, criterion)
        elif criterion.levels:
            raise ContentProblem("the line saying what a criterion looks for goes before its levels", number)
        else:
            criterion.guide.append((number, line.strip()))
    for criterion in criteria:
        if len(criterion.levels) < MIN_LEVELS:
            raise ContentProblem(f"criterion '{criterion.title}' needs at least {MIN_LEVELS} levels",
                                 criterion.line)
    return criteria


def read_heading(heading: re.Match, number: int, criteria: list[CriterionDraft]) -> CriterionDraft:
    level, title = len(heading.group(1)), heading.group(2)
    if level != 2:
        raise ContentProblem("use '## ' for a criterion: the rubric's title comes from the front matter", number)
    if not title or not criterion_key(title):
        raise ContentProblem("a criterion heading has no words", number)
    for other in criteria:
        if criterion_key(other.title) == criterion_key(title):
            raise ContentProblem(f"criterion '{title}' appears twice (first at line {other.line})", number)
    return CriterionDraft(number, title)


def read_level(line: str, number: int, criterion: CriterionDraft) -> None:
    match = LEVEL_RE.match(line)
    if not match:
        raise ContentProblem("write a level as '- <score> <label>: <what that looks like>', "
                             "such as '- 0 Not evident: no hypotheses are recorded'", number)
    score, label, descriptor = int(match.group(1)), match.group(2), match.group(3).strip()
    if score != len(criterion.levels):
        raise ContentProblem(f"the levels of '{criterion.title}' must be scored 0, 1, 2 … in order: expected "
                             f"{len(criterion.levels)} here, not {score}", number)
    if len(criterion.levels) == MAX_LEVELS:
        raise ContentProblem(f"a criterion has at most {MAX_LEVELS} levels", number)
    if not descriptor:
        raise ContentProblem(f"level {score} ({label}) says nothing about what it looks like", number)
    criterion.levels.append((number, score, label, descriptor))
