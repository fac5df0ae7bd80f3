"""Issue 13 item 14: the facilitator pack (session plan, scenarios with model answers, myth cards, what to record) is
in a trainers' area that trainers and admins can open and print, and that officers can neither open nor find."""
import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.courses.models import Module
from lms.search.models import SearchDocument
from lms.trainers.models import FacilitatorPage
from tests.courses_support import library, sign_in_as  # noqa: F401
from tests.test_content_sync import sync, tree  # noqa: F401  (the same copied tree and sync)

PACK = ["session-plan", "masterclass-scenarios", "supervisors-scenarios", "myth-cards", "recording-the-session"]
#: words only the model answers use: an officer who could find them could read the answers before a session
ANSWER_PHRASE = "Listen for"
CSS = Path(__file__).resolve().parent.parent / "lms" / "static" / "css" / "lms.css"


def _nav_labels(page: str) -> list[str]:
    nav = re.search(r'<nav[^>]*aria-label="Main".*?</nav>', page, re.S).group(0)
    return [html.unescape(label) for label in re.findall(r'class="lms-nav__link" href="[^"]+"[^>]*>([^<]+)</a>', nav)]


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_trainers_and_admins_read_the_pack_page_by_page_and_whole(client, login, make_person, library, role):
    login(make_person(roles=("officer", role)))
    index = client.get("/trainers/")
    assert index.status_code == 200
    text = index.get_data(as_text=True)
    assert [slug for slug in re.findall(r'href="/trainers/([a-z-]+)"', text) if slug != "pack"] == PACK
    assert "Trainers' area" in _nav_labels(text)
    scenarios = client.get("/trainers/masterclass-scenarios").get_data(as_text=True)
    assert "The file that came back" in scenarios and ANSWER_PHRASE in scenarios
    whole = client.get("/trainers/pack").get_data(as_text=True)
    assert [slug for slug in re.findall(r'id="pack-([a-z-]+)"', whole) if slug != "contents"] == PACK


def test_every_scenario_in_both_courses_has_a_model_answer(db, library):
    """Each module's scenario appears, by its number and module, in the pack."""
    answers = {page.slug: page.html for page in db.session.scalars(sa.select(FacilitatorPage))}
    for module in db.session.scalars(sa.select(Module).where(Module.is_retired.is_(False))):
        if "Scenario" not in module.html:
            continue
        pack_page = "masterclass-scenarios" if module.course.slug == "investigation-masterclass" \
            else "supervisors-scenarios"
        assert re.search(rf'<h2 id="{module.number}-', answers[pack_page]), (module.course.slug, module.slug)


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_officers_and_supervisors_cannot_open_any_of_it(client, login, make_person, library, role):
    login(make_person(roles=(role,)))
    for path in ["/trainers/", "/trainers/pack", *(f"/trainers/{slug}" for slug in PACK)]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert ANSWER_PHRASE not in response.get_data(as_text=True)
    assert "Trainers' area" not in _nav_labels(client.get("/guidance/").get_data(as_text=True))


def test_the_signed_out_are_sent_to_sign_in(client, library):
    response = client.get("/trainers/masterclass-scenarios")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_search_never_shows_the_pack_to_anyone(client, login, make_person, db, library):
    """The pack is never indexed, so no search, however worded and by whoever, can show its answers."""
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchDocument)
                             .where(SearchDocument.url.like("/trainers/%"))) == 0
    officer, trainer = make_person(), make_person(roles=("officer", "trainer"))
    for person in (officer, trainer):
        sign_in_as(client, login, person)
        for query in ("listen for", "model answers", "myth cards", "session plan"):
            page = client.get(f"/search?q={query.replace(' ', '+')}").get_data(as_text=True)
            results = re.search(r"<main.*</main>", page, re.S).group(0)  # the trainer's menu links the area
            assert "/trainers/" not in results and ANSWER_PHRASE not in results, (person.email, query)


def test_the_pack_prints_each_part_on_its_own_sheet_without_the_menus(client, login, make_person, library):
    login(make_person(roles=("officer", "trainer")))
    whole = client.get("/trainers/pack").get_data(as_text=True)
    assert whole.count('class="lms-pack-page"') == len(PACK)
    assert re.search(r'class="[^"]*lms-no-print[^"]*">Print this page', whole)  # the note is left off the paper
    css = CSS.read_text()
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert ".lms-pack-page { page-break-before: always" in print_rules and ".lms-nav" in print_rules


def test_a_broken_pack_page_is_reported_with_its_line_and_a_removed_one_leaves_the_site(runner, tree, db, client,
                                                                                       login, make_person):
    folder = tree / "facilitator"
    folder.mkdir()
    (folder / "plan.md").write_text("---\ntitle: Plan\nsummary: The plan.\n---\nWelcome, then the myths.\n")
    (folder / "cards.md").write_text("---\ntitle: Cards\nsumary: typo\n---\nText.\n")
    result = sync(runner, tree)
    assert result.exit_code == 1
    assert "facilitator/cards.md:3: unknown field 'sumary'" in result.output, result.output
    assert "facilitator: 1 added, 0 changed, 0 unchanged, 0 removed, 1 failed" in result.output
    login(make_person(roles=("officer", "trainer")))
    assert client.get("/trainers/plan").status_code == 200
    (folder / "plan.md").unlink()
    (folder / "cards.md").unlink()
    assert sync(runner, tree).exit_code == 0
    assert client.get("/trainers/plan").status_code == 404
    assert db.session.scalar(sa.select(FacilitatorPage.is_retired).where(FacilitatorPage.slug == "plan"))
