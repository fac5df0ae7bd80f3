"""The migrations build exactly the schema the models describe."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from config import TestConfig
from lms import create_app
from lms.extensions import db


def test_migrations_and_models_agree(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/migrated.db"
    else:
        # Named after the test database, so suites running side by side on one server do not collide.
        server, test_database = database_url.rsplit("/", 1)
        check_database = f"{test_database}_migrations_check"
        url = f"{server}/{check_database}"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{check_database}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{check_database}"'))
        admin.dispose()

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": lambda obj, name, type_, *a: not (name or "").startswith(("search_fts", "ix_search_documents_vector")),
                "render_as_batch": True,
            })
            assert compare_metadata(context, db.metadata) == []
        db.engine.dispose()
