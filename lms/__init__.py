"""The application factory: it wires configuration, extensions, blueprints, error handlers and commands."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEFAULT_SECRET_KEY, config_for_environment


def create_app(config_class=None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class or config_for_environment())
    configure_database_url(app)
    refuse_insecure_production(app)
    refuse_sign_in_settings_that_lock_everyone_out(app)
    trust_proxies(app)
    register_write_intent(app)
    register_input_rules(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_content_importers(app)
    register_record_sources(app)
    register_commands(app)
    return app


def configure_database_url(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "lms.db")
    from lms.extensions import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)


def refuse_insecure_production(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY must be set to a long random value when LMS_ENV=production.")


def refuse_sign_in_settings_that_lock_everyone_out(app: Flask) -> None:
    mode = app.config["LOCAL_LOGIN"]
    if mode not in {"on", "admins-only", "off"}:
        raise RuntimeError(f"LOCAL_LOGIN must be on, admins-only or off, not {mode!r}.")
    if mode != "on" and not app.config["OIDC_ISSUER"]:
        raise RuntimeError(f"LOCAL_LOGIN={mode} needs single sign-on: set OIDC_ISSUER (see docs/SIGN-IN.md).")
    if app.config["OIDC_ISSUER"] and ("openid" not in app.config["OIDC_SCOPES"].split()
                                      or not app.config["OIDC_CLIENT_ID"]):
        raise RuntimeError("Single sign-on needs OIDC_CLIENT_ID, and OIDC_SCOPES to include openid.")


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from what they add.

    With none (the default) X-Forwarded-* headers are ignored: anyone can send them, so believing them would let a
    client choose the address that throttling counts.
    """
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
def register_write_intent(app: Flask) -> None:
    """The first hook of every request: whether it may write, by its method (lms.security.mark_write_intent).

    Settled before any other hook, since a refusal by one (a control character, a body too large, a form without its
    CSRF token) still loads the person for its error page, and the first statement's BEGIN on SQLite follows the
    intent: decided later, it was whatever the thread's previous request had left.
    """
    from lms import security

    app.before_request(security.mark_write_intent)


def register_input_rules(app: Flask) -> None:
    """Before the extensions: these hooks must run before CSRF reads the form, and routes need the converter."""
    from lms import inputs

    app.url_map.converters["int"] = inputs.BoundedIntegerConverter
    app.before_request(inputs.limit_body_size)
    app.before_request(inputs.refuse_control_characters)


def register_extensions(app: Flask) -> None:
    import lms.models  # noqa: F401  (every table, for migrations and create_all)
    from lms.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from lms.people import auth

    auth.init_login_manager(login_manager)
    from lms.xapi import queue as xapi_queue

    xapi_queue.init_app(app)


def register_blueprints(app: Flask) -> None:
    import_views()
    from lms.audit import bp as audit_bp
    from lms.checklists import bp as checklists_bp
    from lms.core import bp as core_bp
    from lms.courses import bp as courses_bp
    from lms.guidance import bp as guidance_bp
    from lms.notify import bp as notify_bp
    from lms.people import bp as people_bp
    from lms.quality import bp as quality_bp
    from lms.reports import bp as reports_bp
    from lms.records import bp as records_bp
    from lms.reports import training_bp
    from lms.search import bp as search_bp
    from lms.sessions import bp as sessions_bp
    from lms.trainers import bp as trainers_bp

    for blueprint in (core_bp, people_bp, audit_bp, guidance_bp, search_bp, courses_bp, sessions_bp, notify_bp,
                      checklists_bp, reports_bp, training_bp, trainers_bp, records_bp, quality_bp):
        app.register_blueprint(blueprint)


def import_views() -> None:
    """Import the modules that add views to the blueprints, before the blueprints are registered.

    The factory does this, not each package's `__init__`: a package that imported its own routes made importing
    any of its models also import every page of it, and the pages import other domains, so modules could only be
    imported in one lucky order.
    """
    from lms.audit import routes as audit_routes  # noqa: F401
    from lms.checklists import routes as checklists_routes  # noqa: F401
    from lms.core import routes as core_routes  # noqa: F401
    from lms.courses import routes as courses_routes  # noqa: F401
    from lms.guidance import ack_routes, owner_routes, routes as guidance_routes  # noqa: F401
    from lms.notify import routes as notify_routes  # noqa: F401
    from lms.people import account_routes, device_routes, roster_routes, second_factor_routes  # noqa: F401
    from lms.people import admin_routes as people_admin_routes, routes as people_routes  # noqa: F401
    from lms.reports import admin_routes as reports_admin_routes, routes as reports_routes  # noqa: F401
    from lms.records import routes as records_routes  # noqa: F401
    from lms.reports import booking_routes, digest_routes, snapshot_routes  # noqa: F401
    from lms.reports import templating as reports_templating  # noqa: F401
    from lms.quality import audit_routes, outcome_routes, routes as quality_routes  # noqa: F401
    from lms.quality import view_routes as quality_view  # noqa: F401
    from lms.search import routes as search_routes  # noqa: F401
    from lms.sessions import calendar_routes, manage_routes, register_routes  # noqa: F401
    from lms.sessions import routes as sessions_routes, templating as sessions_templating  # noqa: F401
    from lms.trainers import routes as trainers_routes  # noqa: F401


def register_request_hooks(app: Flask) -> None:
    from lms import security
    from lms.access import enforce_access

    app.before_request(enforce_access)
    app.before_request(security.reuse_signed_csrf_token)
    app.after_request(security.keep_signed_csrf_token)
    app.after_request(security.add_security_headers)


def register_errorhandlers(app: Flask) -> None:
    from lms.core import errors

    errors.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from lms.core import templating

    templating.init_app(app)


def register_content_importers(app: Flask) -> None:
    """The kinds of content `flask content sync` imports, in the order their changes are applied."""
    from lms.checklists.importer import ChecklistImporter
    from lms.content.sync import register_importer
    from lms.courses.importer import CourseImporter
    from lms.guidance.importer import GuidanceImporter
    from lms.quality.importer import RubricImporter
    from lms.search.glossary import GlossaryImporter
    from lms.trainers.importer import FacilitatorImporter

    # The glossary first: guidance pages link the first use of each of its terms.
    for importer in (GlossaryImporter(), GuidanceImporter(), CourseImporter(), ChecklistImporter(),
                     FacilitatorImporter(), RubricImporter()):
        register_importer(app, importer)


def register_record_sources(app: Flask) -> None:
    """Learning recorded by other domains that the CPD record and xAPI statements include: guidance
    acknowledgements (wired here, at start-up, so that neither the records nor xAPI import guidance)."""
    from lms.guidance import record_sources
    from lms.guidance.models import GuidanceAcknowledgement
    from lms.records.cpd import register_acknowledgements
    from lms.xapi.queue import track
    from lms.xapi.statements import register_source

    register_acknowledgements(record_sources.cpd_rows)
    register_source(record_sources.statements)
    track(GuidanceAcknowledgement)


def register_commands(app: Flask) -> None:
    from lms.content.cli import content_cli
    from lms.courses.cli import courses_cli
    from lms.demo.cli import demo_cli
    from lms.guidance.cli import guidance_cli
    from lms.notify.cli import notify_cli
    from lms.people.cli import users_cli
    from lms.quality.cli import outcomes_cli
    from lms.xapi.cli import xapi_cli

    for group in (users_cli, content_cli, courses_cli, demo_cli, notify_cli, xapi_cli, guidance_cli, outcomes_cli):
        app.cli.add_command(group)
