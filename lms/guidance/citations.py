"""Which course questions and modules cite a guidance page, so a major change of the page reaches the trainers who
teach from it and the officers they trained."""
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app

from lms.completion.load import learner_of, statuses
from lms.courses.models import Course, Module, Question, QuizVersion
from lms.extensions import db
from lms.guidance.models import GuidancePage, GuidanceVersion
from lms.notify.services import queue_once
from lms.people.models import Person

GUIDANCE_LINK = re.compile(r'href="/guidance/([a-z0-9-]+)')


def slug_of(path: str) -> str:
    """The page a cited path such as "/guidance/golden-hour#fast-track-actions" names."""
    return path.removeprefix("/guidance/").split("#", 1)[0].split("?", 1)[0]


def cited_slugs(html: str) -> set[str]:
    return set(GUIDANCE_LINK.findall(html))


def major_changes(slugs: set[str]) -> dict[str, datetime]:
    """When each of these pages last changed in a major way (pages with none are left out; one query)."""
    if not slugs:
        return {}
    return dict(db.session.execute(sa.select(GuidancePage.slug, GuidancePage.last_major_at).where(
        GuidancePage.slug.in_(slugs), GuidancePage.last_major_at.is_not(None))).all())


@dataclass
class ChangedCitations:
    """A course's modules and current quiz questions citing guidance that changed in a major way after they were
    imported: each with the page's slug and the day it changed."""

    modules: list[tuple[Module, str, datetime]] = field(default_factory=list)
    questions: list[tuple[Question, str, datetime]] = field(default_factory=list)


def changed_citations(course: Course) -> ChangedCitations:
    """What a trainer should look at again: flagged until the module or quiz is next imported (three queries)."""
    modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id,
                                                         Module.is_retired.is_(False)).order_by(Module.number)).all()
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id,
                                                            QuizVersion.is_current.is_(True))
                                .options(so.selectinload(QuizVersion.questions)))
    questions = version.questions if version else []
    changes = major_changes({slug for module in modules for slug in cited_slugs(module.html)}
                            | {slug_of(question.cited_path) for question in questions if question.cited_path})
    found = ChangedCitations()
    for module in modules:
        for slug in sorted(cited_slugs(module.html)):
            if slug in changes and changes[slug] > module.updated_at:
                found.modules.append((module, slug, changes[slug]))
    for question in questions:
        slug = slug_of(question.cited_path)
        if slug in changes and changes[slug] > version.created_at:
            found.questions.append((question, slug, changes[slug]))
    return found


def courses_citing(slugs: set[str]) -> dict[int, set[str]]:
    """The live courses whose modules or current quiz cite any of these pages: course id -> the slugs it cites."""
    citing: dict[int, set[str]] = defaultdict(set)
    for course_id, html in db.session.execute(sa.select(Module.course_id, Module.html)
                                              .where(Module.is_retired.is_(False))):
        citing[course_id] |= cited_slugs(html) & slugs
    for course_id, path in db.session.execute(
            sa.select(QuizVersion.course_id, Question.cited_path).join(Question.version)
            .where(QuizVersion.is_current.is_(True), Question.cited_path != "")):
        if slug_of(path) in slugs:
            citing[course_id].add(slug_of(path))
    return {course_id: found for course_id, found in citing.items() if found}


def alert_trained_officers(versions: list[tuple[GuidancePage, GuidanceVersion]]) -> int:
    """Email each officer who has completed a course citing these newly changed pages one digest of the changes and
    their notes. The outbox key is the person and the exact versions, so the same change never mails anyone twice.
    Returns how many digests were queued."""
    major = {page.slug: (page, version) for page, version in versions if version.is_major}
    if not major:
        return 0
    citing = courses_citing(set(major))
    if not citing:
        return 0
    courses = db.session.scalars(sa.select(Course).where(Course.id.in_(citing), Course.is_retired.is_(False))).all()
    people = db.session.scalars(sa.select(Person).where(Person.is_active_account.is_(True))
                                .options(so.joinedload(Person.team))).all()
    done = statuses([learner_of(person) for person in people], courses)
    queued = 0
    for person in people:
        slugs = set().union(*(citing[course.id] for course in courses if done[(person.id, course.id)].is_done))
        if not slugs:
            continue
        items = [major[slug] for slug in sorted(slugs)]
        versions_named = ",".join(f"{version.page_id}:{version.number}" for _, version in items)
        key = f"guidance-changes:{person.id}:{hashlib.sha256(versions_named.encode()).hexdigest()[:32]}"
        queued += queue_once(key, "guidance_changes", person, topic="guidance-changes", items=items,
                             site_url=current_app.config["SITE_URL"])
    return queued
