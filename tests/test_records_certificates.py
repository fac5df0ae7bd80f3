"""Certificates: a completed course gives its holder a certificate (page and PDF) with a code that anyone can check at
/verify/<code>, which says only that it is genuine, for which course and on which date, and the holder's name
only through a link the holder chose to share."""
import io

import sqlalchemy as sa
from pypdf import PdfReader

from lms.records.certificates import CODE_ALPHABET, new_code
from lms.records.models import Certificate
from lms.timeutil import format_date, to_london
from tests.reports_support import (ago, attempt, complete, course, force, read_modules,  # noqa: F401
                                   flash_text)


def _certificates(db, person=None) -> list[Certificate]:
    query = sa.select(Certificate).order_by(Certificate.id)
    if person is not None:
        query = query.where(Certificate.person_id == person.id)
    return db.session.scalars(query).all()


def _issue(client, course):  # noqa: F811
    return client.post(f"/my-training/certificates/{course.slug}")


def test_an_officer_who_completed_a_course_gets_a_certificate_with_everything_on_it(app, client, login, db, force,
                                                                                     course):  # noqa: F811
    officer = force.officer(given_name="Zoë", family_name="Łukasiewicz", service_number="MP4321")
    complete(officer, course, at=ago(3))
    login(officer)
    assert "Get my certificate" in client.get("/my-training").get_data(as_text=True)
    response = _issue(client, course)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificates/{course.slug}")
    [certificate] = _certificates(db, officer)
    page = client.get(f"/my-training/certificates/{course.slug}").get_data(as_text=True)
    for text in (app.config["FORCE_NAME"], "Zoë Łukasiewicz", "MP4321", course.title,
                 format_date(certificate.completed_on), "Modules read", "Quiz passed",
                 "Small-group session attended", certificate.code, f"/verify/{certificate.code}"):
        assert text in page
    assert certificate.completed_on == to_london(ago(3)).date()


def test_the_pdf_reads_back_with_the_same_facts(app, client, login, db, force, course):  # noqa: F811
    officer = force.officer(given_name="Zoë", family_name="Łukasiewicz", service_number="MP4321")
    complete(officer, course, at=ago(3))
    login(officer)
    _issue(client, course)
    response = client.get(f"/my-training/certificates/{course.slug}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    [certificate] = _certificates(db, officer)
    for expected in (app.config["FORCE_NAME"], "Certificate of completion", "Zoë Łukasiewicz", "MP4321",
                     course.title, f"on {format_date(certificate.completed_on)}", "Quiz passed", certificate.code,
                     f"{app.config['SITE_URL']}/verify/{certificate.code}"):
        assert expected in text, (expected, text)


def test_asking_twice_gives_the_same_certificate(client, login, db, force, course):  # noqa: F811
    officer = force.officer()
    complete(officer, course)
    login(officer)
    _issue(client, course)
    _issue(client, course)
    assert len(_certificates(db, officer)) == 1


def test_no_certificate_before_the_course_is_complete(client, login, db, force, course):  # noqa: F811
    officer = force.officer()
    read_modules(officer, course)
    attempt(officer, course)  # no session attended: the rule needs one
    login(officer)
    assert "Get my certificate" not in client.get("/my-training").get_data(as_text=True)
    response = _issue(client, course)
    assert response.status_code == 302
    assert "not completed" in flash_text(client.get("/my-training").get_data(as_text=True))
    assert _certificates(db) == []
    assert client.get(f"/my-training/certificates/{course.slug}").status_code == 404
    assert client.get(f"/my-training/certificates/{course.slug}.pdf").status_code == 404


def test_an_officer_cannot_open_anothers_certificate(client, login, db, force, course):  # noqa: F811
    complete(force.officer_a, course)
    login(force.officer_a)
    _issue(client, course)
    client.post("/logout")
    login(force.officer_b)  # same course, not complete: the page is their own, and they have none
    assert client.get(f"/my-training/certificates/{course.slug}").status_code == 404
    assert client.get(f"/my-training/certificates/{course.slug}.pdf").status_code == 404


def test_the_public_check_says_genuine_course_and_date_and_nothing_more(client, login, db, force, course):  # noqa: F811
    officer = force.officer(given_name="Priya", family_name="Private", service_number="MP9876")
    complete(officer, course)
    login(officer)
    _issue(client, course)
    client.post("/logout")
    [certificate] = _certificates(db, officer)
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Genuine certificate" in page and course.title in page and format_date(certificate.completed_on) in page
    for private in ("Priya", "Private", "MP9876", officer.email):
        assert private not in page
    # typed as read off paper: lower case, spaces for dashes
    assert client.get(f"/verify/{certificate.code.lower().replace('-', ' ')}").status_code == 200


def test_an_unknown_code_is_not_genuine(client, db, force, course):  # noqa: F811
    response = client.get(f"/verify/{new_code()}")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)


def test_the_holder_chooses_to_share_a_link_with_their_name_and_can_withdraw_it(client, login, db, force,
                                                                                 course):  # noqa: F811
    officer = force.officer(given_name="Priya", family_name="Private")
    complete(officer, course)
    login(officer)
    _issue(client, course)
    [certificate] = _certificates(db, officer)
    client.post(f"/my-training/certificates/{course.slug}/name", data={"share": "yes"})
    db.session.refresh(certificate)
    shared = f"/verify/{certificate.code}?name={certificate.name_token}"
    assert shared in client.get(f"/my-training/certificates/{course.slug}").get_data(as_text=True)
    client.post("/logout")
    assert "Priya Private" in client.get(shared).get_data(as_text=True)
    assert "Priya" not in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Priya" not in client.get(f"/verify/{certificate.code}?name=guess").get_data(as_text=True)
    login(officer)
    client.post(f"/my-training/certificates/{course.slug}/name", data={"share": "no"})
    db.session.refresh(certificate)
    assert certificate.name_token is None
    client.post("/logout")
    assert "Priya" not in client.get(shared).get_data(as_text=True)


def test_codes_are_long_random_and_printable():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(group) for group in groups] == [4] * 5
        assert set("".join(groups)) <= set(CODE_ALPHABET)
