"""Bring the courses, modules and quiz versions in the database in line with the parsed files.

Nothing is deleted: a removed course or module is retired, and a changed quiz becomes a new version, so
history, progress and attempts all survive.
"""
import sqlalchemy as sa

from lms.audit.services import record
from lms.content.importing import KindReport, ParsedItem, change_kind, render_again
from lms.courses.importer import CourseData, ModuleData, QuizData, module_path
from lms.courses.models import Course, Module, Option, Question, QuizVersion
from lms.courses.quiz_format import render_question
from lms.courses.services import current_version
from lms.extensions import db
from lms.search.index import index_document, remove_document
from lms.timeutil import utcnow


def publish_courses(groups: dict[str, list[ParsedItem]], broken: set[str], report: KindReport) -> None:
    """Upsert every valid course (all its files), retire courses whose folder is gone. Flushes only."""
    courses = {course.slug: course for course in db.session.scalars(sa.select(Course))}
    for slug, items in sorted(groups.items()):
        _publish_course(items, courses.get(slug), report)
    for course in courses.values():
        if course.slug in groups or course.slug in broken or course.is_retired:
            continue
        _retire_course(course, report)


def _publish_course(items: list[ParsedItem], course: Course | None, report: KindReport) -> None:
    course_item = next(item for item in items if isinstance(item.data, CourseData))
    course, course_changed = _publish_course_row(course_item, course, report)
    modules = [item for item in items if isinstance(item.data, ModuleData)]
    _publish_modules(course, modules, report, reindex_all=course_changed)
    quiz = next((item for item in items if isinstance(item.data, QuizData)), None)
    _publish_quiz(course, quiz, report)


def _publish_course_row(item: ParsedItem, course: Course | None, report: KindReport) -> tuple[Course, bool]:
    data: CourseData = item.data
    kind = change_kind(course, data.content_hash, item.path, report)
    if kind is None:
        render_again(course, intro_html=data.intro_html)
        return course, False
    if course is None:
        course = Course(slug=data.slug)
        db.session.add(course)
    meta = data.meta
    course.title, course.summary, course.audience = meta["title"], meta["summary"], meta["audience"]
    course.pass_mark, course.max_attempts = meta["pass_mark"], meta["max_attempts"]
    course.retake_after_hours, course.completion = meta["retake_after_hours"], list(meta["completion"])
    course.valid_for_months, course.position = meta["valid_for_months"], meta["order"]
    course.required_ranks, course.due_dates = list(meta["required_of"]), dict(meta["due"])
    course.due_within_days = meta["due_within_days"]
    course.intro_html, course.source_path, course.content_hash = data.intro_html, item.path, data.content_hash
    course.is_retired, course.updated_at = False, utcnow()
    db.session.flush()
    record(None, f"course.{kind}", "course", course.slug, f"Course '{course.title}' {kind}")
    return course, True


def _publish_modules(course: Course, items: list[ParsedItem], report: KindReport, *, reindex_all: bool) -> None:
    existing = {module.slug: module for module in db.session.scalars(
        sa.select(Module).where(Module.course_id == course.id))}
    for item in items:
        data: ModuleData = item.data
        module = existing.get(data.slug)
        kind = change_kind(module, data.content_hash, item.path, report)
        if kind is None:
            render_again(module, html=data.html)
            if reindex_all:
                _index_module(course, module, data)
            continue
        if module is None:
            module = Module(course_id=course.id, slug=data.slug)
            db.session.add(module)
        meta = data.meta
        module.number, module.title, module.summary = data.number, meta["title"], meta["summary"]
        module.minutes, module.outcomes, module.discussion = meta["minutes"], meta["outcomes"], meta["discussion"]
        module.html, module.source_path, module.content_hash = data.html, item.path, data.content_hash
        module.is_retired, module.updated_at = False, utcnow()
        db.session.flush()
        _index_module(course, module, data)
        record(None, f"module.{kind}", "module", f"{course.slug}/{module.slug}", f"Module '{module.title}' {kind}")
    present = {item.data.slug for item in items}
    for module in existing.values():
        if module.slug not in present and not module.is_retired:
            _retire_module(course, module, report)


def _index_module(course: Course, module: Module, data: ModuleData) -> None:
    index_document("module", f"{course.slug}/{module.slug}", title=module.title,
                   url=module_path(course.slug, module.slug), body=data.text, summary=module.summary,
                   context=course.title)


def _retire_module(course: Course, module: Module, report: KindReport) -> None:
    module.is_retired, module.updated_at = True, utcnow()
    remove_document("module", f"{course.slug}/{module.slug}")
    record(None, "module.retired", "module", f"{course.slug}/{module.slug}", f"Module '{module.title}' retired")
    report.removed.append(module.source_path)


def _publish_quiz(course: Course, item: ParsedItem | None, report: KindReport) -> None:
    current = current_version(course)
    if item is None:
        if current is not None:
            _withdraw_quiz(course, current, report)
        return
    data: QuizData = item.data
    if current is not None and current.content_hash == data.content_hash:
        report.unchanged.append(item.path)
        return
    (report.added if current is None else report.changed).append(item.path)
    if current is not None:
        current.is_current = False
        db.session.flush()  # the partial unique index allows one current version per course
    number = (db.session.scalar(sa.select(sa.func.max(QuizVersion.number))
                                .where(QuizVersion.course_id == course.id)) or 0) + 1
    quiz = data.quiz
    version = QuizVersion(course_id=course.id, number=number, title=quiz.title, draw=quiz.draw,
                          at_least_per_module=dict(data.blueprint),
                          is_shuffled=quiz.shuffle, is_partial_credit=quiz.partial_credit, is_current=True,
                          source_path=item.path, content_hash=data.content_hash)
    for position, parsed in enumerate(quiz.questions, start=1):
        rendered = render_question(parsed)
        version.questions.append(Question(
            position=position, text=rendered.text, html=rendered.html, scenario_html=rendered.scenario_html,
            explanation_html=rendered.explanation_html, cited_path=rendered.cited_path, module_slug=parsed.module,
            is_multiple=rendered.is_multiple, fingerprint=rendered.fingerprint,
            options=[Option(position=index, text=text, html=html, is_correct=correct)
                     for index, (text, html, correct) in enumerate(rendered.options, start=1)],
        ))
    db.session.add(version)
    db.session.flush()
    record(None, "quiz.published", "course", course.slug,
           f"Quiz for '{course.title}' published as version {number} ({len(quiz.questions)} questions)")


def _withdraw_quiz(course: Course, current: QuizVersion, report: KindReport) -> None:
    current.is_current = False
    record(None, "quiz.withdrawn", "course", course.slug, f"Quiz for '{course.title}' withdrawn")
    report.removed.append(current.source_path)


def _retire_course(course: Course, report: KindReport) -> None:
    course.is_retired, course.updated_at = True, utcnow()
    for module in db.session.scalars(sa.select(Module).where(Module.course_id == course.id,
                                                             Module.is_retired.is_(False))):
        _retire_module(course, module, report)
    current = current_version(course)
    if current is not None:
        _withdraw_quiz(course, current, report)
    record(None, "course.retired", "course", course.slug, f"Course '{course.title}' retired")
    report.removed.append(course.source_path)
