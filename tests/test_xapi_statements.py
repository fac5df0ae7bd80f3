"""xAPI statements: what the officer's learning becomes, queued as it happens (only when a store is set up), each
event once, with ids that stay the same however often the statements are built."""
import json
from datetime import timedelta

import sqlalchemy as sa

from lms.courses.models import Module, ModuleRead
from lms.guidance.models import GuidanceAcknowledgement
from lms.sessions.models import Booking
from lms.xapi.queue import backfill
from lms.xapi.sending import send_due
from lms.xapi.statements import ACTIVITY_TYPES, statements_for, timestamp
from tests.courses_support import answers, start, submit
from tests.guidance_support import acknowledge_on_page, asking_since_days_ago
from tests.reports_support import ago, complete, course, force, read_modules, session_of  # noqa: F401
from tests.xapi_support import everything, queued, verbs_of, xapi_on  # noqa: F401


def test_with_no_store_set_up_nothing_queues(app, db, force, course, runner):  # noqa: F811
    assert app.config["XAPI_ENDPOINT"] == ""
    everything(force.officer_a, course)
    assert queued() == []
    result = runner.invoke(args=["xapi", "backfill"])
    assert "XAPI_ENDPOINT is not set" in result.output
    assert queued() == []


def test_every_kind_of_learning_becomes_its_statement(app, db, force, course):  # noqa: F811
    officer = force.officer(service_number="MP7001", email="seven@example.police.uk")
    everything(officer, course)
    statements = statements_for([officer])
    modules = len([s for s in statements if s["verb"]["display"]["en-GB"] == "experienced"])
    assert modules >= 2
    assert sorted({s["verb"]["display"]["en-GB"] for s in statements}) == [
        "attempted", "attended", "completed", "experienced", "failed", "missed", "passed"]
    by_verb = {s["verb"]["display"]["en-GB"]: s for s in statements}
    site = app.config["SITE_URL"]
    assert by_verb["completed"]["object"] == {
        "objectType": "Activity", "id": f"{site}/courses/{course.slug}/",
        "definition": {"type": ACTIVITY_TYPES["course"], "name": {"en-GB": course.title}}}
    assert by_verb["passed"]["result"]["score"] == {"scaled": 1.0, "raw": 100, "min": 0, "max": 100}
    assert by_verb["passed"]["result"]["success"] is True and by_verb["failed"]["result"]["success"] is False
    assert by_verb["failed"]["result"]["score"]["raw"] == 25
    assert by_verb["attended"]["result"]["duration"] == "PT7200.00S"
    assert by_verb["attended"]["object"]["definition"]["type"] == ACTIVITY_TYPES["session"]
    assert by_verb["experienced"]["context"]["contextActivities"]["parent"][0]["id"] == f"{site}/courses/{course.slug}/"
    for statement in statements:
        assert statement["actor"] == {"objectType": "Agent",
                                      "account": {"homePage": app.config["XAPI_ACCOUNT_HOMEPAGE"], "name": "MP7001"}}
        assert statement["timestamp"].endswith("Z")
    text = json.dumps(statements)
    assert officer.email not in text and officer.family_name not in text


def test_statement_ids_are_the_same_every_time_and_differ_between_events(db, force, course):  # noqa: F811
    everything(force.officer_a, course)
    first = [s["id"] for s in statements_for([force.officer_a])]
    again = [s["id"] for s in statements_for([force.officer_a])]
    assert first == again and len(set(first)) == len(first)


def test_a_quiz_taken_on_the_site_is_queued_with_its_score_and_duration(client, login, db, force, course,
                                                                         clock, xapi_on):  # noqa: F811
    login(force.officer_a)
    attempt_id = start(client, course.slug)
    clock.advance(timedelta(minutes=7))
    submit(client, attempt_id, answers(attempt_id), course.slug)
    rows = queued()
    assert verbs_of(rows) == ["attempted", "passed"]
    passed = next(row.body for row in rows if row.body["verb"]["display"]["en-GB"] == "passed")
    assert 420 <= float(passed["result"]["duration"][2:-1]) < 480  # seven minutes on the clock, and the test's own
    assert passed["result"]["score"]["raw"] == 100
    assert {row.person_id for row in rows} == {force.officer_a.id}


def test_reading_modules_on_the_site_queues_one_statement_each_and_completion_once(client, login, db, force, course,
                                                                                   xapi_on):  # noqa: F811
    modules = db.session.scalars(sa.select(Module).where(Module.course_id == course.id)).all()
    login(force.officer_a)
    for module in modules:
        client.post(f"/courses/{course.slug}/modules/{module.slug}/read")
        client.post(f"/courses/{course.slug}/modules/{module.slug}/read")  # said twice: still one statement
    assert verbs_of(queued()) == ["experienced"] * len(modules)


def test_the_register_queues_attended_and_missed(client, login, db, force, course, xapi_on):  # noqa: F811
    session = session_of(course, ago(hours=1))
    for person in (force.officer_a, force.officer_b):
        db.session.add(Booking(session_id=session.id, person_id=person.id, course_id=course.id, status="booked"))
    db.session.commit()
    login(force.admin)
    client.post(f"/sessions/{session.id}/register/mark", data={"person_id": force.officer_a.id, "status": "attended"})
    client.post(f"/sessions/{session.id}/register/mark", data={"person_id": force.officer_b.id, "status": "absent"})
    rows = queued()
    assert {(row.person_id, row.body["verb"]["display"]["en-GB"]) for row in rows} == {
        (force.officer_a.id, "attended"), (force.officer_b.id, "missed")}


def test_a_corrected_register_mark_voids_the_statement_it_replaces(client, login, db, force, course, clock,
                                                                     xapi_on):  # noqa: F811
    session = session_of(course, ago(hours=1))
    db.session.add(Booking(session_id=session.id, person_id=force.officer_a.id, course_id=course.id, status="booked"))
    db.session.commit()
    login(force.admin)
    mark = {"person_id": force.officer_a.id}
    client.post(f"/sessions/{session.id}/register/mark", data={**mark, "status": "attended"})
    [attended] = queued()
    clock.advance(timedelta(minutes=2))
    client.post(f"/sessions/{session.id}/register/mark", data={**mark, "status": "absent"})
    rows = queued()
    assert verbs_of(rows) == ["attended", "missed", "voided"]
    voided = next(row for row in rows if row.body["verb"]["display"]["en-GB"] == "voided")
    assert voided.body["object"] == {"objectType": "StatementRef", "id": attended.statement_id}
    assert db.session.get(type(attended), attended.id).is_voided
    clock.advance(timedelta(minutes=2))
    client.post(f"/sessions/{session.id}/register/mark", data={**mark, "status": "attended"})  # and back again
    rows = queued()
    assert verbs_of(rows) == ["attended", "attended", "missed", "voided", "voided"]
    assert len({row.statement_id for row in rows}) == 5
    assert [row.is_voided for row in rows if row.body["verb"]["display"]["en-GB"] != "voided"] == [True, True, False]
    # the officer's own record shows the mark as it stands
    assert [s["verb"]["display"]["en-GB"] for s in statements_for([force.officer_a])] == ["attended"]


def test_a_savepoint_rolled_back_keeps_the_rest_of_the_unit_of_work_queued(db, force, course, xapi_on):  # noqa: F811
    module = db.session.scalar(sa.select(Module).where(Module.course_id == course.id))
    db.session.add(ModuleRead(person_id=force.officer_a.id, module_id=module.id))
    db.session.flush()
    try:
        with db.session.begin_nested():  # the same read again: the unique index refuses it, as a second tab's would
            db.session.add(ModuleRead(person_id=force.officer_a.id, module_id=module.id))
    except sa.exc.IntegrityError:
        pass
    db.session.commit()
    assert verbs_of(queued()) == ["experienced"]


def test_a_rolled_back_change_queues_nothing(db, force, course, xapi_on):  # noqa: F811
    module = db.session.scalar(sa.select(Module).where(Module.course_id == course.id))
    db.session.add(ModuleRead(person_id=force.officer_a.id, module_id=module.id))
    db.session.flush()
    db.session.rollback()
    db.session.add(force.officer_b)
    db.session.commit()
    assert queued() == []


def test_completing_a_course_queues_completed_once(db, force, course, xapi_on):  # noqa: F811
    complete(force.officer_a, course)
    rows = queued()
    assert verbs_of(rows).count("completed") == 1
    assert backfill() == 0  # already queued as it happened


def test_backfill_queues_past_learning_once(app, db, force, course, runner):  # noqa: F811
    everything(force.officer_a, course)
    complete(force.officer_b, course)
    expected = len(statements_for([force.officer_a])) + len(statements_for([force.officer_b]))
    app.config["XAPI_ENDPOINT"] = "http://127.0.0.1:9/xAPI"
    try:
        result = runner.invoke(args=["xapi", "backfill"])
        assert f"Queued {expected} statements" in result.output
        assert len(queued()) == expected
        assert "Queued 0 statements" in runner.invoke(args=["xapi", "backfill"]).output
        assert len(queued()) == expected
    finally:
        app.config["XAPI_ENDPOINT"] = ""


def test_an_acknowledgement_on_the_page_queues_one_statement_for_that_version(app, client, login, db, force,
                                                                              content_tree, clock,
                                                                              xapi_on):  # noqa: F811
    asking_since_days_ago(content_tree, clock)
    login(force.officer_a)
    acknowledge_on_page(client)
    [row] = queued()
    site = app.config["SITE_URL"]
    acknowledged = db.session.scalar(sa.select(GuidanceAcknowledgement))
    assert row.person_id == force.officer_a.id and row.status == "pending"
    assert row.body["verb"] == {"id": f"{site}/xapi/verbs/acknowledged", "display": {"en-GB": "acknowledged"}}
    assert row.body["object"] == {
        "objectType": "Activity", "id": f"{site}/guidance/golden-hour/versions/2",
        "definition": {"type": ACTIVITY_TYPES["guidance"], "name": {"en-GB": "The golden hour, version 2"}}}
    assert row.body["timestamp"] == timestamp(acknowledged.acknowledged_at)
    # the object is the permanent address of the version acknowledged, and the site's verb says what it means
    assert client.get("/guidance/golden-hour/versions/2").status_code == 200
    assert "read a version of a guidance page" in client.get("/xapi/verbs/acknowledged").json["description"]["en-GB"]
    client.post("/guidance/golden-hour/acknowledge", data={})  # a second press (another tab) adds nothing
    assert backfill() == 0
    assert [r.statement_id for r in queued()] == [row.statement_id]
    assert [s["id"] for s in statements_for([force.officer_a])] == [row.statement_id]  # the same id every time


def test_backfill_queues_acknowledgements_made_before_the_store_once(app, client, login, db, force, content_tree,
                                                                     clock, runner):  # noqa: F811
    asking_since_days_ago(content_tree, clock)
    login(force.officer_a)
    acknowledge_on_page(client)
    assert queued() == []  # no store yet
    app.config["XAPI_ENDPOINT"] = "http://127.0.0.1:9/xAPI"
    try:
        assert "Queued 1 statement;" in runner.invoke(args=["xapi", "backfill"]).output
        assert "Queued 0 statements" in runner.invoke(args=["xapi", "backfill"]).output
    finally:
        app.config["XAPI_ENDPOINT"] = ""
    assert verbs_of(queued()) == ["acknowledged"]


def test_the_sites_own_verbs_resolve_to_what_they_mean(app, client, db, force, course):  # noqa: F811
    everything(force.officer_a, course)
    [missed] = [s for s in statements_for([force.officer_a]) if s["verb"]["display"]["en-GB"] == "missed"]
    path = missed["verb"]["id"].removeprefix(app.config["SITE_URL"])
    response = client.get(path)
    assert response.status_code == 200 and response.json["name"] == {"en-GB": "missed"}
    assert "did not attend" in response.json["description"]["en-GB"]
    assert client.get("/xapi/verbs/attended").status_code == 404  # ADL's, not the site's


def test_admins_see_whether_records_reach_the_store(app, client, login, db, force, course, xapi_on):  # noqa: F811
    everything(force.officer_a, course)
    report = send_due()  # nothing listens at the test endpoint: all wait
    assert report.outage
    login(force.officer_a)
    assert client.get("/admin/learning-records").status_code == 403
    client.post("/logout")
    login(force.admin)
    page = client.get("/admin/learning-records").get_data(as_text=True)
    assert "Nothing has been delivered yet" in page and "ConnectionError" in page
    waiting = len(queued("pending"))
    assert f'<dd class="govuk-summary-list__value">{waiting}</dd>' in page


def test_admins_find_the_learning_records_page_from_the_outbox_and_it_names_every_kind(client, login,
                                                                                        force):  # noqa: F811
    """The page had no link to it from anywhere, and its list of what is sent left out acknowledgements."""
    login(force.admin)
    outbox = client.get("/admin/outbox/").get_data(as_text=True)
    assert 'href="/admin/learning-records"' in outbox
    page = client.get("/admin/learning-records").get_data(as_text=True)
    assert "guidance acknowledged" in page
