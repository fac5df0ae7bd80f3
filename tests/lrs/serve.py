"""Serve Ralph (a real learning record store) on loopback for the xAPI tests, storing statements in a file.

Run with Ralph's own interpreter (tests/lrs/.venv, made by `make lrs`): python serve.py PORT DATA_DIR USER PASSWORD.
Ralph 5.1.0's file backend opens its one file in create mode on every write, so only the first batch would ever
be stored ("Statements bulk indexation failed"); the backend below appends instead. Ralph itself checks duplicate
statement ids before it writes, so appending stores each statement once.
"""
import json
import os
import sys
from pathlib import Path


def main(port: int, data_dir: str, username: str, password: str) -> None:
    data = Path(data_dir)
    data.mkdir(parents=True, exist_ok=True)
    # Ralph reads its settings from the environment when it is imported.
    os.environ.update({
        "RALPH_APP_DIR": str(data),
        "RALPH_AUTH_FILE": str(data / "auth.json"),
        "RALPH_HISTORY_FILE": str(data / "history.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data),
    })
    import bcrypt

    (data / "auth.json").write_text(json.dumps([{
        "username": username, "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode(),
        "scopes": ["all"], "agent": {"mbox": "mailto:lms@example.police.uk"}}]))

    import uvicorn
    from ralph.api import app
    from ralph.api.routers import statements
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    class AppendingFSLRSBackend(FSLRSBackend):
        def write(self, data, target=None, chunk_size=None, ignore_errors=False, operation_type=None):
            if operation_type in (None, BaseOperationType.CREATE, BaseOperationType.INDEX):
                operation_type = BaseOperationType.APPEND
            return super().write(data, target, chunk_size, ignore_errors, operation_type)

    statements.BACKEND_CLIENT = AppendingFSLRSBackend()
    # The tests' senders keep connections open: waiting for them to close would hold the end of the run ten seconds.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", timeout_graceful_shutdown=1)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
