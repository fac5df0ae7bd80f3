""""Remind everyone overdue": one action, after a confirm step, by the same once-a-week rule as one reminder, with a
count of who was reminded and who was not and why."""
import pytest
import sqlalchemy as sa

from lms.reports.models import Nudge
from tests.courses_support import csrf_client_signed_in
from tests.reports_support import complete, course, flash_text, force, set_due  # noqa: F401
from tests.sessions_fixtures import outbox


@pytest.fixture
def overdue(db, force, course):
    """Team A: Amy, Cath and Dan overdue (and the sergeant, who does not remind herself); Eve complete."""
    set_due(course, default="2026-01-31")
    people = [force.officer_a] + [force.officer(given_name=name, family_name="Late") for name in ("Cath", "Dan")]
    complete(force.officer(given_name="Eve", family_name="Done"), course)
    return people


def _nudged(db) -> list[int]:
    return sorted(db.session.scalars(sa.select(Nudge.person_id)))


def test_a_supervisor_reminds_everyone_overdue_in_one_action(client, login, db, force, course, overdue):
    login(force.sergeant_a)
    client.post(f"/reports/overdue/{overdue[1].id}/nudge")  # Cath was reminded this week already
    assert "Remind everyone overdue" in client.get("/reports/overdue").get_data(as_text=True)

    confirm = flash_text(client.post("/reports/overdue/nudge-all").get_data(as_text=True))
    assert "Remind 2 overdue officers?" in confirm and "2 of the 4 officers on this list" in confirm
    assert _nudged(db) == [overdue[1].id]  # nothing sent before the confirm

    done = flash_text(client.post("/reports/overdue/nudge-all", data={"confirmed": "1"},
                                  follow_redirects=True).get_data(as_text=True))
    assert "2 officers have been sent a reminder." in done
    assert "2 not reminded:" in done
    assert "Cath Late was reminded on" in done and "You can remind them again from" in done
    assert "Sarah Sergeant is you" in done
    assert _nudged(db) == sorted(person.id for person in overdue)
    assert sorted(m.person_id for m in outbox(db, kind="nudge")) == sorted(person.id for person in overdue)


def test_a_second_round_the_same_week_reminds_only_who_the_first_left_out(client, login, db, force, course,
                                                                          overdue):
    login(force.sergeant_a)
    client.post("/reports/overdue/nudge-all", data={"confirmed": "1"})
    client.post("/logout")
    login(force.admin)
    again = flash_text(client.post(f"/reports/overdue/nudge-all?team={force.team_a.id}", data={"confirmed": "1"},
                                   follow_redirects=True).get_data(as_text=True))
    assert "1 officer has been sent a reminder." in again  # the sergeant, whom her own round left out
    assert "3 not reminded:" in again and "Amy Able was reminded on" in again
    assert len(outbox(db, kind="nudge")) == 4
    assert _nudged(db) == sorted(person.id for person in overdue + [force.sergeant_a])


def test_the_round_keeps_to_the_supervisors_teams_and_filters(client, login, db, force, course, overdue):
    force.officer(team=force.team_b, given_name="Bill", family_name="Late")
    login(force.sergeant_a)
    client.post(f"/reports/overdue/nudge-all?team={force.team_a.id}", data={"confirmed": "1"})
    assert _nudged(db) == sorted(person.id for person in overdue)  # nobody of team B
    assert client.post(f"/reports/overdue/nudge-all?team={force.team_b.id}",
                       data={"confirmed": "1"}).status_code == 404


def test_reminding_everyone_needs_the_forms_csrf_token(app, monkeypatch, db, force, course, overdue):
    client = csrf_client_signed_in(app, monkeypatch, force.sergeant_a)
    assert client.post("/reports/overdue/nudge-all", data={"confirmed": "1"}).status_code == 400
    assert _nudged(db) == []


def test_a_round_of_reminders_takes_queries_by_the_reminders_sent_not_the_officers_listed(client, login, db, force,
                                                                                           course, overdue,
                                                                                           count_queries):
    login(force.sergeant_a)
    client.post("/reports/overdue/nudge-all", data={"confirmed": "1"})  # everyone now reminded this week
    counts = []
    for extra in (2, 20):
        for n in range(extra):
            force.officer(given_name=f"Late{extra}x{n}", family_name="Officer")
        client.post("/reports/overdue/nudge-all", data={"confirmed": "1"})  # remind the newcomers
        with count_queries() as counter:
            client.post("/reports/overdue/nudge-all", data={"confirmed": "1"})  # nobody left to remind
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
