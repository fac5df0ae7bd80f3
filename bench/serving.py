"""What the benches that drive a real gunicorn share: a free port, a fresh database, a server, a signed-in browser."""
import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database(url: str | None, sqlite_path: str) -> str:
    """Drop and create the PostgreSQL database named in `url`, or name a SQLite file when there is no url."""
    if url is None:
        return f"sqlite:///{sqlite_path}"
    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def start_gunicorn(app: str, port: int, workers: int, env: dict, log, cwd: Path = ROOT) -> subprocess.Popen:
    """Start gunicorn with sync workers serving `app` ("module:variable") on 127.0.0.1:`port`; wait until it answers."""
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
                               "-b", f"127.0.0.1:{port}", "--backlog", "256", app],
                              cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server  # it answered, if only with a redirect or an error
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"gunicorn serving {app} did not answer on port {port}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser: its own cookie jar, signing in and posting through the forms (CSRF on)."""

    def __init__(self, base: str, user_agent: str = "lms-bench"):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        self.opener.addheaders = [("User-Agent", user_agent)]

    def get(self, path: str) -> tuple[int, str]:
        try:
            response = self.opener.open(self.base + path, timeout=60)
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def csrf(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=60).read().decode()
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            return self.opener.open(self.base + path, data=body, timeout=120).status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self, email: str, password: str) -> None:
        status = self.post("/login", {"email": email, "password": password, "csrf_token": self.csrf("/login")})
        assert status == 302, f"sign-in as {email} failed with {status}"

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)
