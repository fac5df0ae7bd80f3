"""Search: stemming, phrases, ranking, highlighted snippets and a helpful empty state."""
from lms.search.query import parse_query


def search(client, q):
    return client.get("/search", query_string={"q": q}).get_data(as_text=True)


def test_stemming_finds_investigating_when_you_type_investigation(client, make_person, login, synced_content):
    login(make_person())
    body = search(client, "investigation")
    assert "The golden hour" in body
    assert "<mark>investigating</mark>" in body


def test_title_matches_rank_first(client, make_person, login, synced_content):
    login(make_person())
    body = search(client, "scene")
    assert body.index("Scene preservation: cordons and contamination") < body.index("The golden hour")


def test_phrase_query_matches_the_exact_phrase_only(client, make_person, login, synced_content):
    login(make_person())
    assert "Scene preservation" in search(client, '"cordon wider"')
    assert "Nothing matches" in search(client, '"wider cordon"')


def test_multi_word_query_needs_every_word_then_falls_back_to_any(client, make_person, login, synced_content):
    login(make_person())
    assert "1 result" in search(client, "cordon log")
    body = search(client, "cordon victims")
    assert "No page contains all of those words" in body and "2 results" in body


def test_empty_state_helps(client, make_person, login, synced_content):
    login(make_person())
    body = search(client, "zebra")
    assert "Nothing matches <strong>zebra</strong>" in body
    assert "browse the guidance by topic" in body


def test_snippets_escape_content_and_operators_are_harmless(client, make_person, login, synced_content):
    login(make_person())
    for hostile in ('<script>alert(1)</script>', 'scene OR "', 'NEAR(scene', '*', "'; DROP TABLE people; --"):
        response = client.get("/search", query_string={"q": hostile})
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_parse_query_keeps_words_and_phrases():
    assert parse_query('golden "scene log" AND*') == ["golden", "scene log", "AND"]
    assert parse_query('""') == []
