"""Load the main pages, signed in, through gunicorn beside a Flask hello-world; print each as a share of it.

    apt-get install wrk                        # the load generator: Debian's package `wrk`
    python bench/pages.py                      # the demo force in a SQLite file (wiped first)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench python bench/pages.py
    python bench/pages.py --rounds 3 --seconds 10 --reuse
    python bench/pages.py --profile "course page"  # where one page's time goes, in-process (cProfile)
    git worktree add /tmp/before main && python bench/pages.py --baseline /tmp/before   # before and after, one run

The database is wiped (unless --reuse), migrated, given the force's content (`flask content sync`) and the demo
force (`flask demo load`). Two gunicorns with the same config (2 sync workers) serve the app and bench/hello.py;
wrk drives each page at 32 connections, signed in as the demo officer (the matrix as the demo supervisor and the
admin), with a short warm-up first. Static files are not requested: in production the web server in front
serves them. Each round measures hello-world and then every page, so each share compares figures taken minutes
apart on the same machine; with several rounds the table shows the median. The load average is printed because
other work on the machine changes everything: compare shares from one run, not requests/s across runs.

With --baseline, a second gunicorn serves the other checkout on the same database (migrated by this tree, so the
baseline must run on its schema) and each page is measured on both in turn, in the same rounds; the baseline's
table has no in-process figures. Queries per request and milliseconds per request are measured in-process
(Flask's test client, one request at a time), before the servers start.

Goals (issue 17, item 12): guidance page >= 15% of hello-world, every officer page >= 8%, matrix and course page
>= 5%, p99 <= 3 x p50. On a busy machine, bench/cpu_pages.py measures CPU time per request in-process instead.
"""
import argparse
import cProfile
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ROOT, Browser, free_port, fresh_database, start_gunicorn, stop  # noqa: E402

OFFICER = "officer@demo.police.uk"
SUPERVISOR = "supervisor@demo.police.uk"
ADMIN = "admin@demo.police.uk"
PASSWORD = "masterclass"  # lms.demo.load.DEMO_PASSWORD, not imported so the app loads after DATABASE_URL is set
USER_AGENT = "lms-bench"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str
    #: the smallest share of hello-world's requests/s this page should reach
    goal: float


PAGES = (
    Page("checklist", "/checklist/volume-crime", OFFICER, 0.08),
    Page("home", "/", OFFICER, 0.08),
    Page("guidance index", "/guidance/", OFFICER, 0.08),
    Page("search", "/search?q=witness", OFFICER, 0.08),
    Page("guidance page", "/guidance/golden-hour", OFFICER, 0.15),
    Page("my training", "/my-training", OFFICER, 0.08),
    Page("course page", "/courses/investigation-masterclass/", OFFICER, 0.05),
    Page("team matrix", "/reports/matrix", SUPERVISOR, 0.05),
    Page("force matrix", "/reports/matrix", ADMIN, 0.05),
    Page("sessions list", "/sessions/", OFFICER, 0.08),
)
P99_OVER_P50 = 3.0


@dataclass
class Load:
    """What wrk measured for one URL."""

    rps: float
    p50: float  # milliseconds
    p99: float
    bad: int  # responses that were not 2xx or 3xx, and socket errors


@dataclass
class Figures:
    page: Page | None
    loads: list[Load] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    queries: int = 0
    ms: float = 0.0


def demo_database(database_url: str | None, sqlite_name: str, reuse: bool) -> str:
    """The database a bench measures, with the demo force in it (the given URL, or a SQLite file in the temp
    folder), made afresh unless `reuse`; DATABASE_URL is set to it for the app."""
    sqlite_file = Path(tempfile.gettempdir()) / sqlite_name
    if reuse:
        url = database_url or f"sqlite:///{sqlite_file}"
    else:
        for stale in sqlite_file.parent.glob(sqlite_file.name + "*"):
            stale.unlink()
        url = fresh_database(database_url, str(sqlite_file))
    print(f"preparing the demo force in {url.split('://')[0]} ...", file=sys.stderr)
    prepare(url)
    os.environ["DATABASE_URL"] = url
    return url


def prepare(url: str) -> None:
    """Migrate, sync the force's content and load the demo force (each step is a no-op when already done)."""
    env = dict(os.environ, DATABASE_URL=url)
    for command in (["db", "upgrade"], ["content", "sync"], ["demo", "load", "--if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if url.startswith("postgresql"):
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("ANALYZE"))  # as autovacuum would after a bulk load
        engine.dispose()


def in_process(pages: list[Page], repeat: int, profile: str | None) -> dict[str, tuple[int, float]]:
    """Queries and median milliseconds per request of each page through Flask's test client; hello-world too."""
    from bench.hello import app as hello
    from lms import create_app
    from lms.extensions import db

    app = create_app()
    figures = {"hello world": (0, _median_ms(hello.test_client(), "/", repeat))}
    clients = {}
    with app.app_context():
        engine = db.engine
    for page in pages:
        client = clients.get(page.who) or clients.setdefault(page.who, _signed_in_client(app, page.who))
        for _ in range(3):  # compile the templates, fill the caches
            assert client.get(page.path).status_code == 200, f"{page.name}: {page.path} did not answer 200"
        statements = []
        count = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", count)
        client.get(page.path)
        sa.event.remove(engine, "before_cursor_execute", count)
        queries = sum(1 for s in statements if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", s, re.I))
        figures[page.name] = (queries, _median_ms(client, page.path, repeat))
        if page.name == profile:
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [client.get(page.path) for _ in range(repeat)])
            print(f"\ncProfile of {repeat} requests for {page.name} ({page.path}), by cumulative time:")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return figures


def _signed_in_client(app, email: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"sign-in as {email} failed with {response.status_code}"
    return client


def _median_ms(client, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def wrk(url: str, seconds: int, connections: int, cookie: str | None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s",
               "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad += sum(int(n) for n in errors.groups()) if errors else 0
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                p50=_ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
                p99=_ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)), bad=bad)


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def drain(url: str) -> None:
    """Wait until the server has answered every request wrk left queued (its workers take them in order), so the
    next measurement does not pay for the last one."""
    urllib.request.urlopen(url, timeout=300).read()


@dataclass
class Served:
    """One code tree served by gunicorn: this one, or a baseline checkout to compare with in the same rounds."""

    label: str
    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    figures: dict[str, Figures] = field(default_factory=dict)


def sign_in_everyone(served: Served, pages: list[Page]) -> None:
    browsers = {}
    for page in pages:
        if page.who not in browsers:
            browsers[page.who] = Browser(served.base, USER_AGENT)
            browsers[page.who].sign_in(page.who, PASSWORD)
        status, _ = browsers[page.who].get(page.path)
        assert status == 200, f"{served.label}: {page.path} answered {status} through gunicorn"
    served.cookies = {who: browser.cookie_header() for who, browser in browsers.items()}
    served.figures = {page.name: Figures(page=page) for page in pages}


def run_rounds(pages: list[Page], apps: list[Served], hello_base: str, args) -> tuple[Figures, list[float]]:
    hello = Figures(page=None)
    loads = []
    for number in range(1, args.rounds + 1):
        loads.append(os.getloadavg()[0])
        print(f"round {number} of {args.rounds}: load average {loads[-1]:.2f}", file=sys.stderr)
        wrk(hello_base + "/", 1, args.connections, None)
        hello.loads.append(wrk(hello_base + "/", args.seconds, args.connections, None))
        drain(hello_base + "/")
        for page in pages:
            for served in apps:
                cookie = served.cookies[page.who]
                wrk(served.base + page.path, 1, args.connections, cookie)
                drain(served.base + "/healthz")
                load = wrk(served.base + page.path, args.seconds, args.connections, cookie)
                drain(served.base + "/healthz")
                served.figures[page.name].loads.append(load)
                served.figures[page.name].shares.append(load.rps / hello.loads[-1].rps)
    return hello, loads


def print_table(hello: Figures, figures: dict[str, Figures], measured: dict[str, tuple[int, float]]) -> None:
    header = (f"{'page':<15} {'as':<10} {'req/s':>7} {'share':>6} {'goal':>9} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'p99/p50':>7} {'queries':>7} {'ms in-proc':>10} {'bad':>4}")
    print(header)
    print("-" * len(header))
    rows = [("hello world", hello)] + list(figures.items())
    for name, row in rows:
        rps = statistics.median(load.rps for load in row.loads)
        p50 = statistics.median(load.p50 for load in row.loads)
        p99 = statistics.median(load.p99 for load in row.loads)
        share = statistics.median(row.shares) if row.page else 1.0
        goal = ""
        if row.page:
            met = share >= row.page.goal and p99 <= P99_OVER_P50 * p50
            goal = f">={row.page.goal:.0%} {'ok' if met else 'MISS'}"
        who = row.page.who.split("@")[0] if row.page else ""
        queries, ms = measured[name] if name in measured else ("-", None)
        ms = "-" if ms is None else f"{ms:.2f}"
        print(f"{name:<15} {who:<10} {rps:>7.0f} {share:>6.1%} {goal:>9} {p50:>7.1f} {p99:>7.1f} "
              f"{p99 / p50 if p50 else 0:>7.1f} {queries:>7} {ms:>10} {sum(load.bad for load in row.loads):>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="PostgreSQL URL, wiped unless --reuse (default: a SQLite file in the temp folder)")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds the demo force")
    parser.add_argument("--rounds", type=int, default=1, help="measure every page this many times (median shown)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk's duration for each page in each round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, for the app and hello-world")
    parser.add_argument("--repeat", type=int, default=30, help="in-process requests per page")
    parser.add_argument("--only", action="append", help="bench only this page (by name; may be repeated)")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of this page's in-process requests")
    parser.add_argument("--baseline", metavar="DIR", help="another checkout (say, of main) to serve on the same "
                        "database and measure in the same rounds, for a before-and-after table")
    args = parser.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("wrk is not installed: `apt-get install wrk` (Debian's package) and run again.")
    pages = [page for page in PAGES if not args.only or page.name in args.only]

    url = demo_database(args.database_url, "lms-bench-pages.db", args.reuse)
    measured = in_process(pages, args.repeat, args.profile)

    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + os.urandom(8).hex())
    apps = [Served("this tree", f"http://127.0.0.1:{free_port()}")]
    if args.baseline:
        apps.append(Served(f"baseline {args.baseline}", f"http://127.0.0.1:{free_port()}"))
    hello_port = free_port()
    with tempfile.TemporaryFile("w+") as log:
        servers = [start_gunicorn("bench.hello:app", hello_port, args.workers, env, log)]
        try:
            for served, tree in zip(apps, [ROOT, args.baseline]):
                servers.append(start_gunicorn("wsgi:app", int(served.base.rsplit(":", 1)[1]), args.workers, env, log,
                                              cwd=Path(tree)))
                sign_in_everyone(served, pages)
            hello, loads = run_rounds(pages, apps, f"http://127.0.0.1:{hello_port}", args)
        finally:
            for server in servers:
                stop(server)
        log.seek(0)
        tracebacks = sum(1 for line in log if "Traceback" in line)

    print(f"\n{url.split('://')[0]}, gunicorn {args.workers} sync workers, wrk {args.connections} connections, "
          f"{args.seconds:g} s a page, {args.rounds} round(s); load average at each round: "
          + ", ".join(f"{load:.2f}" for load in loads) + f"; {os.cpu_count()} CPUs")
    for served in apps:
        print(f"\n{served.label}:")
        print_table(hello, served.figures, measured if served is apps[0] else {})
    print(f"server tracebacks: {tracebacks}")


if __name__ == "__main__":
    main()
