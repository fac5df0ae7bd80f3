"""The force's own content in content/ imports cleanly and is complete enough to run the masterclass."""
from datetime import date

import sqlalchemy as sa

from lms.checklists.models import Checklist
from lms.courses.models import Course, Module, Question, QuizVersion
from lms.guidance.models import GuidanceCategory, GuidancePage
from tests.courses_support import library  # noqa: F401  (the force's own content, synced)

#: The day this content ships. The site itself warns readers of any page that later goes past its review date.
SHIP_DATE = date(2026, 11, 25)


def test_every_file_syncs_and_every_link_resolves(library):
    assert library.errors == [], "\n".join(str(error) for error in library.errors)
    assert all(not counts.failed for counts in library.kinds.values())


def test_guidance_library_covers_the_topics(library, db):
    pages = db.session.scalars(sa.select(GuidancePage).where(GuidancePage.is_retired.is_(False))).all()
    assert len(pages) >= 24
    assert 6 <= db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceCategory)) <= 8
    for page in pages:
        assert page.review_due > SHIP_DATE, f"{page.slug} is past its review date"
        assert "Key points" in [text for _, _, text in page.toc], f"{page.slug} has no key points"
        assert "/courses/" in page.source, f"{page.slug} does not link to its module"


def _current_questions(db, course_slug: str) -> list[Question]:
    return list(db.session.scalars(
        sa.select(Question).join(QuizVersion).join(Course)
        .where(Course.slug == course_slug, QuizVersion.is_current.is_(True))))


def test_masterclass_has_its_modules_and_a_question_bank(library, db):
    course = db.session.scalar(sa.select(Course).where(Course.slug == "investigation-masterclass"))
    assert course.pass_mark == 80 and course.valid_for_months == 24
    assert set(course.completion) == {"modules", "quiz", "session"}
    modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id)).all()
    assert 6 <= len(modules) <= 8
    questions = _current_questions(db, "investigation-masterclass")
    assert len(questions) >= 30
    assert any(question.is_multiple for question in questions) and any(not q.is_multiple for q in questions)
    version = db.session.scalar(sa.select(QuizVersion).where(QuizVersion.course_id == course.id))
    assert version.draw == 15


def test_supervisor_course_has_four_modules_and_a_bank_of_thirty_questions(library, db):
    course = db.session.scalar(sa.select(Course).where(Course.slug == "supervisor-reviews"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Module).where(Module.course_id == course.id)) == 4
    assert len(_current_questions(db, "supervisor-reviews")) == 30


def test_shipped_courses_give_due_dates_a_force_can_adopt(library, db):
    """No fixed date that has passed by the ship date (everyone would be overdue on release): days from joining."""
    for course in db.session.scalars(sa.select(Course)):
        assert all(date.fromisoformat(day) > SHIP_DATE for day in course.due_dates.values()), course.slug
        assert course.due_within_days and course.due_within_days >= 30, course.slug


def test_every_question_cites_a_guidance_page_that_exists(library, db):
    slugs = set(db.session.scalars(sa.select(GuidancePage.slug)))
    questions = _current_questions(db, "investigation-masterclass") + _current_questions(db, "supervisor-reviews")
    for question in questions:
        assert question.cited_path.startswith("/guidance/"), question.text
        assert question.cited_path.removeprefix("/guidance/").split("#")[0] in slugs, question.text


def test_masterclass_distractors_are_myths_officers_hold_not_giveaways(library, db):
    """Issue 13 item 9: no 'Nothing ...' or 'sweep the patio' options nobody would pick."""
    for question in _current_questions(db, "investigation-masterclass") + _current_questions(db, "supervisor-reviews"):
        for option in question.options:
            assert not option.text.startswith("Nothing"), option.text
            assert "sweep the patio" not in option.text and option.text != 'The single word "reviewed"', option.text


def test_the_review_question_is_keyed_to_qualifying_cases_only(library, db):
    """Issue 13 item 1: withdrawn support, out-of-court disposals and other charges are outside the police scheme."""
    [question] = [q for q in _current_questions(db, "investigation-masterclass") if "Victims' Right to Review" in q.text]
    keyed = {option.text for option in question.options if option.is_correct}
    assert question.is_multiple and len(keyed) == 2
    assert not any("withdrew" in text or "community resolution" in text or "charged" in text for text in keyed)


def test_every_cited_page_says_what_the_question_relies_on(library, db):
    """Issue 13 item 9: questions that cited pages saying nothing on the point now cite pages that do."""
    pages = {page.slug: page.source for page in db.session.scalars(sa.select(GuidancePage))}
    supported = {"right first time": "golden-hour", '"no comment"': "reasonable-lines-of-enquiry",
                 "closing rationale": "outcome-types"}
    for question in _current_questions(db, "investigation-masterclass"):
        for phrase, slug in supported.items():
            if phrase in question.text:
                assert question.cited_path == f"/guidance/{slug}", question.text
                assert phrase.strip('"').lower() in pages[slug].lower(), slug


def _checklist(db, slug: str) -> Checklist:
    return db.session.scalar(sa.select(Checklist).where(Checklist.slug == slug))


def test_volume_crime_checklist_has_a_short_at_the_scene_part_in_the_right_order(library, db):
    """Issue 13 item 11: twelve steps at most at a scene; the victim is told not to clean up on arrival, and
    witnesses are kept apart before their first accounts."""
    sections = {section["title"]: section["steps"] for section in _checklist(db, "volume-crime").sections}
    assert list(sections) == ["At the scene", "Before you go off duty", "Investigator and review"]
    scene = [step["html"] for step in sections["At the scene"]]
    assert len(scene) <= 12
    clean_up = next(i for i, text in enumerate(scene) if "not to clean up" in text)
    apart = next(i for i, text in enumerate(scene) if "witnesses apart" in text)
    accounts = next(i for i, text in enumerate(scene) if "first accounts" in text.lower())
    assert clean_up <= 2 and apart < accounts
    everything = " ".join(step["html"] for steps in sections.values() for step in steps)
    for missing in ("Photograph injuries", "because of who they are", "bank cards", "one officer to the victim",
                    "handover note", "without the victim's evidence", "charging route", "outcome rationale"):
        assert missing in everything, missing


def test_domestic_abuse_checklist_starts_with_video_and_covers_what_was_missing(library, db):
    """Issue 13 item 12."""
    sections = _checklist(db, "domestic-abuse-first-response").sections
    steps = [step["html"] for section in sections for step in section["steps"]]
    assert "body-worn video before you reach the door" in steps[0]
    away = next(i for i, text in enumerate(steps) if "away from the suspect" in text)
    assert away < next(i for i, text in enumerate(steps) if "risk assessment your force uses" in text)
    text = " ".join(steps)
    for missing in ("strangulation or choking, get medical advice", "Operation Encompass", "Protection Notice",
                    "firearms", "safe way to contact", "MARAC", "clothing and phone", "coercive", "stalking"):
        assert missing in text, missing


def test_every_guidance_page_lists_its_sources_with_links(library, db):
    """Issue 13 item 15: the reader can see what each page was checked against."""
    for page in db.session.scalars(sa.select(GuidancePage).where(GuidancePage.is_retired.is_(False))):
        assert "Sources" in [text for _, _, text in page.toc], f"{page.slug} lists no sources"
        foot = page.html.split('id="sources"', 1)[1]
        assert 'href="https://' in foot, f"{page.slug}: no source links to its text"
