"""Change alerts through training: a major change of a page that a course cites flags the citing modules and
questions for trainers, and emails the officers who completed the course one digest, never twice."""
import re

import sqlalchemy as sa

from lms.content.sync import sync_content
from lms.notify.models import OutboxMessage
from lms.timeutil import format_date, utcnow
from tests.guidance_support import GOLDEN_HOUR, rewrite
from tests.reports_support import SLUG, complete, course, force  # noqa: F401

MAJOR = "change: major\nchange_note: Secure CCTV within the first hour, not the first day.\n"


def sync(tree, db):
    report = sync_content(tree)
    db.session.commit()
    assert report.ok, [str(error) for error in report.errors]


def digests(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "guidance_changes")
                                   .order_by(OutboxMessage.id)))


#: the course links to the golden hour's #fast-track-actions, so the new body keeps that heading
BODY = "## Fast-track actions\n\nSecure CCTV within the first hour."


def test_officers_who_completed_a_citing_course_get_one_digest_of_a_major_change(
        force, course, content_tree, db):  # noqa: F811
    complete(force.officer_a, course)
    rewrite(content_tree, BODY, MAJOR)
    sync(content_tree, db)
    [message] = digests(db)
    assert message.person_id == force.officer_a.id  # officer_b never completed the course
    assert message.subject == "Guidance you were trained on has changed"
    assert "The golden hour" in message.body_text
    assert "Secure CCTV within the first hour, not the first day." in message.body_text
    assert "/guidance/golden-hour" in message.body_text
    # The same files again, and a typo fix keeping the same note: nothing more is sent.
    sync(content_tree, db)
    rewrite(content_tree, BODY + " Typo fixed.", MAJOR)
    sync(content_tree, db)
    assert len(digests(db)) == 1


def test_a_minor_change_emails_nobody(force, course, content_tree, db):  # noqa: F811
    complete(force.officer_a, course)
    rewrite(content_tree, BODY)
    sync(content_tree, db)
    assert digests(db) == []


def test_a_second_major_change_sends_a_second_digest(force, course, content_tree, db):  # noqa: F811
    complete(force.officer_a, course)
    rewrite(content_tree, BODY, MAJOR)
    sync(content_tree, db)
    rewrite(content_tree, BODY + " And house to house.", "change: major\n"
            "change_note: House-to-house enquiries start in the first hour too.\n")
    sync(content_tree, db)
    first, second = digests(db)
    assert "House-to-house enquiries start in the first hour too." in second.body_text
    assert first.dedupe_key != second.dedupe_key


def test_trainers_see_the_citing_module_and_questions_flagged_until_the_course_is_imported_again(
        client, login, force, course, content_tree, db, make_person):  # noqa: F811
    rewrite(content_tree, BODY, MAJOR)
    sync(content_tree, db)
    login(make_person(roles=("officer", "trainer")))
    html = client.get(f"/courses/{SLUG}/analytics").get_data(as_text=True)
    day = format_date(utcnow())  # the London date, which is not always the UTC one
    assert "Guidance this course cites has changed since it was imported." in html
    assert re.search(rf"Module 1, <a [^>]+>[^<]+</a>: cited guidance changed on {day}", html)
    assert f"Quiz question 1: cited guidance changed on {day}" in html
    assert f"Quiz question 2: cited guidance changed on {day}" in html
    assert "Quiz question 3" not in html  # cites scene preservation, which did not change
    # The trainer reviews the module and quiz and imports them again: the flags go.
    module = content_tree / "courses/witness-basics/01-first-account.md"
    module.write_text(module.read_text() + "\nChecked against the changed guidance.\n")
    quiz = content_tree / "courses/witness-basics/quiz.md"
    quiz.write_text(quiz.read_text().replace("The first account is relevant material", "The first account is "
                                                                                         "relevant material,"))
    sync(content_tree, db)
    assert "Guidance this course cites has changed" not in client.get(f"/courses/{SLUG}/analytics").get_data(
        as_text=True)
