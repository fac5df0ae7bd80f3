"""Downgrades that would destroy data refuse unless forced; a backup taken as the docs say restores everything."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from config import TestConfig
from lms import create_app
from lms.extensions import db
from lms.migration_guard import FORCE_VARIABLE
from tests.conftest import FIXTURE_CONTENT

#: the newest migration, which a downgrade from head would undo first
HEAD = ScriptDirectory(str(Path(__file__).parents[1] / "migrations")).get_current_head()


@pytest.fixture
def migrated(database_url, tmp_path):
    """A fresh database of its own, upgraded to head with `flask db upgrade`, and an app and CLI runner on it."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/migrated.db"
    else:
        url = _fresh_postgres_database(database_url, "safety")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        CONTENT_DIR = str(FIXTURE_CONTENT)

    app = create_app(Config)
    runner = app.test_cli_runner()
    with app.app_context():
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        yield app, runner, url
        db.session.remove()
        db.engine.dispose()


def _fresh_postgres_database(database_url: str, suffix: str) -> str:
    server, test_database = database_url.rsplit("/", 1)
    name = f"{test_database}_{suffix}"  # after the test database, so suites side by side on one server do not collide
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def _tables() -> set[str]:
    db.session.remove()
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _add_area(name: str) -> None:
    db.session.execute(sa.text("INSERT INTO areas (name) VALUES (:name)"), {"name": name})
    db.session.commit()


def test_a_downgrade_that_drops_tables_refuses_and_changes_nothing(migrated, monkeypatch):
    app, runner, _ = migrated
    monkeypatch.delenv(FORCE_VARIABLE, raising=False)
    _add_area("Northtown")
    before = _tables()
    for target in (["base"], []):  # to nothing, and one step (the default)
        result = runner.invoke(args=["db", "downgrade", *target])
        assert result.exit_code == 1
        assert f"Refusing to downgrade {HEAD}" in result.output + str(result.exception)
        assert _tables() == before
    assert db.session.scalar(sa.text("SELECT name FROM areas")) == "Northtown"
    assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == HEAD


def test_a_forced_downgrade_to_base_runs_to_the_end_and_upgrade_rebuilds(migrated, monkeypatch):
    app, runner, _ = migrated
    assert runner.invoke(args=["content", "sync"]).exit_code == 0  # rows that refer to each other
    db.session.remove()
    monkeypatch.setenv(FORCE_VARIABLE, "yes")
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert {name for name in _tables() if not name.startswith("search_fts")} == set()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "people" in _tables()


def test_a_backup_taken_as_the_docs_say_restores_every_row(migrated, database_url, tmp_path):
    app, runner, url = migrated
    _add_area("Northtown")
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        backup = tmp_path / "backup.db"
        subprocess.run([shutil.which("sqlite3"), path, f".backup '{backup}'"], check=True)
        _add_area("Southtown")  # a change after the backup, which the restore undoes
        db.session.remove()
        db.engine.dispose()
        subprocess.run([shutil.which("sqlite3"), path, f".restore '{backup}'"], check=True)
    else:
        backup = tmp_path / "backup.dump"
        plain_url = url.replace("+psycopg", "")
        subprocess.run([shutil.which("pg_dump"), "--format=custom", f"--file={backup}", plain_url], check=True)
        _add_area("Southtown")
        db.session.remove()
        db.engine.dispose()
        subprocess.run([shutil.which("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        f"--dbname={plain_url}", str(backup)], check=True)
    assert list(db.session.scalars(sa.text("SELECT name FROM areas ORDER BY name"))) == ["Northtown"]
    assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == HEAD
    db.session.remove()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_every_downgrade_that_drops_data_checks_the_guard_first():
    versions = Path(__file__).parent.parent / "migrations" / "versions"
    unguarded = []
    for path in sorted(versions.glob("*.py")):
        downgrade = path.read_text().split("\ndef downgrade():\n", 1)[1]
        first_statement = next(line.strip() for line in downgrade.splitlines()
                               if line.strip() and not line.strip().startswith("#"))
        if re.search(r"drop_(table|column)", downgrade) and first_statement != "guard_destructive_downgrade(revision)":
            unguarded.append(path.name)
    assert unguarded == []
