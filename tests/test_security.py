"""Controls that apply to every page: deny by default, CSRF, headers, errors that reveal nothing."""
import re

import pytest

from config import TestConfig
from lms import create_app
from lms.access import ANY_SIGNED_IN, PUBLIC
from lms.extensions import db

#: Endpoints anyone may open without signing in. Everything else must declare its access.
PUBLIC_ENDPOINTS = {"people.login", "people.logout", "people.sso_start", "people.sso_callback", "core.healthz",
                    "static",
                    # before a password: asking for a reset link, using one, the admins' second factor
                    "people.forgotten_password", "people.set_password", "people.second_factor_step",
                    "people.second_factor_setup",
                    # a calendar feed is opened by calendar software, authorised by its secret, revocable token
                    "sessions.feed",
                    # the pocket checklist: impersonal, and must open from a home screen long after sign-in expires
                    "checklists.index", "checklists.checklist", "checklists.card", "checklists.service_worker",
                    "checklists.manifest", "checklists.offline", "checklists.see",
                    # a certificate's check: anyone an officer shows it to, by its unguessable code
                    "records.verify",
                    # what the site's own xAPI verbs mean, at their IRIs
                    "records.xapi_verb"}


def test_every_endpoint_declares_who_may_open_it(app):
    undeclared, unexpected_public = [], []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access", None)
        if rule.endpoint == "static":
            continue
        if access is None:
            undeclared.append(rule.endpoint)
        elif access == PUBLIC and rule.endpoint not in PUBLIC_ENDPOINTS:
            unexpected_public.append(rule.endpoint)
        else:
            assert access in (PUBLIC, ANY_SIGNED_IN) or isinstance(access, frozenset)
    assert undeclared == []
    assert unexpected_public == []


def test_an_undeclared_view_is_refused(app, client, make_person, login):
    app.view_functions["core.home"].access, saved = None, app.view_functions["core.home"].access
    try:
        login(make_person())
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["core.home"].access = saved


def test_officer_gets_403_on_admin_pages(client, make_person, login):
    login(make_person())
    for path in ("/admin/people/", "/admin/audit/", "/guidance/reviews"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"You do not have access" in response.data


def test_security_headers_on_every_response(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client, make_person, login, synced_content):
    login(make_person(roles=("officer", "admin")))
    for path in ("/", "/guidance/", "/guidance/golden-hour", "/search?q=scene", "/admin/people/"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>" not in body and " on" + "click=" not in body, path


@pytest.fixture
def csrf_client(app, monkeypatch):
    """A client of the app with CSRF protection switched on, as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app.test_client()


def test_a_post_without_a_csrf_token_is_refused(csrf_client, make_person):
    person = make_person()
    response = csrf_client.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    assert response.status_code == 400
    assert csrf_client.get("/guidance/").status_code == 302


def test_a_post_with_the_csrf_token_signs_in(csrf_client, make_person):
    person = make_person()
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/login", data={"email": person.email, "password": "correct horse battery staple",
                                                "csrf_token": token})
    assert response.status_code == 302


def test_a_session_keeps_one_csrf_token_that_stops_working_when_the_session_ends(csrf_client, make_person,
                                                                                  synced_content):
    """Pages reuse the session's signed token rather than sign it anew (lms.security): it must still be accepted
    for every form of the session, and be refused once the person has signed out and in again."""
    person = make_person()

    def token_on(path: str) -> str:
        page = csrf_client.get(path).get_data(as_text=True)
        tokens = set(re.findall(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page))
        assert len(tokens) == 1, path  # the sign-out form and the page's own forms carry the same one
        return tokens.pop()

    def sign_in() -> None:
        response = csrf_client.post("/login", data={"email": person.email, "password": "correct horse battery staple",
                                                    "csrf_token": token_on("/login")})
        assert response.status_code == 302

    def feedback(token: str) -> int:
        return csrf_client.post("/guidance/golden-hour/feedback",
                                data={"useful": "yes", "csrf_token": token}).status_code

    sign_in()
    first = token_on("/guidance/golden-hour")
    assert token_on("/guidance/") == first
    assert feedback(first) == 302
    assert csrf_client.post("/logout", data={"csrf_token": token_on("/")}).status_code == 302
    sign_in()
    assert token_on("/guidance/golden-hour") != first
    assert feedback(first) == 400


def test_unknown_page_is_a_house_style_404(client, make_person, login):
    login(make_person())
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_an_unexpected_error_shows_no_stack_trace(app, client, make_person, login, monkeypatch):
    login(make_person())
    import lms.core.routes as routes

    def explode(*args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes, "home_page", explode)
    response = client.get("/")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert b"Sorry, something went wrong" in response.data


def test_production_refuses_the_default_secret_key(monkeypatch):
    from config import ProductionConfig

    class Insecure(ProductionConfig):
        SECRET_KEY = "dev-only-insecure-key"
        ENV_NAME = "production"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Insecure)


def test_healthz_reports_database_round_trip(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    class Broken(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/missing/dir/nothing.db"

    broken = create_app(Broken)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    with broken.app_context():
        db.engine.dispose()
