"""The same request from several tabs at once, each in its own thread and database session, as servers run them."""
import threading


def at_once(app, db, work, expected_error: type[Exception] | tuple = (), tabs: int = 4) -> list[str]:
    """Run `work()` in `tabs` threads at once, each in its own request context and database session, as servers
    run the same form posted from several tabs; "done" for each that committed, the message of each
    `expected_error` (what the page tells that tab), and any other failure as its repr (a finding)."""
    db.session.commit()  # end the test's own transaction: on SQLite it would hold the write lock throughout
    barrier, outcomes = threading.Barrier(tabs), []

    def run() -> None:
        with app.test_request_context():
            barrier.wait(timeout=30)
            try:
                work()
                db.session.commit()
                outcomes.append("done")
            except expected_error as error:
                db.session.rollback()
                outcomes.append(str(error))
            except Exception as error:  # noqa: BLE001  every other failure is a finding
                db.session.rollback()
                outcomes.append(repr(error)[:300])
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)
