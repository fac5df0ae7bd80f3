"""Admins who sign in with a password give a second factor: an authenticator app (TOTP) or a recovery code."""
import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import DeviceSession, LoginCounter, RecoveryCode
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def second_factor_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_SECOND_FACTOR", True)


@pytest.fixture
def admin(make_person):
    return make_person(roles=("officer", "admin"))


def password_step(client, person, next_path=""):
    return client.post(f"/login{next_path}", data={"email": person.email, "password": PASSWORD})


def signed_in(client) -> bool:
    return client.get("/guidance/").status_code == 200


def enrol(client, admin) -> tuple[str, list[str]]:
    """Sign in with the password, set up the app; return its secret and the recovery codes shown."""
    assert password_step(client, admin).headers["Location"] == "/login/second-factor/setup"
    page = client.get("/login/second-factor/setup").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    response = client.post("/login/second-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.data
    codes = re.findall(r"<li><code>([A-Z2-7-]{19})</code></li>", response.get_data(as_text=True))
    return secret, codes


def previous_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() - 30)


def test_an_officer_signs_in_with_a_password_alone(client, make_person):
    assert password_step(client, make_person()).headers["Location"] == "/"
    assert signed_in(client)


def test_an_admins_password_alone_does_not_sign_in(client, admin, db):
    password_step(client, admin)
    assert not signed_in(client)
    assert client.get("/admin/people/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)) == 0


def test_an_admin_sets_up_the_app_with_a_qr_code_and_gets_recovery_codes(client, admin, db):
    password_step(client, admin, "?next=/admin/people/")
    page = client.get("/login/second-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and 'alt="QR code to scan with your authenticator app"' in page
    secret = re.search(r'data-testid="totp-secret">(\w+)<', page).group(1)
    wrong = client.post("/login/second-factor/setup", data={"code": "000000"})
    assert "That code is not right" in wrong.get_data(as_text=True) and not signed_in(client)
    response = client.post("/login/second-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    body = response.get_data(as_text=True)
    assert "this is the only time they are shown" in body and 'href="/admin/people/"' in body
    codes = re.findall(r"<li><code>([A-Z2-7-]{19})</code></li>", body)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/people/").status_code == 200
    db.session.refresh(admin)
    assert admin.totp_secret == secret
    stored = set(db.session.scalars(sa.select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not stored & set(codes)  # only hashes are kept
    assert db.session.scalar(sa.select(DeviceSession.method)) == "password+app"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.second_factor_set_up"))


def test_next_time_the_admin_gives_the_apps_code(app, admin, db):
    secret, _ = enrol(app.test_client(), admin)
    client = app.test_client()
    assert password_step(client, admin, "?next=/admin/audit/").headers["Location"] == "/login/second-factor"
    assert not signed_in(client)
    # The code used at set-up cannot be used again; the next one from the app can.
    wrong = client.post("/login/second-factor", data={"code": previous_code(secret)})
    response = client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert response.headers["Location"] == "/admin/audit/", wrong.data
    assert signed_in(client)


def test_a_code_cannot_be_replayed(app, admin, db):
    secret, _ = enrol(app.test_client(), admin)
    code = pyotp.TOTP(secret).at(time.time() + 30)
    first, second = app.test_client(), app.test_client()
    password_step(first, admin)
    assert first.post("/login/second-factor", data={"code": code}).status_code == 302
    password_step(second, admin)
    response = second.post("/login/second-factor", data={"code": code})
    assert response.status_code == 200 and "That code is not right" in response.get_data(as_text=True)
    assert not signed_in(second)


def test_a_recovery_code_works_once(app, admin, db):
    _, codes = enrol(app.test_client(), admin)
    client = app.test_client()
    password_step(client, admin)
    response = client.post("/login/second-factor", data={"code": codes[0].lower()}, follow_redirects=True)
    assert "You used a recovery code: 9 left." in response.get_data(as_text=True)
    assert signed_in(client)
    again = app.test_client()
    password_step(again, admin)
    assert again.post("/login/second-factor", data={"code": codes[0]}).status_code == 200
    assert not signed_in(again)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 9


def test_wrong_codes_count_as_failed_sign_ins_and_are_throttled(app, admin, db):
    secret, _ = enrol(app.test_client(), admin)
    client = app.test_client()
    password_step(client, admin)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        client.post("/login/second-factor", data={"code": "123456"})
    response = client.post("/login/second-factor", data={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert response.status_code == 429 and "Too many wrong codes" in response.get_data(as_text=True)
    assert not signed_in(client)
    assert db.session.scalar(sa.select(LoginCounter.failures).where(LoginCounter.scope == "code")) == 5


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(client, admin):
    for path in ("/login/second-factor", "/login/second-factor/setup"):
        response = client.post(path, data={"code": "123456"})
        assert response.headers["Location"] == "/login"
    assert not signed_in(client)


def test_the_password_step_expires(app, admin, monkeypatch):
    client = app.test_client()
    password_step(client, admin)
    with client.session_transaction() as session:
        session["second_factor_pending"] = {**session["second_factor_pending"], "at": time.time() - 301}
    assert client.get("/login/second-factor/setup").headers["Location"] == "/login"
    assert not signed_in(client)


def test_another_admin_resets_a_lost_second_factor(app, admin, make_person, login, client, db):
    enrol(app.test_client(), admin)
    other = make_person(roles=("officer", "admin"))
    other.totp_secret = pyotp.random_base32()
    db.session.commit()
    login(other)
    client.post("/login/second-factor", data={"code": pyotp.TOTP(other.totp_secret).now()})
    response = client.post(f"/admin/people/{admin.id}/second-factor/reset", follow_redirects=True)
    assert "second factor is reset" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)
                             .where(DeviceSession.person_id == admin.id)) == 0
    fresh = app.test_client()
    assert password_step(fresh, admin).headers["Location"] == "/login/second-factor/setup"


def test_an_admin_cannot_reset_their_own_second_factor(app, admin, client, db):
    secret, _ = enrol(client, admin)
    response = client.post(f"/admin/people/{admin.id}/second-factor/reset", follow_redirects=True)
    assert "Ask another admin" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.totp_secret == secret
