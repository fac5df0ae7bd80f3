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
        url = database_url.rsplit("/", 1)[0] + "/lms_migrations_check"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text("DROP DATABASE IF EXISTS lms_migrations_check"))
            connection.execute(sa.text("CREATE DATABASE lms_migrations_check"))
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
