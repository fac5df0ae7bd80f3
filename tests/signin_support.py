"""Helpers for the sign-in tests: another app instance on the same database, real-cost password hashes."""
from contextlib import contextmanager

from config import TestConfig
from lms import create_app
from lms.extensions import db
from tests.conftest import FIXTURE_CONTENT, Client


@contextmanager
def another_app(database_url: str, **settings):
    """A second instance of the app on the test database, as a second server would run, with its own settings."""
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                            "CONTENT_DIR": str(FIXTURE_CONTENT), **settings})
    app = create_app(config)
    app.test_client_class = Client
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def real_password_cost(*apps):
    """Hash and check passwords at production cost (Argon2id defaults) in these app instances."""
    for app in apps:
        app.config["PASSWORD_HASH_FAST"] = False
    try:
        yield
    finally:
        for app in apps:
            app.config["PASSWORD_HASH_FAST"] = True
