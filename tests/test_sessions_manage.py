"""Issue 11.10: "Manage sessions" in the trainers' navigation, their own sessions first, past sessions in pages, a
"below minimum" banner that links to the sessions it means, and no flag before people have had a chance to book."""
import re
from datetime import timedelta

from lms.courses.models import Course  # noqa: F401  (loaded first: lms.sessions and lms.courses import each other)
from tests.sessions_fixtures import course, make_session, trainer  # noqa: F401


def _nav(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav[^>]*aria-label="Main".*?</nav>', html, re.S).group(0)
    return [(label, bool(current)) for current, label in
            re.findall(r'<a class="lms-nav__link" href="[^"]+"( aria-current="page")?>([^<]+)</a>', nav)]


def test_manage_sessions_is_in_the_trainers_main_navigation_and_marked_alone(client, login, make_person, trainer):
    login(trainer)
    nav = _nav(client.get("/sessions/manage").get_data(as_text=True))
    assert ("Manage sessions", True) in nav and ("Sessions", False) in nav
    assert [label for label, current in nav if current] == ["Manage sessions"]
    assert [label for label, current in _nav(client.get("/sessions/").get_data(as_text=True)) if current] \
        == ["Sessions"]
    client.post("/logout")
    login(make_person())
    assert "Manage sessions" not in [label for label, _ in _nav(client.get("/sessions/").get_data(as_text=True))]


def test_a_trainer_sees_their_own_sessions_first_and_everyones_a_link_away(client, login, make_person, make_session,
                                                                           trainer):
    colleague = make_person(roles=("officer", "trainer"), given_name="Cora", family_name="Colleague")
    mine = make_session()
    theirs = make_session(starts_in=timedelta(days=8), trainers=[colleague])
    login(trainer)
    html = client.get("/sessions/manage").get_data(as_text=True)
    assert f'id="session-{mine.id}"' in html and f'id="session-{theirs.id}"' not in html
    assert "Show every trainer's sessions" in html
    everyone = client.get("/sessions/manage?who=all").get_data(as_text=True)
    assert f'id="session-{mine.id}"' in everyone and f'id="session-{theirs.id}"' in everyone


def test_past_sessions_come_in_pages(client, login, make_session, trainer):
    past = [make_session(starts_in=timedelta(days=-day)) for day in range(1, 26)]
    login(trainer)
    first = client.get("/sessions/manage").get_data(as_text=True)
    assert sum(f'id="session-{s.id}"' in first for s in past) == 20
    assert f'id="session-{past[0].id}"' in first  # the latest first
    older = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert [s.id for s in past if f'id="session-{s.id}"' in second] == [s.id for s in past[20:]]
    assert 'rel="next"' not in second and 'rel="prev"' in second
    assert client.get("/sessions/manage?past=-3").status_code == 200
    assert client.get("/sessions/manage?past=99999999999999999999").status_code == 200


def test_the_below_minimum_banner_links_to_each_session_and_a_new_session_is_not_flagged(client, app, login,
                                                                                        make_session, trainer):
    soon = make_session(starts_in=timedelta(days=5), min_attendees=3)
    just_scheduled = make_session(starts_in=timedelta(days=40), min_attendees=3)
    login(trainer)
    html = client.get("/sessions/manage").get_data(as_text=True)
    banner = re.search(r'<div class="govuk-inset-text">.*?</div>', html, re.S).group(0)
    assert "1 session is below its minimum numbers" in " ".join(banner.split())
    assert re.findall(r'href="#session-(\d+)"', banner) == [str(soon.id)]
    assert f'id="session-{soon.id}"' in html
    row = re.search(rf'id="session-{just_scheduled.id}".*?</tr>', html, re.S).group(0)
    assert "Below minimum" not in row and "Scheduled" in row
    app.config["SESSION_MINIMUM_CHECK_DAYS"] = 45
    try:
        banner = re.search(r'<div class="govuk-inset-text">.*?</div>',
                           client.get("/sessions/manage").get_data(as_text=True), re.S).group(0)
        assert re.findall(r'href="#session-(\d+)"', banner) == [str(soon.id), str(just_scheduled.id)]
    finally:
        app.config["SESSION_MINIMUM_CHECK_DAYS"] = 7
