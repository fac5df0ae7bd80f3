"""CPU time per request of the main pages, signed in, in-process beside a Flask hello-world; print each as a share.

    python bench/cpu_pages.py                      # the demo force in a SQLite file (wiped first)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/cpu_pages.py
    python bench/cpu_pages.py --reuse --requests 300 --only "force matrix"
    python bench/cpu_pages.py --reuse --profile "course page"     # cProfile of that page's requests

bench/pages.py measures throughput through gunicorn and wrk, which only means something on a quiet machine. This
measures what a request costs the worker's CPU: time.process_time() over many requests through Flask's test
client, one at a time, with hello-world's requests measured the same way in the same process, interleaved with
the pages' rounds so a busy machine slows both alike. A sync worker spends the request's CPU time plus the
database's time; on PostgreSQL the server's own CPU is not counted here (it runs in another process), so the
share is the worker's share only. The database is prepared as in bench/pages.py (the same demo force).

The share is hello-world's CPU per request over the page's: an upper bound on the wrk share, since gunicorn's
own parsing and socket work costs every request alike (hello-world's 0.2 ms in-process against about 0.5 ms
through gunicorn on this kind of machine). Goals (issue 17 item 12) are wrk shares; see bench/pages.py.
"""
import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import PAGES, _signed_in_client, demo_database  # noqa: E402


def cpu_ms(client, path: str, requests: int) -> float:
    """CPU milliseconds per request (this process only), over `requests` requests in a row."""
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - started) * 1000 / requests


def query_count(engine, client, path: str) -> int:
    statements = []
    count = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return sum(1 for s in statements if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", s, re.I))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL, wiped unless --reuse (default: a SQLite file in the temp folder)")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds the demo force")
    parser.add_argument("--requests", type=int, default=100, help="requests per page in each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the least is shown: other work on the machine only ever adds)")
    parser.add_argument("--only", action="append", help="only this page (by name; may be repeated)")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of this page's requests")
    args = parser.parse_args()
    pages = [page for page in PAGES if not args.only or page.name in args.only]

    url = demo_database(args.database_url, "lms-bench-cpu.db", args.reuse)

    from bench.hello import app as hello_app
    from lms.extensions import db
    from wsgi import app  # as gunicorn loads it, garbage collector settings included
    with app.app_context():
        engine = db.engine
    hello = hello_app.test_client()
    clients = {}
    queries = {}
    for page in pages:
        client = clients.get(page.who) or clients.setdefault(page.who, _signed_in_client(app, page.who))
        for _ in range(3):  # compile the templates, fill the caches
            assert client.get(page.path).status_code == 200, f"{page.name}: {page.path} did not answer 200"
        queries[page.name] = query_count(engine, client, page.path)

    hello_ms, page_ms = [], {page.name: [] for page in pages}
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}: load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
        hello_ms.append(cpu_ms(hello, "/", args.requests * 10))
        for page in pages:
            page_ms[page.name].append(cpu_ms(clients[page.who], page.path, args.requests))

    base = min(hello_ms)
    print(f"\n{url.split('://')[0]}: CPU ms per request in this process (the least of {args.rounds} rounds of "
          f"{args.requests} requests); load average {os.getloadavg()[0]:.2f}")
    header = f"{'page':<15} {'as':<10} {'cpu ms':>7} {'share':>7} {'goal':>5} {'queries':>7}"
    print(header)
    print("-" * len(header))
    print(f"{'hello world':<15} {'':<10} {base:>7.3f} {1:>7.1%} {'':>5} {0:>7}")
    for page in pages:
        ms = min(page_ms[page.name])
        print(f"{page.name:<15} {page.who.split('@')[0]:<10} {ms:>7.2f} {base / ms:>7.1%} "
              f"{page.goal:>5.0%} {queries[page.name]:>7}")

    if args.profile:
        page = next(page for page in pages if page.name == args.profile)
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [clients[page.who].get(page.path) for _ in range(args.requests)])
        print(f"\ncProfile of {args.requests} requests for {page.name} ({page.path}):")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(r"/lms/", 40)  # the app's own functions


if __name__ == "__main__":
    main()
