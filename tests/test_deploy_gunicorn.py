"""Served as the README deploys it (`gunicorn wsgi:app` from the checkout, reading gunicorn.conf.py): the workers
share the loaded and warmed app with the master rather than each holding a copy of it."""
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def _memory_kb(pid: int) -> dict[str, int]:
    return {match.group(1): int(match.group(2)) for match in re.finditer(
        r"^(\w+):\s+(\d+) kB$", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.M)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> None:
    try:
        urllib.request.urlopen(url, timeout=5).read()
    except urllib.error.HTTPError:
        pass  # an answer all the same


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="reads Linux's /proc memory accounting")
def test_gunicorn_workers_share_the_app_loaded_before_they_were_forked(tmp_path):
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'lms.db'}", "SECRET_KEY": "k" * 40}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
                               f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        for _ in range(20):  # pages in both workers: each fills what it uses of the app
            for path in ("/login", "/login/forgotten-password", "/checklist/"):
                _get(f"http://127.0.0.1:{port}{path}")
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == WORKERS
        for worker in workers:
            memory = _memory_kb(int(worker))
            private = memory["Private_Clean"] + memory["Private_Dirty"]
            shared = memory["Shared_Clean"] + memory["Shared_Dirty"]
            # each worker loading the app itself: about 113 MB of 140 MB its own; forked loaded: about 21 of 127
            assert private * 3 < shared, memory
    finally:
        server.terminate()
        server.wait(timeout=30)
