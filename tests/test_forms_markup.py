"""Form fields carry only the attributes they were given: no `autocomplete="None"` for a validator to flag."""
import pytest

from tests.sessions_fixtures import course, trainer, venue  # noqa: F401


@pytest.mark.parametrize("path", ["/sessions/new", "/sessions/venues/new", "/sessions/"])
def test_a_field_without_autocomplete_does_not_say_none(client, login, trainer, course, path):  # noqa: F811
    login(trainer)
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<input" in html
    assert 'autocomplete="None"' not in html


def test_a_field_given_autocomplete_keeps_it(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
