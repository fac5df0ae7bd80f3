"""Local accounts: invitations and resets by emailed single-use link, the password rule, who can sign in how."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

import lms.courses  # noqa: F401  (first: importing lms.sessions first trips the sessions/courses import circle)
from lms.audit.models import AuditEvent
from lms.notify.models import OutboxMessage
from lms.extensions import db as _db
from lms.tokens import hash_token
from lms.people.models import DeviceSession, PasswordToken, Person, ResetRequest
from lms.people.password_links import send_reset_links
from lms.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.test_notify_outbox import smtp  # noqa: F401  (a real SMTP server on a local port)

NEW_PASSWORD = "lantern quarry velvet ninety"
HEADER = "service_number,given_name,family_name,email,rank,team,area,is_student_officer,roles,supervises"


def messages(db, kind) -> list[OutboxMessage]:
    db.session.commit()
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def link_in(text: str) -> str:
    return re.search(r"http://localhost:5000(/login/set-password/\S+)", text).group(1)


def ask_for_reset(client, email, **options):
    """Ask for a reset link, then let `notify send`'s first step turn the request into an email, as cron would."""
    response = client.post("/login/forgotten-password", data={"email": email}, **options)
    send_reset_links()
    _db.session.commit()
    return response


def events(db, action) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture
def admin(make_person, login):
    person = make_person(roles=("officer", "admin"))
    login(person)
    return person


@pytest.fixture
def newcomer(make_person, db):
    """An officer the roster imported: no password yet."""
    person = make_person(email="new.officer@example.police.uk")
    person.password_hash = None
    db.session.commit()
    return person


def test_an_imported_officer_is_invited_by_email_sets_a_password_and_signs_in(app, runner, client, db, smtp,
                                                                                tmp_path, make_person, login):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"{HEADER}\nMP77,Priya,Shah,priya.shah@midshire.police.uk,PC,Response Team A,Northtown,,,\n")
    assert runner.invoke(args=["users", "import", str(roster), "--create-teams"]).exit_code == 0
    officer = db.session.scalar(sa.select(Person).where(Person.service_number == "MP77"))
    admin = make_person(roles=("officer", "admin"))
    login(admin)
    assert "Cannot sign in" in client.get(f"/admin/people/{officer.id}").get_data(as_text=True)

    response = client.post(f"/admin/people/{officer.id}/invite", follow_redirects=True)
    assert "Invitation sent to priya.shah@midshire.police.uk. The link works for 72 hours." in response.get_data(
        as_text=True)
    assert "Invited" in client.get(f"/admin/people/{officer.id}").get_data(as_text=True)
    assert events(db, "person.invited")[0].actor_id == admin.id
    client.post("/logout")

    sent = runner.invoke(args=["notify", "send"])
    assert sent.exit_code == 0, sent.output
    [email] = smtp.received
    assert email["To"] == "priya.shah@midshire.police.uk"
    assert email["Subject"] == "Set your password for the Investigation Masterclass"
    body = email.get_payload(decode=True).decode()
    link = link_in(body)
    assert db.session.scalar(sa.select(PasswordToken.token_hash)) == hash_token(link.rsplit("/", 1)[1])
    assert link.rsplit("/", 1)[1] not in str(db.session.scalars(sa.select(PasswordToken.token_hash)).all())

    page = client.get(link)
    assert page.status_code == 200 and "Set your password" in page.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is set. Sign in with it now." in response.get_data(as_text=True)
    response = client.post("/login", data={"email": "priya.shah@midshire.police.uk", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/guidance/").status_code == 200
    assert client.get(link).status_code == 404  # used: it works once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordToken)) == 0

    # Later, the password forgotten: `notify send` emails a reset link, which works once.
    client.post("/logout")
    client.post("/login/forgotten-password", data={"email": "priya.shah@midshire.police.uk"})
    sent = runner.invoke(args=["notify", "send"])
    assert "Queued 1 password reset link." in sent.output and "Sent 1 message." in sent.output, sent.output
    reset = smtp.received[1]
    assert reset["Subject"] == "Reset your Investigation Masterclass password"
    link = link_in(reset.get_payload(decode=True).decode())
    newer = "orchard kettle sandstone violin"
    assert client.post(link, data={"password": newer, "confirm": newer}).status_code == 302
    assert client.post(link, data={"password": newer, "confirm": newer}).status_code == 404
    assert client.post("/login", data={"email": "priya.shah@midshire.police.uk", "password": newer}).status_code == 302


def test_a_reset_link_works_once(client, db, make_person):
    person = make_person()
    response = ask_for_reset(client, person.email.upper(), follow_redirects=True)
    assert f"If {person.email} can sign in with a password, we are emailing it a link" in response.get_data(
        as_text=True)
    [message] = messages(db, "password_reset")
    assert message.to_address == person.email and "works once and stops working in 1 hour" in message.body_text
    link = link_in(message.body_text)
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    again = client.post(link, data={"password": "another fine long phrase", "confirm": "another fine long phrase"})
    assert again.status_code == 404 and "does not work any more" in again.get_data(as_text=True)
    assert client.post("/login", data={"email": person.email, "password": NEW_PASSWORD}).status_code == 302
    assert events(db, "person.password_set")[-1].summary.endswith("from a reset link")


def test_forgotten_password_answers_the_same_for_an_unknown_email(client, db, make_person):
    known = make_person()
    answers = []
    for email in (known.email, "nobody@example.police.uk"):
        response = ask_for_reset(client, email, follow_redirects=True)
        answers.append(response.get_data(as_text=True).replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    assert [m.to_address for m in messages(db, "password_reset")] == [known.email]


def test_asking_for_a_reset_does_the_same_work_whatever_email_is_typed(client, db, make_person, count_queries):
    """The page does not look the email up: how long it takes cannot tell who has an account."""
    known = make_person()
    statements = {}
    for email in (known.email, "nobody@example.police.uk"):
        with count_queries() as counter:
            client.post("/login/forgotten-password", data={"email": email})
        statements[email] = [re.sub(r"\s+", " ", statement) for statement in counter.statements]
    assert statements[known.email] == statements["nobody@example.police.uk"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordToken)) == 0
    assert messages(db, "password_reset") == []


def test_forgotten_password_is_throttled_per_email_whether_or_not_it_exists(app, client, db, make_person):
    known = make_person()
    limit = app.config["PASSWORD_RESETS_PER_EMAIL"]
    for email in (known.email, "nobody@example.police.uk"):
        for _ in range(limit):
            assert ask_for_reset(client, email).status_code == 302
        response = ask_for_reset(client, email)
        assert response.status_code == 429 and "Too many reset links" in response.get_data(as_text=True)
    assert len(messages(db, "password_reset")) == limit
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResetRequest)) == 2 * limit


def test_forgotten_password_is_throttled_per_client_address(app, client, db, make_person, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESETS_PER_ADDRESS", 3)
    for index in range(3):
        client.post("/login/forgotten-password", data={"email": f"someone{index}@example.police.uk"})
    person = make_person()
    assert ask_for_reset(client, person.email).status_code == 429
    assert messages(db, "password_reset") == []


def test_an_expired_link_does_not_work(client, db, make_person):
    person = make_person()
    ask_for_reset(client, person.email)
    link = link_in(messages(db, "password_reset")[0].body_text)
    db.session.execute(sa.update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    db.session.refresh(person)
    assert client.post("/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def test_any_password_change_voids_every_open_link(client, admin, newcomer, db, runner):
    client.post(f"/admin/people/{newcomer.id}/invite")
    invitation = link_in(messages(db, "invitation")[0].body_text)
    client.post("/logout")
    ask_for_reset(client, newcomer.email)
    reset = link_in(messages(db, "password_reset")[0].body_text)
    result = runner.invoke(args=["users", "set-password", newcomer.email], input=f"{NEW_PASSWORD}\n" * 2)
    assert result.exit_code == 0, result.output
    assert client.get(invitation).status_code == 404
    assert client.get(reset).status_code == 404


def test_a_newer_invitation_replaces_the_older_link(client, admin, newcomer, db):
    client.post(f"/admin/people/{newcomer.id}/invite")
    client.post(f"/admin/people/{newcomer.id}/invite")
    first, second = (link_in(m.body_text) for m in messages(db, "invitation"))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_setting_a_password_signs_out_every_device(app, client, db, make_person):
    person = make_person()
    device = app.test_client()
    device.post("/login", data={"email": person.email, "password": PASSWORD})
    ask_for_reset(client, person.email)
    client.post(link_in(messages(db, "password_reset")[0].body_text),
                data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert device.get("/guidance/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeviceSession)) == 0


@pytest.mark.parametrize("password, message", [
    ("short pass", "Use at least 12 characters"),
    ("password1234", "list of common passwords"),
    ("qwertyuiopasdfgh", "Choose a longer password"),
    ("{family}{given}!", "Choose a longer password"),  # built from the person's own name
])
def test_a_weak_password_is_refused_with_a_reason_and_nothing_changes(client, db, newcomer, password, message):
    ask_for_reset(client, newcomer.email)
    link = link_in(messages(db, "password_reset")[0].body_text)
    password = password.format(family=newcomer.family_name, given=newcomer.given_name)
    response = client.post(link, data={"password": password, "confirm": password})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(newcomer)
    assert newcomer.password_hash is None
    assert client.get(link).status_code == 200  # the link still works


def test_the_two_passwords_must_match(client, db, newcomer):
    ask_for_reset(client, newcomer.email)
    link = link_in(messages(db, "password_reset")[0].body_text)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords are not the same" in response.get_data(as_text=True)
    db.session.refresh(newcomer)
    assert newcomer.password_hash is None


def test_a_deactivated_persons_link_does_not_work(client, db, newcomer, admin):
    client.post(f"/admin/people/{newcomer.id}/invite")
    link = link_in(messages(db, "invitation")[0].body_text)
    client.post(f"/admin/people/{newcomer.id}/active", data={"active": "0", "confirmed": "1"})
    assert client.get(link).status_code == 404
    assert "deactivated" in client.post(f"/admin/people/{newcomer.id}/invite", follow_redirects=True).get_data(
        as_text=True)


def test_invite_everyone_who_cannot_sign_in_yet_follows_the_list_filters(client, admin, db, make_person, make_team):
    team_a, team_b = make_team("Response Team A"), make_team("Response Team B")
    people = [make_person(team=team_a) for _ in range(4)] + [make_person(team=team_b)]
    for person in people[:3] + people[4:]:
        person.password_hash = None
    people[2].is_active_account = False
    db.session.commit()  # in team A: two without a password, one deactivated, one with a password
    page = client.get(f"/admin/people/?team={team_a.id}&status=all").get_data(as_text=True)
    assert "2 of these people cannot sign in yet" in page
    response = client.post("/admin/people/invite", data={"team": team_a.id, "status": "all"}, follow_redirects=True)
    assert "Invited 2 people" in response.get_data(as_text=True)
    assert sorted(m.person_id for m in messages(db, "invitation")) == sorted([people[0].id, people[1].id])
    assert sorted(int(e.object_id) for e in events(db, "person.invited")) == sorted([people[0].id, people[1].id])
    again = client.post("/admin/people/invite", data={"team": team_a.id, "status": "all"}, follow_redirects=True)
    assert "Everyone here can already sign in or has an invitation open." in again.get_data(as_text=True)
    assert len(messages(db, "invitation")) == 2


def test_the_person_page_says_how_someone_signs_in(client, admin, newcomer, make_person, db):
    assert "Password set" in client.get(f"/admin/people/{admin.id}").get_data(as_text=True)
    assert "Cannot sign in" in client.get(f"/admin/people/{newcomer.id}").get_data(as_text=True)
    client.post(f"/admin/people/{newcomer.id}/invite")
    page = client.get(f"/admin/people/{newcomer.id}").get_data(as_text=True)
    assert "Invited" in page and "Send a new invitation" in page


def test_officers_cannot_invite(client, make_person, login, newcomer, db):
    login(make_person())
    assert client.post(f"/admin/people/{newcomer.id}/invite").status_code == 403
    assert client.post("/admin/people/invite").status_code == 403
    assert messages(db, "invitation") == []


def test_local_login_off_means_no_invitations_or_reset_links(app, client, admin, newcomer, db, monkeypatch):
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", "off")
    response = client.post(f"/admin/people/{newcomer.id}/invite", follow_redirects=True)
    assert "Local sign-in is switched off" in response.get_data(as_text=True)
    assert "cannot sign in yet" not in client.get("/admin/people/").get_data(as_text=True)
    client.post("/admin/people/invite")
    ask_for_reset(client, admin.email)
    assert messages(db, "invitation") == [] and messages(db, "password_reset") == []


def test_a_made_up_link_does_not_work(client):
    assert client.get("/login/set-password/not-a-real-token").status_code == 404
    assert client.get("/login/set-password/" + "x" * 300).status_code == 404
