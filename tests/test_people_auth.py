"""Signing in and out, throttling, session renewal and safe redirects."""
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.tokens import hash_token
from lms.people.models import DeviceSession, LoginCounter


def test_anonymous_visitor_is_sent_to_login_with_next(client):
    response = client.get("/guidance/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/guidance/")


def test_officer_signs_in_and_lands_on_next_page(client, make_person, login, db):
    person = make_person()
    response = client.post("/login?next=/guidance/", data={"email": person.email.upper(), "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/guidance/"
    assert client.get("/guidance/").status_code == 200
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.signed_in")).actor_id == person.id


def test_wrong_password_shows_a_message_and_records_the_failure(client, make_person, db):
    person = make_person()
    response = client.post("/login", data={"email": person.email, "password": "wrong"})
    assert response.status_code == 200
    assert b"The email address or password is not right." in response.data
    counted = {(row.scope, row.key): row.failures for row in db.session.scalars(sa.select(LoginCounter))}
    assert counted == {("account", person.email): 1, ("address", "127.0.0.1"): 1}
    assert client.get("/guidance/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, make_person, app):
    person = make_person()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/login", data={"email": person.email, "password": "wrong"})
    response = client.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.data
    assert client.get("/guidance/").status_code == 302


def test_failures_from_one_address_are_throttled_across_accounts(client, make_person, app, db):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    try:
        for index in range(3):
            client.post("/login", data={"email": f"nobody{index}@example.police.uk", "password": "x"})
        person = make_person()
        response = client.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
        assert response.status_code == 429
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20


def test_deactivated_person_cannot_sign_in(client, make_person):
    person = make_person(active=False)
    response = client.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    assert response.status_code == 200
    assert b"not right" in response.data


def test_sign_in_issues_a_fresh_session(client, make_person, login, db):
    person = make_person()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(person)
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]  # the random id of a new device session, not the person's id
    owner = db.session.scalar(sa.select(DeviceSession.person_id).where(DeviceSession.token_hash == hash_token(token)))
    assert owner == person.id


def test_next_cannot_redirect_off_site(client, make_person):
    person = make_person()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": person.email, "password": "correct horse battery staple"})
        assert response.headers["Location"] == "/", target
        client.post("/logout")


def test_sign_out_revokes_a_copied_session_cookie(app, make_person, login, client):
    person = make_person()
    login(person)
    stolen = client.get_cookie("session").value
    client.post("/logout")
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/guidance/").status_code == 302


def test_deactivation_ends_existing_sessions(client, make_person, login, db):
    person = make_person()
    login(person)
    assert client.get("/guidance/").status_code == 200
    from lms.people.services import set_active

    set_active(make_person(roles=("admin",)), person, False)
    db.session.commit()
    assert client.get("/guidance/").status_code == 302


def test_opening_logout_asks_to_confirm_and_changes_nothing(client, make_person, login):
    login(make_person())
    response = client.get("/logout")
    assert response.status_code == 200 and b"Signing out ends your session" in response.data
    assert client.get("/guidance/").status_code == 200
    client.post("/logout")
    assert client.get("/guidance/").status_code == 302
