"""Page owners in the browser: feedback from the foot of every page to the owner's queue (throttled, plain text,
never shown to other officers), and marking a page reviewed."""
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from lms.guidance.models import GuidanceFeedback, GuidanceOwnerMember, GuidancePage, GuidanceReview
from lms.guidance.owners import FEEDBACK_PER_DAY


OWNER = "Crime Standards Unit"  # owns the golden hour and scene preservation in the fixture content
XSS = '<script>alert("x")</script> **bold** <b>not bold</b>'


@pytest.fixture
def owner(make_person, synced_content, db):
    person = make_person(given_name="Olive")
    db.session.add(GuidanceOwnerMember(owner=OWNER, person_id=person.id))
    db.session.commit()
    return person


def send(client, slug="golden-hour", useful="no", reason="The bail section is out of date."):
    return client.post(f"/guidance/{slug}/feedback", data={"useful": useful, "reason": reason},
                       follow_redirects=True)


def test_every_page_ends_with_a_feedback_form_that_needs_no_script(client, login, make_person, synced_content):
    login(make_person())
    html = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "Was this page useful?" in html
    assert 'action="/guidance/golden-hour/feedback"' in html and 'name="useful" value="no"' in html


def test_feedback_is_stored_as_plain_text_and_shown_escaped_to_the_owner_only(client, app, login, make_person,
                                                                              owner, db):
    officer = make_person(given_name="Ollie")
    login(officer)
    response = send(client, reason=XSS)
    assert "Thank you for your feedback" in response.get_data(as_text=True)
    stored = db.session.scalar(sa.select(GuidanceFeedback))
    assert (stored.reason, stored.is_useful, stored.version) == (XSS, False, 1)
    # Another officer sees no one's feedback and may not open the queue.
    client.post("/logout")
    login(make_person())
    assert XSS not in client.get("/guidance/golden-hour").get_data(as_text=True)
    assert client.get("/guidance/feedback").status_code == 403
    client.post("/logout")
    login(owner)
    queue = client.get("/guidance/feedback").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; **bold** &lt;b&gt;not bold&lt;/b&gt;" in queue
    assert "<script>alert" not in queue and "<strong>bold</strong>" not in queue
    assert "Ollie" in queue and "Not useful" in queue


def test_feedback_is_throttled_per_page_per_day_and_in_all(client, login, make_person, synced_content, db, clock):
    clock.move_to(datetime(2026, 12, 1, 10, 0))
    officer = make_person()
    login(officer)
    send(client)
    assert "already told us about this page today" in send(client).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceFeedback)) == 1
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "scene-preservation"))
    db.session.add_all(GuidanceFeedback(page_id=page.id, person_id=officer.id, version=1, is_useful=True)
                       for _ in range(FEEDBACK_PER_DAY - 1))
    db.session.commit()
    assert f"You have sent feedback on {FEEDBACK_PER_DAY} pages today" in send(client, "victim-updates").get_data(
        as_text=True)
    clock.move_to(datetime(2026, 12, 2, 10, 0))  # the next day (London): they may again
    login(officer)
    assert "Thank you for your feedback" in send(client, "victim-updates").get_data(as_text=True)


def test_a_reason_too_long_is_refused(client, login, make_person, synced_content, db):
    login(make_person())
    assert "Keep it under 1000 characters" in send(client, reason="x" * 1001).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceFeedback)) == 0


def test_the_owner_sees_only_their_pages_and_closes_feedback_with_a_reply(client, login, make_person, owner, db):
    officer = make_person()
    login(officer)
    send(client, "golden-hour")
    send(client, "victim-updates", reason="Victims Code link broken")  # owned by someone else
    client.post("/logout")
    login(owner)
    queue = client.get("/guidance/feedback").get_data(as_text=True)
    assert "The golden hour" in queue and "Victims Code link broken" not in queue
    mine = db.session.scalar(sa.select(GuidanceFeedback).join(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    theirs = db.session.scalar(sa.select(GuidanceFeedback).join(GuidancePage)
                               .where(GuidancePage.slug == "victim-updates"))
    assert client.post(f"/guidance/feedback/{theirs.id}/done", data={"reply": "x"}).status_code == 404
    client.post(f"/guidance/feedback/{mine.id}/done", data={"reply": "Bail section rewritten."})
    db.session.refresh(mine)
    assert (mine.status, mine.reply_note, mine.handled_by_id) == ("done", "Bail section rewritten.", owner.id)
    done = client.get("/guidance/feedback?status=done").get_data(as_text=True)
    assert "Bail section rewritten." in done


def test_an_owner_marks_a_page_reviewed_which_sets_its_dates_until_the_file_changes(client, login, owner, db, clock,
                                                                                     content_tree, make_person):
    from tests.guidance_support import import_at

    clock.move_to(datetime(2026, 12, 1, 10, 0))
    login(owner)
    assert client.get("/guidance/victim-updates/review").status_code == 403  # another owner's page
    response = client.post("/guidance/golden-hour/review", data={"note": "Checked against APP"},
                           follow_redirects=True)
    assert "Marked reviewed. The next review is due by 1 December 2027." in response.get_data(as_text=True)
    page = db.session.scalar(sa.select(GuidancePage).where(GuidancePage.slug == "golden-hour"))
    assert (page.last_reviewed, page.review_due) == (date(2026, 12, 1), date(2027, 12, 1))
    html = client.get("/guidance/golden-hour").get_data(as_text=True)
    assert "1 December 2026" in html and "1 December 2027" in html
    reviews = client.get("/guidance/reviews").get_data(as_text=True)
    assert f"reviewed 1 December 2026 by {owner.name} (Checked against APP)" in reviews
    assert db.session.scalar(sa.select(GuidanceReview.person_id)) == owner.id
    # The file, changed, is the source again.
    path = content_tree / "guidance/first-response/golden-hour.md"
    path.write_text(path.read_text() + "\nA new line.\n")
    import_at(content_tree, clock, datetime(2026, 12, 1, 11, 0))
    db.session.refresh(page)
    assert page.last_reviewed == date(2026, 11, 20)
    # Officers may not mark pages reviewed.
    login(make_person())
    assert client.post("/guidance/golden-hour/review", data={"note": ""}).status_code == 403


def test_owners_are_kept_with_the_command_line(runner, make_person, synced_content, db):
    person = make_person(email="olive@example.police.uk")
    result = runner.invoke(args=["guidance", "owners", "add", OWNER, "Olive@example.police.uk"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(GuidanceOwnerMember.person_id)) == person.id
    assert "olive@example.police.uk" in runner.invoke(args=["guidance", "owners", "list"]).output
    assert runner.invoke(args=["guidance", "owners", "add", "Crime Standard Unit", person.email]).exit_code == 1
    runner.invoke(args=["guidance", "owners", "remove", OWNER, person.email])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GuidanceOwnerMember)) == 0
