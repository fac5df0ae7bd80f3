"""The one completion rule: its truth table, due dates by rank, team type and joining, refreshers, and that the bulk
version and the one-officer version agree in a fixed number of queries."""
from datetime import date, datetime

import pytest

from lms.completion.load import learner_of, load_records, status_of, statuses
from lms.completion.rule import CourseRule, Facts, Learner, add_months, decide, due_on
from lms.courses.models import Course
from tests.reports_support import attempt, attend, book, complete, course, force, read_modules  # noqa: F401

TODAY = date(2026, 11, 25)
DONE, EARLIER = date(2026, 6, 1), date(2026, 5, 20)


def rule(completion=("modules", "quiz", "session"), required=(), due=None, within=None, months=24) -> CourseRule:
    return CourseRule.of(Course(completion=list(completion), required_ranks=list(required), due_dates=due or {},
                                due_within_days=within, valid_for_months=months))


PC = Learner(1, "PC", "RESPONSE", date(2020, 1, 1))

TRUTH = [
    # (why, course rule, facts, status, completed on)
    ("nothing done and no due date", rule(), Facts(), "not_started", None),
    ("nothing done before the due date", rule(due={"default": "2026-12-31"}), Facts(), "not_started", None),
    ("due today is not yet overdue", rule(due={"default": "2026-11-25"}), Facts(), "not_started", None),
    ("nothing done after the due date", rule(due={"default": "2026-11-24"}), Facts(), "overdue", None),
    ("some modules read", rule(), Facts(has_started=True), "in_progress", None),
    ("on a waiting list only", rule(), Facts(has_started=True, is_waiting=True), "in_progress", None),
    ("modules and quiz done, a seat booked", rule(),
     Facts(DONE, DONE, None, True, datetime(2026, 12, 3, 9)), "booked", None),
    ("booked but already overdue", rule(due={"default": "2026-11-01"}),
     Facts(DONE, DONE, None, True, datetime(2026, 12, 3, 9)), "overdue", None),
    ("a seat on a course with no session part does not count", rule(("modules", "quiz")),
     Facts(DONE, None, None, True, datetime(2026, 12, 3, 9)), "in_progress", None),
    ("every part done: complete on the day of the last", rule(), Facts(EARLIER, DONE, EARLIER, True), "complete", DONE),
    ("every part done after the due date still counts", rule(due={"default": "2026-01-01"}),
     Facts(EARLIER, EARLIER, DONE, True), "complete", DONE),
    ("a missing part is not complete", rule(), Facts(DONE, DONE, None, True), "in_progress", None),
    ("only the parts the rule lists count", rule(("quiz",)), Facts(None, DONE, None, True), "complete", DONE),
    ("the refresher falls due on the anniversary", rule(months=5), Facts(DONE, DONE, date(2026, 6, 25), True),
     "refresher_due", date(2026, 6, 25)),
    ("the day before the anniversary it is still complete", rule(months=5),
     Facts(DONE, DONE, date(2026, 6, 26), True), "complete", date(2026, 6, 26)),
    ("no validity period: complete for good", rule(months=None),
     Facts(date(2019, 1, 1), date(2019, 1, 1), date(2019, 1, 1), True), "complete", date(2019, 1, 1)),
    ("not required of the rank", rule(required=("PS", "DS")), Facts(), "not_required", None),
    ("not required even when overdue for others", rule(required=("PS",), due={"default": "2020-01-01"}), Facts(),
     "not_required", None),
]


@pytest.mark.parametrize("why, course_rule, facts, code, completed_on", TRUTH, ids=[row[0] for row in TRUTH])
def test_the_rule_decides_the_status(why, course_rule, facts, code, completed_on):
    status = decide(course_rule, PC, facts, TODAY)
    assert (status.code, status.completed_on) == (code, completed_on)


def test_a_status_says_its_date_in_words():
    booked = decide(rule(), PC, Facts(DONE, DONE, None, True, datetime(2026, 12, 3, 9)), TODAY)
    assert booked.text == "Booked 3 December 2026"
    overdue = decide(rule(due={"default": "2026-10-31"}), PC, Facts(), TODAY)
    assert (overdue.label, overdue.text, overdue.colour) == ("Overdue", "Overdue due 31 October 2026", "red")
    assert decide(rule(), PC, Facts(EARLIER, DONE, EARLIER, True), TODAY).text == "Complete 1 June 2026"
    assert decide(rule(required=("PS",)), PC, Facts(), TODAY).text == "Not required"


@pytest.mark.parametrize("learner, expected", [
    (Learner(1, "PS", "RESPONSE", date(2020, 1, 1)), date(2026, 9, 30)),  # the rank's date
    (Learner(1, "PC", "NEIGHBOURHOOD", date(2020, 1, 1)), date(2026, 12, 31)),  # the team type's date
    (Learner(1, "PC", "RESPONSE", date(2020, 1, 1)), date(2027, 3, 31)),  # the default
    (Learner(1, "PC", "RESPONSE", date(2027, 3, 1)), date(2027, 5, 30)),  # a later joiner: 90 days from joining
])
def test_the_due_date_is_the_ranks_then_the_team_types_then_the_default_and_later_joiners_get_their_days(
        learner, expected):
    course_rule = rule(due={"default": "2027-03-31", "PS": "2026-09-30", "NEIGHBOURHOOD": "2026-12-31"}, within=90)
    assert due_on(course_rule, learner) == expected


def test_with_only_due_within_days_everyone_counts_from_joining():
    assert due_on(rule(within=30), Learner(1, "PC", None, date(2026, 1, 10))) == date(2026, 2, 9)
    assert due_on(rule(), PC) is None


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)), (date(2026, 6, 15), 24, date(2028, 6, 15)),
])
def test_add_months_keeps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_one_officer_and_the_bulk_version_agree_from_real_records(db, force, course, count_queries):
    """Reads, attempts, attendance and bookings in the database give the same status one at a time and in bulk."""
    course.due_dates = {"default": "2099-01-01"}
    db.session.commit()
    someone_done = force.officer(given_name="Done")
    complete(someone_done, course)
    halfway = force.officer(given_name="Half")
    read_modules(halfway, course, count=2)
    booked = force.officer(given_name="Booked")
    read_modules(booked, course)
    attempt(booked, course)
    book(booked, course)
    failed = force.officer(given_name="Failed")
    read_modules(failed, course)
    attempt(failed, course, passed=False)
    absent = force.officer(given_name="Absent")
    read_modules(absent, course)
    attempt(absent, course)
    attend(absent, course, status="absent")
    people = [someone_done, halfway, booked, failed, absent, force.officer_a]
    expected = ["complete", "in_progress", "booked", "in_progress", "in_progress", "not_started"]
    assert [status_of(person, course).code for person in people] == expected
    learners = [learner_of(person) for person in people]
    db.session.refresh(course)
    with count_queries() as counter:
        bulk = statuses(learners, [course])
    assert counter.count == 6  # the sixth: earlier completions (refresher cycles)
    assert [bulk[(person.id, course.id)].code for person in people] == expected
    assert bulk[(someone_done.id, course.id)].completed_on is not None


def test_bulk_statuses_take_six_queries_for_any_number_of_officers(db, force, course, count_queries):
    few = [force.officer() for _ in range(2)]
    for person in few:
        complete(person, course)
    learners = [learner_of(person) for person in few]
    db.session.refresh(course)  # loaded, as a page has it, so only the rule's own queries are counted
    statuses(learners, [course])  # the course's modules, which are content, are kept from then on
    with count_queries() as counter:
        statuses(learners, [course])
    small = counter.count
    many = few + [force.officer() for _ in range(15)]
    for person in many[2:]:
        read_modules(person, course, count=1)
        attempt(person, course, passed=False)
    learners = [learner_of(person) for person in many]
    db.session.refresh(course)
    with count_queries() as counter:
        found = statuses(learners, [course])
    assert counter.count == small == 6
    assert len(found) == 17


def test_renewing_a_part_after_completion_moves_the_completion_date(db, force, course):
    """Doing a part again (a refresher session) restarts the refresher clock."""
    person = force.officer()
    complete(person, course, at=datetime(2023, 3, 1, 10))
    assert status_of(person, course).code == "refresher_due"
    attend(person, course, at=datetime(2026, 10, 1, 10), walk_in=True)
    status = status_of(person, course)
    assert (status.code, status.completed_on) == ("complete", date(2026, 10, 1))


def test_the_detailed_records_know_which_modules_were_read(db, force, course):
    person = force.officer()
    read_modules(person, course, count=2)
    record = load_records([learner_of(person)], [course])[(person.id, course.id)]
    assert record.progress.modules_read == 2 and len(record.progress.read_module_ids) == 2
    assert record.status.code == "in_progress" and record.facts.has_started
