"""A large roster import keeps the write lock for a moment only: a user's write meanwhile goes through."""
import threading
import time

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.audit.services import record
from lms.extensions import db as _db
from lms.people.models import Person
from tests.test_people_roster import HEADER

ROWS = 5000
#: what a user may wait for their write; the import used to hold the lock for all of its several seconds
LONGEST_WAIT = 2.0


def roster(path, moved: int) -> str:
    lines = [HEADER, "A1,Ada,Admin,ada.admin@midshire.police.uk,INSP,Command Team,Northtown,no,officer;admin,"]
    lines += [f"B{n:05d},Given{n},Family{n},officer{n}@midshire.police.uk,PC,"
              f"Response Team {'B' if n < moved else 'A'},Area {n % 7},no,," for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_users_write_during_a_5000_row_import_succeeds_without_a_long_wait(app, db, runner, tmp_path):
    assert runner.invoke(args=["users", "import", roster(tmp_path / "first.csv", moved=0), "--create-teams"]).exit_code == 0
    second = roster(tmp_path / "second.csv", moved=ROWS // 10)
    outcome = {}

    def import_roster():  # its own thread, app context, session and connection, as a second process would have
        outcome["result"] = runner.invoke(args=["users", "import", second, "--create-teams"])

    importer = threading.Thread(target=import_roster)
    waits, failures = [], []
    importer.start()
    while importer.is_alive():
        started = time.perf_counter()
        with app.app_context():  # a user's request: a session and connection of its own
            try:
                record(None, "test.user_write", "test", len(waits), "a user's write during the import")
                _db.session.commit()
            except sa.exc.OperationalError as error:
                failures.append(str(error.orig))
            finally:
                _db.session.remove()
        waits.append(time.perf_counter() - started)
        time.sleep(0.01)
    importer.join()

    result = outcome["result"]
    assert result.exit_code == 0, result.output
    assert f"0 added, {ROWS // 10} updated" in result.output
    assert failures == []
    # At least two writes while the import ran (on a quiet machine PostgreSQL imports the 5,000 rows in about a
    # quarter of a second, time for four): none failed, and none waited long.
    assert len(waits) >= 2 and max(waits) < LONGEST_WAIT, f"{len(waits)} writes, longest wait {max(waits):.2f} s"
    writes = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action == "test.user_write"))
    assert writes == len(waits)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)
                             .where(Person.team.has(name="Response Team B"))) == ROWS // 10
