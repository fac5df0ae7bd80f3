"""Import courses from content/courses/<slug>/: course.md, NN-<slug>.md modules and quiz.md.

A course is all or nothing: a problem in any of its files loads none of them, and the last good version stays.
"""
import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lms.content.errors import ContentError, ContentProblem
from lms.content.frontmatter import SLUG_RE, Field, check_fields, split
from lms.content.importing import KindReport, ParsedItem, read_text
from lms.content.render import callout_problems, internal_links, render_markdown
from lms.courses.models import COMPLETION_PARTS, Course, Module
from lms.courses.quiz_format import ParsedQuiz, parse_quiz, resolve_blueprint
from lms.extensions import db
from lms.people.models import RANKS, TEAM_TYPES
from lms.search.glossary import glossary_digest, link_first_uses, read_glossary

COURSE_FIELDS = {
    "title": Field(str, max_length=200),
    "summary": Field(str, max_length=400),
    "audience": Field(str),
    "pass_mark": Field(int),
    "max_attempts": Field(int, required=False),
    "retake_after_hours": Field(int, required=False, default=0),
    "completion": Field(list),
    "valid_for_months": Field(int, required=False),
    "required_of": Field(list, required=False, default=[]),
    "due": Field(object, required=False, default={}),
    "due_within_days": Field(int, required=False),
    "order": Field(int, required=False, default=100),
}
DUE_HELP = ("due is one date (due: 2027-03-31) or dates by rank code or team type, with default for everyone "
            "else (due: {default: 2027-03-31, PS: 2027-01-31, RESPONSE: 2027-02-28})")
MODULE_FIELDS = {
    "title": Field(str, max_length=200),
    "summary": Field(str, max_length=400),
    "minutes": Field(int),
    "outcomes": Field(list),
    "discussion": Field(list, required=False, default=[]),
}
MODULE_FILE_RE = re.compile(r"^(\d{2})-(.+)\.md$")


@dataclass(frozen=True)
class CourseData:
    slug: str
    meta: dict
    intro_html: str
    content_hash: str


@dataclass(frozen=True)
class ModuleData:
    course_slug: str
    slug: str
    number: int
    meta: dict
    html: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class QuizData:
    course_slug: str
    quiz: ParsedQuiz
    content_hash: str
    #: {module slug: questions every attempt draws from it} (resolve_blueprint)
    blueprint: dict[str, int]


def course_path(slug: str) -> str:
    return f"/courses/{slug}/"


def module_path(course_slug: str, module_slug: str) -> str:
    return f"/courses/{course_slug}/modules/{module_slug}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _quiz_digest(text: str, blueprint: dict[str, int]) -> str:
    """A `default` minimum reaches modules the quiz does not name, so the blueprint is part of what is published."""
    if not blueprint:
        return _digest(text)
    return _digest(text + "\n" + json.dumps(blueprint, sort_keys=True))


def _problem_at(doc, key: str, message: str) -> ContentProblem:
    return ContentProblem(message, doc.key_lines.get(key, 2))


class CourseImporter:
    kind = "course"
    #: the glossary's valid entries, read at the start of each parse, for linking first uses in modules
    glossary: list = []

    def parse(self, root: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        folder = root / "courses"
        items, errors = [], []
        if not folder.is_dir():
            return items, errors
        self.glossary = read_glossary(root)[0]
        for entry in sorted(folder.iterdir()):
            relative = entry.relative_to(root).as_posix()
            if entry.name.startswith("."):
                continue
            if not entry.is_dir():
                errors.append(ContentError(relative, 0, "a course is a folder: courses/<course>/course.md"))
                continue
            course_items, course_errors = self._course(root, entry)
            items.extend(course_items)
            errors.extend(course_errors)
        return items, errors

    def _course(self, root: Path, folder: Path) -> tuple[list[ParsedItem], list[ContentError]]:
        """Parse every file of one course, reporting every problem so an author can fix them in one go."""
        slug = folder.name
        items, errors = [], []

        def fail(path: Path, problem: ContentProblem) -> None:
            errors.append(ContentError(path.relative_to(root).as_posix(), problem.line, problem.message))

        if not SLUG_RE.match(slug):
            fail(folder, ContentProblem(f"course folder '{slug}' must be lower-case words joined by hyphens"))
            return items, errors
        modules: list[tuple[int, Path, str]] = []
        quiz_file = None
        for path in sorted(folder.iterdir()):
            match = MODULE_FILE_RE.match(path.name)
            if path.name.startswith(".") or path.name == "course.md":
                continue
            if path.name == "quiz.md":
                quiz_file = path
            elif path.is_file() and match and SLUG_RE.match(match.group(2)):
                modules.append((int(match.group(1)), path, match.group(2)))
            else:
                fail(path, ContentProblem("unexpected file: a course folder holds course.md, quiz.md and "
                                          "modules named NN-<slug>.md (01-first-steps.md)"))
        course_file = folder / "course.md"
        if course_file.is_file():
            try:
                items.append(self._course_item(root, course_file, slug, bool(modules), quiz_file is not None))
            except ContentProblem as problem:
                fail(course_file, problem)
        else:
            fail(course_file, ContentProblem("missing: every course folder needs a course.md"))
        for problem_path, problem in _numbering_problems(modules):
            fail(problem_path, problem)
        for number, path, module_slug in modules:
            try:
                items.append(self._module_item(root, path, slug, number, module_slug))
            except ContentProblem as problem:
                fail(path, problem)
        if quiz_file is not None:
            try:
                text = read_text(quiz_file)
            except ContentProblem as problem:
                fail(quiz_file, problem)
                return items, errors
            quiz, problems = parse_quiz(text)
            blueprint = {}
            if quiz is not None and not problems:
                blueprint, problems = resolve_blueprint(quiz, [module_slug for _, _, module_slug in modules])
            for problem in problems:
                fail(quiz_file, problem)
            if quiz is not None and not problems:
                items.append(ParsedItem(path=quiz_file.relative_to(root).as_posix(), key=f"{slug}/quiz",
                                        data=QuizData(slug, quiz, _quiz_digest(text, blueprint), blueprint),
                                        links=quiz.links))
        return items, errors

    def _course_item(self, root: Path, path: Path, slug: str, has_modules: bool, has_quiz: bool) -> ParsedItem:
        text = read_text(path)
        doc = split(text)
        meta = check_fields(doc, COURSE_FIELDS)
        if not 1 <= meta["pass_mark"] <= 100:
            raise _problem_at(doc, "pass_mark", "pass_mark is a percentage from 1 to 100")
        if meta["max_attempts"] is not None and meta["max_attempts"] < 1:
            raise _problem_at(doc, "max_attempts", "max_attempts must be at least 1 (leave it out for unlimited)")
        if meta["retake_after_hours"] < 0:
            raise _problem_at(doc, "retake_after_hours", "retake_after_hours cannot be negative")
        if meta["valid_for_months"] is not None and meta["valid_for_months"] < 1:
            raise _problem_at(doc, "valid_for_months", "valid_for_months must be at least 1 (leave it out for never)")
        unknown = [part for part in meta["completion"] if part not in COMPLETION_PARTS]
        if unknown or not meta["completion"]:
            raise _problem_at(doc, "completion", f"completion lists any of: {', '.join(COMPLETION_PARTS)}"
                              + (f" (not '{unknown[0]}')" if unknown else ""))
        if "quiz" in meta["completion"] and not has_quiz:
            raise _problem_at(doc, "completion", "completion needs the quiz but the course has no quiz.md")
        if "modules" in meta["completion"] and not has_modules:
            raise _problem_at(doc, "completion", "completion needs the modules but the course has none "
                                                 "(add 01-<slug>.md)")
        meta["due"] = _due_dates(doc, meta["due"])
        unknown_ranks = [rank for rank in meta["required_of"] if rank not in RANKS]
        if unknown_ranks:
            raise _problem_at(doc, "required_of", f"required_of lists rank codes such as PC, DC, PS, DS "
                                                  f"(not '{unknown_ranks[0]}')")
        if meta["due_within_days"] is not None and meta["due_within_days"] < 1:
            raise _problem_at(doc, "due_within_days", "due_within_days must be at least 1 (leave it out for none)")
        for line, message in callout_problems(doc.body, doc.body_line):
            raise ContentProblem(message, line)
        intro = link_first_uses(render_markdown(doc.body).html, self.glossary) if doc.body.strip() else ""
        data = CourseData(slug, meta, intro, _digest(glossary_digest(self.glossary) + "\n" + text))
        return ParsedItem(path=path.relative_to(root).as_posix(), key=slug, data=data,
                          links=internal_links(doc.body, doc.body_line), provides={course_path(slug)})

    def _module_item(self, root: Path, path: Path, course_slug: str, number: int, slug: str) -> ParsedItem:
        text = read_text(path)
        doc = split(text)
        meta = check_fields(doc, MODULE_FIELDS)
        if meta["minutes"] < 1:
            raise _problem_at(doc, "minutes", "minutes is the estimated reading time: at least 1")
        if not meta["outcomes"]:
            raise _problem_at(doc, "outcomes", "list at least one learning outcome")
        for line, message in callout_problems(doc.body, doc.body_line):
            raise ContentProblem(message, line)
        if not doc.body.strip():
            raise ContentProblem("the module has no text after the front matter", doc.body_line)
        rendered = render_markdown(doc.body)
        # The file name carries the number, so a renumbering is a change even when the text is not; a changed
        # glossary changes which words are linked.
        data = ModuleData(course_slug, slug, number, meta, link_first_uses(rendered.html, self.glossary),
                          rendered.text, _digest("\n".join((path.name, glossary_digest(self.glossary), text))))
        return ParsedItem(path=path.relative_to(root).as_posix(), key=f"{course_slug}/{slug}", data=data,
                          links=internal_links(doc.body, doc.body_line), provides={module_path(course_slug, slug)})

    def kept_paths(self, failed_paths: set[str]) -> set[str]:
        """A course with a failed file keeps its last good version whole: the course page and its live modules."""
        broken = _broken_courses(failed_paths)
        if not broken:
            return set()
        rows = db.session.execute(
            sa.select(Course.slug, Module.slug)
            .outerjoin(Module, sa.and_(Module.course_id == Course.id, Module.is_retired.is_(False)))
            .where(Course.slug.in_(broken), Course.is_retired.is_(False)))
        paths = set()
        for slug, module_slug in rows:
            paths.add(course_path(slug))
            if module_slug is not None:
                paths.add(module_path(slug, module_slug))
        return paths

    def apply(self, items: list[ParsedItem], report: KindReport, failed_paths: set[str]) -> None:
        from lms.courses.publish import publish_courses

        by_course: dict[str, list[ParsedItem]] = defaultdict(list)
        for item in items:
            by_course[item.path.split("/")[1]].append(item)
        broken = _broken_courses(failed_paths)
        # Files that were fine but belong to a broken course are not loaded either: say so.
        report.failed = sorted(set(report.failed).union(
            item.path for slug in broken for item in by_course.get(slug, [])))
        publish_courses({slug: group for slug, group in by_course.items() if slug not in broken}, broken, report)


def _broken_courses(failed_paths: set[str]) -> set[str]:
    """Slugs of the courses with a failed file (a course is all or nothing)."""
    return {path.split("/")[1] for path in failed_paths if path.startswith("courses/") and path.count("/")}


def _due_dates(doc, value) -> dict[str, str]:
    """The `due` field as {"default" | rank code | team type: "YYYY-MM-DD"}."""
    if not isinstance(value, dict):
        value = {"default": value}
    dates = {}
    for key, day in value.items():
        key = str(key)
        if key != "default" and key not in RANKS and key not in TEAM_TYPES:
            raise _problem_at(doc, "due", f"'{key}' is not default, a rank code or a team type: {DUE_HELP}")
        if isinstance(day, dt.datetime):
            day = day.date()
        if not isinstance(day, dt.date):
            try:
                day = dt.date.fromisoformat(str(day))
            except ValueError:
                raise _problem_at(doc, "due", f"'{day}' is not a date written YYYY-MM-DD: {DUE_HELP}") from None
        dates[key] = day.isoformat()
    return dates


def _numbering_problems(modules: list[tuple[int, Path, str]]) -> list[tuple[Path, ContentProblem]]:
    """Modules are numbered 01, 02, ... with no gap, no repeat and no slug used twice."""
    problems = []
    slugs: dict[str, Path] = {}
    expected = 1
    for number, path, slug in modules:
        if slug in slugs:
            problems.append((path, ContentProblem(f"module slug '{slug}' is already used by {slugs[slug].name}")))
        slugs.setdefault(slug, path)
        if number == expected - 1:
            problems.append((path, ContentProblem(f"two modules are numbered {number:02d}")))
        elif number != expected:
            problems.append((path, ContentProblem(
                f"module number gap: expected {expected:02d} here, found {number:02d} (number modules 01, 02, "
                "... with none missing)")))
            expected = number + 1
        else:
            expected += 1
    return problems
