"""Single sign-on through a real OpenID Connect provider: who gets in, who is refused, and how each fault ends."""
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.people.models import Person
from tests.oidc_support import oidc_provider, provider, sign_in_at_provider  # noqa: F401

NOT_YET = b"You cannot sign in here yet"
DID_NOT_WORK = b"Signing in did not work"


def start(client, next_path="/courses/") -> str:
    response = client.get(f"/login/sso?next={next_path}")
    assert response.status_code == 302, response.data[:300]
    return response.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client, login: str, **options):
    return come_back(client, sign_in_at_provider(start(client), login, **options))


def signed_in(client) -> bool:
    return client.get("/guidance/").status_code == 200


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_login_page_offers_the_force_account_button(client, provider, app):
    page = client.get("/login?next=/courses/").data.decode()
    assert app.config["OIDC_LABEL"] in page and 'href="/login/sso?next=/courses/"' in page


def test_first_sign_on_links_the_roster_person_by_email_and_lands_where_they_were_going(client, provider, make_person,
                                                                                         db):
    person = make_person(email="jo.bloggs@example.police.uk")
    provider.set_accounts(jo={"sub": "subject-jo", "email": "Jo.Bloggs@Example.Police.UK", "email_verified": True})
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["state"] and query["nonce"]
    response = come_back(client, sign_in_at_provider(authorize, "jo"))
    assert response.status_code == 302 and response.headers["Location"] == "/courses/"
    assert client.get("/courses/").status_code == 200
    db.session.refresh(person)
    assert person.oidc_subject == "subject-jo"
    assert [event.object_id for event in events(db, "person.sign_on_linked")] == [str(person.id)]
    assert events(db, "person.signed_in")[-1].actor_id == person.id


def test_a_later_sign_on_goes_by_subject_after_the_email_changed_at_the_provider(client, provider, make_person, db,
                                                                                 app):
    jo = make_person(email="jo.bloggs@example.police.uk")
    other = make_person(email="jo.smith@example.police.uk")
    provider.set_accounts(jo={"sub": "subject-jo", "email": jo.email})
    sso_sign_in(client, "jo")
    client.post("/logout")
    # Jo's email changes at the provider to one that another person on the roster holds: Jo is still Jo.
    provider.set_accounts(jo={"sub": "subject-jo", "email": other.email})
    assert sso_sign_in(client, "jo").status_code == 302
    assert signed_in(client)
    assert events(db, "person.signed_in")[-1].actor_id == jo.id
    db.session.refresh(other)
    assert other.oidc_subject is None


def test_someone_else_at_the_provider_with_a_linked_persons_email_is_refused(client, provider, make_person, db):
    jo = make_person(email="jo.bloggs@example.police.uk", oidc_subject="subject-jo")
    provider.set_accounts(impostor={"sub": "subject-impostor", "email": jo.email})
    response = sso_sign_in(client, "impostor")
    assert response.status_code == 403 and b"linked to someone else" in response.data
    assert not signed_in(client)
    assert [event.object_id for event in events(db, "person.sign_on_refused")] == [str(jo.id)]


def test_someone_the_roster_does_not_hold_is_told_who_to_ask_and_the_attempt_is_audited(client, provider, db, app):
    provider.set_accounts(stranger={"sub": "subject-stranger", "email": "stranger@example.police.uk"})
    response = sso_sign_in(client, "stranger")
    assert response.status_code == 403 and NOT_YET in response.data
    assert b"not on the roster" in response.data and app.config["ACCESS_CONTACT"].encode() in response.data
    assert not signed_in(client)
    refused = events(db, "person.sign_on_refused")
    assert [(event.object_type, event.object_id) for event in refused] == [("sign_on", "stranger@example.police.uk")]


def test_a_deactivated_person_is_refused_and_not_linked(client, provider, make_person, db):
    person = make_person(active=False)
    provider.set_accounts(gone={"sub": "subject-gone", "email": person.email})
    response = sso_sign_in(client, "gone")
    assert response.status_code == 403 and b"deactivated" in response.data
    assert not signed_in(client)
    db.session.refresh(person)
    assert person.oidc_subject is None
    assert [event.object_id for event in events(db, "person.sign_on_refused")] == [str(person.id)]


def test_roles_and_teams_never_come_from_the_provider(client, provider, make_person, db):
    person = make_person(roles=("officer",))
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email, "roles": ["admin"], "groups": ["admins"]})
    sso_sign_in(client, "jo")
    assert signed_in(client)
    assert client.get(f"/admin/people/{person.id}").status_code == 403
    db.session.refresh(person)
    assert person.roles == {"officer"}


def test_the_service_number_can_be_the_match_claim(client, provider, make_person, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "OIDC_MATCH_CLAIM", "employeeid")
    monkeypatch.setitem(app.config, "OIDC_SCOPES", "openid email employee")
    person = make_person(service_number="MP4711")
    provider.set_accounts(jo={"sub": "subject-jo", "email": "jo@elsewhere.example", "employeeid": "mp4711"})
    assert sso_sign_in(client, "jo").status_code == 302
    db.session.refresh(person)
    assert person.oidc_subject == "subject-jo"


def test_a_tampered_state_is_refused(client, provider, make_person, db):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    callback = urlsplit(sign_in_at_provider(start(client), "jo"))
    query = parse_qs(callback.query)
    query["state"] = [query["state"][0][:-2] + "xx"]
    tampered = urlunsplit(callback._replace(query="&".join(f"{k}={v[0]}" for k, v in query.items())))
    response = come_back(client, tampered)
    assert response.status_code == 400 and b"not started from this browser" in response.data
    assert not signed_in(client)
    db.session.refresh(person)
    assert person.oidc_subject is None


def test_an_answer_sent_to_another_browser_is_refused(app, client, provider, make_person, db):
    """Login CSRF: an attacker's callback URL opened in the victim's browser carries a state the victim never had."""
    person = make_person()
    provider.set_accounts(attacker={"sub": "subject-attacker", "email": person.email})
    callback = sign_in_at_provider(start(app.test_client()), "attacker")
    assert come_back(client, callback).status_code == 400
    assert not signed_in(client)


def test_an_id_token_for_another_audience_is_refused(client, provider, make_person, db):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    provider.misdirect_id_tokens("another-app")
    response = sso_sign_in(client, "jo")
    assert response.status_code == 400 and b"could not be trusted" in response.data
    assert not signed_in(client)
    db.session.refresh(person)
    assert person.oidc_subject is None


def test_an_expired_id_token_from_a_provider_whose_clock_is_slow_is_refused(client, provider, make_person, db):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    provider.run_clock_off(-900)  # its tokens live 300 s, so they expired 600 s ago: past the 120 s allowed for skew
    response = sso_sign_in(client, "jo")
    assert response.status_code == 400 and b"could not be trusted" in response.data
    assert not signed_in(client)


def test_a_small_clock_difference_is_allowed(client, provider, make_person):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    provider.run_clock_off(-360)  # expired 60 s ago by our clock: within the 120 s allowed
    assert sso_sign_in(client, "jo").status_code == 302
    assert signed_in(client)


def test_sign_on_keeps_working_when_the_provider_rotates_its_signing_key(app, client, provider, make_person, db):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    assert sso_sign_in(client, "jo").status_code == 302
    client.post("/logout")
    old_keys = provider.signing_key_ids()
    provider.rotate_keys()  # the app holds the old key set; the new tokens name a key it has not seen
    assert provider.signing_key_ids().isdisjoint(old_keys)
    assert sso_sign_in(app.test_client(), "jo").status_code == 302
    assert len(events(db, "person.signed_in")) == 2


def test_cancelling_at_the_provider_gives_a_plain_page(client, provider, make_person):
    response = sso_sign_in(client, "anyone", cancel=True)
    assert response.status_code == 400 and b"cancelled" in response.data
    assert not signed_in(client)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_provider_that_is_down_gives_a_plain_page(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", f"http://127.0.0.1:{_closed_port()}")
    response = client.get("/login/sso")
    assert response.status_code == 502 and b"did not answer" in response.data


@pytest.fixture
def silent_server():
    """A loopback server that accepts connections and never answers: a stalled provider."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_provider_that_never_answers_times_out_with_a_plain_page(client, app, monkeypatch, silent_server):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", silent_server)
    monkeypatch.setitem(app.config, "OIDC_TIMEOUT_SECONDS", 1)
    started = time.perf_counter()
    response = client.get("/login/sso")
    assert response.status_code == 502 and b"did not answer" in response.data
    assert time.perf_counter() - started < 5


def test_signing_out_also_signs_out_at_the_provider(client, provider, make_person):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    sso_sign_in(client, "jo")
    response = client.post("/logout")
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}" == provider.issuer and location.path == "/session/end"
    assert parse_qs(location.query)["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert parse_qs(location.query)["client_id"] == ["lms"]
    assert not signed_in(client)


def test_signing_out_after_a_password_sign_in_stays_on_this_site(client, provider, make_person, login):
    login(make_person())
    assert client.post("/logout").headers["Location"] == "/login"


def test_with_local_login_off_only_the_button_is_offered(client, provider, monkeypatch, app, make_person):
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", "off")
    page = client.get("/login").data.decode()
    assert app.config["OIDC_LABEL"] in page and 'name="password"' not in page
    person = make_person()
    assert client.post("/login", data={"email": person.email, "password": "x"}).status_code == 403
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    assert sso_sign_in(client, "jo").status_code == 302


def test_settings_that_would_lock_everyone_out_stop_the_app_starting(database_url):
    from tests.signin_support import another_app

    for settings, complaint in (({"LOCAL_LOGIN": "sometimes"}, "must be on, admins-only or off"),
                                ({"LOCAL_LOGIN": "off", "OIDC_ISSUER": ""}, "needs single sign-on"),
                                ({"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "lms", "OIDC_SCOPES": "email"},
                                 "include openid")):
        with pytest.raises(RuntimeError, match=complaint):
            with another_app(database_url, **settings):
                pass


def test_sso_pages_are_not_found_when_single_sign_on_is_not_set_up(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert b"/login/sso" not in client.get("/login").data


def test_pressing_the_button_again_and_again_keeps_only_the_newest_sign_on(client, provider, make_person):
    person = make_person()
    provider.set_accounts(jo={"sub": "subject-jo", "email": person.email})
    earlier = [start(client) for _ in range(10)]
    assert len(client.get_cookie("session").value) < 1500
    assert come_back(client, sign_in_at_provider(earlier[0], "jo")).status_code == 400
    assert sso_sign_in(client, "jo").status_code == 302
