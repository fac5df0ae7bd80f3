"""Read-side selects for the course pages, and who may see a quiz attempt."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from lms.courses.models import AttemptQuestion, Course, Module, ModuleRead, Question, QuizAttempt, QuizVersion
from lms.courses.progress import ModuleLine, in_current_cycle, live_module_lines
from lms.extensions import db
from lms.guidance.models import GuidancePage
from lms.people.models import Person
from lms.reports.scope import teams_visible_to


_LIVE_COURSES = sa.select(Course).where(Course.is_retired.is_(False)).order_by(Course.position, Course.title)


def live_courses() -> list[Course]:
    return list(db.session.scalars(_LIVE_COURSES))


_COURSE_BY_SLUG = sa.select(Course).where(Course.slug == sa.bindparam("slug"))


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(_COURSE_BY_SLUG, {"slug": slug})


def live_modules(course: Course) -> tuple[ModuleLine, ...]:
    """The course's live modules in order, kept until the content changes."""
    return live_module_lines([course.id])[course.id]


def module_by_slug(course: Course, slug: str) -> Module | None:
    return db.session.scalar(sa.select(Module).where(Module.course_id == course.id, Module.slug == slug,
                                                     Module.is_retired.is_(False)))


def read_of(person_id: int, module: Module) -> ModuleRead | None:
    """The person's read of the module in their current cycle of its course (one from before it does not count)."""
    return db.session.scalar(in_current_cycle(
        sa.select(ModuleRead).where(ModuleRead.person_id == person_id, ModuleRead.module_id == module.id),
        ModuleRead.person_id, sa.literal(module.course_id), ModuleRead.read_at))


def current_version_summary(course: Course) -> QuizVersion | None:
    """The current quiz version with its bank size, without loading the questions' text."""
    return db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                          QuizVersion.is_current.is_(True))
                             .options(so.selectinload(QuizVersion.questions).load_only(Question.id)))


def attempt_history(person_id: int, course: Course) -> list[QuizAttempt]:
    return list(db.session.scalars(
        sa.select(QuizAttempt).where(QuizAttempt.person_id == person_id, QuizAttempt.course_id == course.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())))


def may_see_attempts_of(user: Person, person: Person) -> bool:
    """Officers see their own attempts; trainers and admins everyone's; supervisors (acting ones and area leads
    too) those of the officers of the teams they may see."""
    if user.id == person.id or user.has_role("trainer", "admin"):
        return True
    return person.team_id is not None and person.team_id in teams_visible_to(user)


def get_attempt_for(user: Person, attempt_id: int, course: Course | None = None) -> QuizAttempt:
    """Load an attempt with everything its page shows, or 404 if it is not one `user` may see."""
    attempt = db.session.scalar(
        sa.select(QuizAttempt).where(QuizAttempt.id == attempt_id)
        .options(so.joinedload(QuizAttempt.person), so.joinedload(QuizAttempt.course),
                 so.joinedload(QuizAttempt.version),
                 so.selectinload(QuizAttempt.questions).joinedload(AttemptQuestion.question)
                 .selectinload(Question.options)))
    if attempt is None or (course is not None and attempt.course_id != course.id):
        abort(404)
    if not may_see_attempts_of(user, attempt.person):
        abort(404)  # never confirm that someone else's attempt exists
    return attempt


def guidance_titles(paths: set[str]) -> dict[str, str]:
    """The titles of the guidance pages that quiz explanations cite, keyed by the cited path (one query)."""
    slugs = {path: path.removeprefix("/guidance/").split("#", 1)[0] for path in paths}
    if not slugs:
        return {}
    found = dict(db.session.execute(sa.select(GuidancePage.slug, GuidancePage.title)
                                    .where(GuidancePage.slug.in_(set(slugs.values())))).all())
    return {path: found[slug] for path, slug in slugs.items() if slug in found}
