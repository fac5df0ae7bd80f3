"""The app's clock: tests move it, it keeps ticking, and the time-dependent tests pass at any hour of any night."""
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lms.timeutil import today_london, utcnow

ROOT = Path(__file__).resolve().parent.parent
#: the test files whose outcome depends most on the date and time they run at: they schedule sessions a week ahead,
#: book, take registers, send reminders and nudges, and count by calendar month. (The whole suite passes at these
#: moments too; this keeps the proof to a fraction of the suite's time.)
TIME_DEPENDENT = ["test_sessions_scheduling.py", "test_sessions_booking.py", "test_sessions_register.py",
                  "test_sessions_calendar.py", "test_sessions_course_page.py", "test_notify_outbox.py",
                  "test_reports_nudge.py", "test_reports_agree.py", "test_quality_view.py"]


def test_the_clock_moves_and_keeps_ticking(clock):
    clock.move_to(datetime(2027, 3, 28, 0, 59, 59))
    first = utcnow()
    assert timedelta(0) <= first - datetime(2027, 3, 28, 0, 59, 59) < timedelta(seconds=5)
    assert utcnow() > first  # things done one after another stay in order
    clock.advance(timedelta(hours=1))
    assert utcnow() - first >= timedelta(hours=1)


def test_today_in_london_follows_the_clock_not_the_utc_date(clock):
    """At 23:30 UTC on a summer night it is already tomorrow in London; in winter it is still today."""
    clock.move_to(datetime(2027, 6, 30, 23, 30))
    assert today_london().isoformat() == "2027-07-01"
    clock.move_to(datetime(2027, 12, 30, 23, 30))
    assert today_london().isoformat() == "2027-12-30"


def test_a_signed_in_session_ends_when_the_clock_passes_its_absolute_lifetime(app, client, db, login, make_person,
                                                                             clock):
    login(make_person())
    assert client.get("/sessions/").status_code == 200
    db.session.commit()  # end the request's transaction, as a server does between requests
    clock.advance(timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1))
    response = client.get("/sessions/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


#: moments every time-dependent test is run at
AWKWARD_MOMENTS = [
    "2026-11-29T23:43:00Z",  # a winter evening: sessions made a week ahead end after midnight (the failure CI had)
    "2026-11-30T00:10:00Z",  # just after midnight
    "2027-06-30T23:30:00Z",  # a summer night: London is already on the next date, UTC is not
    "2027-03-28T00:50:00Z",  # ten minutes before the clocks go forward (01:00 GMT becomes 02:00 BST)
    "2027-10-31T00:50:00Z",  # 01:50 BST, ten minutes before the clocks go back (02:00 BST becomes 01:00 GMT)
]


def _run_at(moment: str, scratch: Path) -> subprocess.Popen:
    """Start the time-dependent files in a pytest of their own, with every test starting at `moment` (TEST_NOW).

    The child always uses its own SQLite file: sharing the PostgreSQL test database would empty it under this run,
    and no date arithmetic happens in SQL (the database compares times, it never computes them).
    """
    env = {key: value for key, value in os.environ.items() if key != "TEST_DATABASE_URL"} | {"TEST_NOW": moment}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", f"--basetemp={scratch}",
         *(f"tests/{name}" for name in TIME_DEPENDENT)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="its children run on SQLite whichever database the suite uses: the SQLite run proves it")
def test_the_time_dependent_tests_pass_either_side_of_midnight_and_on_the_nights_the_clocks_change(tmp_path):
    """Each moment in a process of its own, as many at once as there are processors."""
    failures, waiting, running = {}, list(AWKWARD_MOMENTS), []
    while waiting or running:
        while waiting and len(running) < (os.cpu_count() or 1):
            moment = waiting.pop(0)
            running.append((moment, _run_at(moment, tmp_path / moment.replace(":", ""))))
        moment, child = running.pop(0)
        output, _ = child.communicate(timeout=600)
        if child.returncode != 0:
            failures[moment] = output[-4000:]
    assert not failures, "\n".join(f"== TEST_NOW={moment}\n{output}" for moment, output in failures.items())
