"""A real learning record store for the xAPI tests: Ralph, served on loopback by tests/lrs/serve.py from its own
virtualenv (`make lrs`, which `make test` runs); without it the tests that need it skip, or fail under CI."""
import json
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.mail_support import free_port

LRS_DIR = Path(__file__).parent / "lrs"
PYTHON = LRS_DIR / ".venv" / "bin" / "python"
USERNAME, PASSWORD = "lms", "lrs-test-secret"


class Store:
    """The running store, and what it holds."""

    def __init__(self, endpoint: str, data_dir: Path):
        self.endpoint = endpoint
        self.data_dir = data_dir

    def stored_ids(self) -> list[str]:
        """The id of every statement in the store's file, once per copy it holds."""
        path = self.data_dir / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]

    def fetch(self, statement_id: str) -> dict:
        """The statement as the store gives it back through its xAPI interface."""
        response = requests.get(f"{self.endpoint}/statements", params={"statementId": statement_id},
                                auth=(USERNAME, PASSWORD), headers={"X-Experience-API-Version": "1.0.3"},
                                timeout=10)
        response.raise_for_status()
        found = response.json()
        # Ralph's file backend answers a statementId query with a list, as it does any other query
        return next(item for item in found["statements"] if item["id"] == statement_id) if "statements" in found \
            else found


@pytest.fixture(scope="session")
def lrs(tmp_path_factory):
    if not PYTHON.exists():
        message = "the test learning record store is not installed: run `make lrs` (Ralph in tests/lrs/.venv)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port, data_dir = free_port(), tmp_path_factory.mktemp("lrs")
    process = subprocess.Popen([str(PYTHON), "serve.py", str(port), str(data_dir), USERNAME, PASSWORD],
                               cwd=LRS_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # Ralph takes a few seconds to import on a busy machine
            if process.poll() is not None:
                raise AssertionError(f"the test learning record store did not start: {process.stderr.read()}")
            try:
                if requests.get(f"{base}/__heartbeat__", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            raise AssertionError("the test learning record store did not answer within a minute")
        yield Store(f"{base}/xAPI", data_dir)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def store(lrs, app):
    """The store, and this app sending to it; each test has a site address of its own, so the statements of one
    test (ids made from database ids, which the next test reuses) never meet another's in the shared store."""
    settings = {"XAPI_ENDPOINT": lrs.endpoint, "XAPI_USERNAME": USERNAME, "XAPI_PASSWORD": PASSWORD,
                "SITE_URL": f"https://lms-{uuid.uuid4().hex[:12]}.example.police.uk"}
    settings["XAPI_ACCOUNT_HOMEPAGE"] = settings["SITE_URL"]
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield lrs
    app.config.update(saved)


@pytest.fixture
def silent_port():
    """A port that takes connections and never answers: a store that has stalled."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]
