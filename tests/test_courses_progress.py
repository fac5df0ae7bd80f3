"""The officer's journey through a course: modules read once, progress the same everywhere, bounded queries."""
import sqlalchemy as sa

from lms.courses.models import Module, ModuleRead
from lms.courses.progress import (has_passed_quiz, has_read_all_modules, owned_parts_done, progress_of_people)
from tests.courses_support import (SLUG, course, csrf_client_signed_in, sign_in_as, start,  # noqa: F401
                                   take_quiz, token_on)


MODULE_URL = f"/courses/{SLUG}/modules/{{}}"


def read(client, slug):
    return client.post(MODULE_URL.format(slug) + "/read")


def test_courses_are_in_the_navigation_and_on_the_home_page(client, make_person, login, course):
    login(make_person())
    home = client.get("/").get_data(as_text=True)
    assert 'href="/courses/">Courses</a>' in home and 'href="/courses/">Masterclass courses</a>' in home
    listing = client.get("/courses/").get_data(as_text=True)
    assert "Witness basics" in listing and "Not started" in listing and "0 of 3 modules read" in listing


def test_a_module_shows_its_outcomes_text_prompts_and_the_way_on(client, make_person, login, course):
    login(make_person())
    page = client.get(MODULE_URL.format("describing-people")).get_data(as_text=True)
    assert "Module 2 of 3" in page and "Ask open questions that draw out a full description" in page
    assert "What good looks like" in page and "I have read this" in page
    assert f'href="{MODULE_URL.format("first-account")}" rel="prev"' in page
    assert f'href="{MODULE_URL.format("after-the-account")}" rel="next"' in page
    first = client.get(MODULE_URL.format("first-account")).get_data(as_text=True)
    assert "For the small-group session" in first and "A first account can wait" in first and 'rel="prev"' not in first


def test_i_have_read_this_is_recorded_once_with_the_time(client, make_person, login, db, course):
    person = make_person()
    login(person)
    response = read(client, "first-account")
    assert response.status_code == 302 and response.headers["Location"].endswith(MODULE_URL.format("describing-people"))
    first_time = db.session.scalar(sa.select(ModuleRead.read_at))
    assert read(client, "first-account").status_code == 302
    reads = db.session.scalars(sa.select(ModuleRead)).all()
    assert len(reads) == 1 and reads[0].person_id == person.id and reads[0].read_at == first_time
    page = client.get(MODULE_URL.format("first-account")).get_data(as_text=True)
    assert "You marked this module as read on" in page and "I have read this" not in page
    last = read(client, "after-the-account")
    assert last.headers["Location"].endswith(f"/courses/{SLUG}/")


def test_progress_reads_the_same_everywhere_and_survives_signing_out(client, make_person, login, course):
    person = make_person()
    login(person)
    read(client, "first-account")
    read(client, "describing-people")
    sign_in_as(client, login, person)
    for path in ("/courses/", f"/courses/{SLUG}/"):
        page = client.get(path).get_data(as_text=True)
        assert "2 of 3 modules read" in page and "In progress" in page, path
    course_page = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    assert '<progress class="lms-progress" max="3" value="2"' in course_page
    assert course_page.count(">Read</strong>") == 2 and course_page.count(">Not read</strong>") == 1
    assert "Continue with module 3" in course_page
    assert f'<a class="govuk-link" href="/courses/{SLUG}/quiz">Go to the quiz</a>' in course_page


def test_once_every_module_is_read_the_quiz_is_the_next_step(client, make_person, login, db, course):
    person = make_person()
    login(person)
    for slug in ("first-account", "describing-people", "after-the-account"):
        read(client, slug)
    page = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    assert f'<a class="govuk-button" href="/courses/{SLUG}/quiz">Go to the quiz</a>' in page
    assert "Continue with module" not in page
    assert has_read_all_modules(person.id, course)


def test_the_course_page_shows_the_quiz_state(client, make_person, login, db, course):
    login(make_person())
    assert "Not taken yet." in client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    take_quiz(client, wrong={1, 2})
    page = client.get(f"/courses/{SLUG}/").get_data(as_text=True)
    assert "Not passed yet: your best score is 50%." in page and "You have 2 attempts left." in page
    assert "You can try again from" in page
    sign_in_as(client, login, make_person())
    take_quiz(client)
    assert "Passed with 100%." in client.get(f"/courses/{SLUG}/").get_data(as_text=True)


def test_the_one_rule_for_modules_quiz_and_owned_parts(client, make_person, login, db, course):
    person = make_person()
    login(person)
    for slug in ("first-account", "describing-people", "after-the-account"):
        read(client, slug)
    assert has_read_all_modules(person.id, course) and not has_passed_quiz(person.id, course)
    assert not owned_parts_done(person.id, course)
    take_quiz(client)
    assert has_passed_quiz(person.id, course) and owned_parts_done(person.id, course)
    listing = client.get("/courses/").get_data(as_text=True)
    assert "In progress" in listing and "Complete" not in listing  # the session is still to come
    new_module = Module(course_id=course.id, slug="new", number=4, title="New", summary="S", minutes=5,
                        outcomes=["O"], html="<p>x</p>", source_path="x", content_hash="y")
    db.session.add(new_module)
    db.session.commit()
    assert not has_read_all_modules(person.id, course)


def test_bulk_progress_takes_the_same_few_queries_for_any_number_of_officers(make_person, db, course,
                                                                             count_queries):
    module = db.session.scalar(sa.select(Module).where(Module.number == 1))
    people = [make_person() for _ in range(12)]
    for person in people[:5]:
        db.session.add(ModuleRead(person_id=person.id, module_id=module.id))
    db.session.commit()
    ids, _ = [person.id for person in people], course.id  # loaded before counting
    progress_of_people(ids[:1], course)  # the course's modules, which are content, are kept from then on
    with count_queries() as few:
        small = progress_of_people(ids[:2], course)
    with count_queries() as many:
        large = progress_of_people(ids, course)
    assert few.count == many.count <= 5, many.statements
    assert [large[person_id].modules_read for person_id in ids] == [1] * 5 + [0] * 7
    assert small[ids[0]] == large[ids[0]]


def test_course_pages_take_the_same_queries_however_much_is_done(client, make_person, login, db, course,
                                                                 count_queries):
    login(make_person())
    paths = ("/courses/", f"/courses/{SLUG}/", MODULE_URL.format("describing-people"), f"/courses/{SLUG}/quiz")
    for path in paths:  # what is kept of the content (the modules) is kept from then on
        client.get(path)
    counts = []
    for step in range(2):
        if step:
            for slug in ("first-account", "describing-people"):
                read(client, slug)
            take_quiz(client, wrong={1, 2})
        with count_queries() as counter:
            for path in paths:
                assert client.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_marking_read_needs_the_csrf_token(app, make_person, db, course, monkeypatch):
    csrf_client = csrf_client_signed_in(app, monkeypatch, make_person())
    assert csrf_client.post(MODULE_URL.format("first-account") + "/read").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleRead)) == 0
    token = token_on(csrf_client, MODULE_URL.format("first-account"))
    assert csrf_client.post(MODULE_URL.format("first-account") + "/read", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleRead)) == 1


def test_a_retired_or_unknown_module_is_not_found(client, make_person, login, db, course):
    login(make_person())
    db.session.execute(sa.update(Module).where(Module.slug == "after-the-account").values(is_retired=True))
    db.session.commit()
    assert client.get(MODULE_URL.format("after-the-account")).status_code == 404
    assert client.get(MODULE_URL.format("nothing-here")).status_code == 404
    assert client.get("/courses/nothing-here/").status_code == 404
    assert "0 of 2 modules read" in client.get(f"/courses/{SLUG}/").get_data(as_text=True)


def test_course_pages_need_no_script_and_no_inline_style(client, make_person, login, course):
    """Every course page works without JavaScript and within the CSP (no inline script or style)."""
    login(make_person())
    form_page = client.get(f"/courses/{SLUG}/quiz/attempts/{start(client)}").get_data(as_text=True)
    assert "Submit my answers" in form_page
    sign_in_as(client, login, make_person(roles=("officer", "trainer")))
    submitted = take_quiz(client, wrong={1})
    pages = [client.get(path).get_data(as_text=True) for path in (
        "/courses/", f"/courses/{SLUG}/", MODULE_URL.format("first-account"), f"/courses/{SLUG}/quiz",
        f"/courses/{SLUG}/quiz/attempts/{submitted}", f"/courses/{SLUG}/analytics")]
    for path, body in enumerate([form_page, *pages]):
        assert "<script" not in body and " style=" not in body and " on" + "click=" not in body, path
