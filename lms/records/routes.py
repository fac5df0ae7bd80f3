"""Certificates (issue, printable page, PDF, sharing the holder's name), the public check, and the CPD record."""
import json

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import public, roles_required, signed_in
from lms.courses.models import Course
from lms.extensions import db
from lms.people.forms import ConfirmForm
from lms.records import bp, certificates, cpd
from lms.records.pdf import certificate_pdf
from lms.reports.tables import csv_sections
from lms.reports.viewhelpers import download
from lms.timeutil import today_london
from lms.xapi.sending import latest_failures, queue_summary
from lms.xapi.statements import SITE_VERB_MEANINGS


def _course(slug: str) -> Course:
    return db.one_or_404(sa.select(Course).where(Course.slug == slug))


def _own_certificate(slug: str):
    """The signed-in person's latest certificate for the course: nobody opens another's here."""
    certificate = certificates.latest_for(current_user, _course(slug))
    if certificate is None:
        abort(404)
    return certificate


def verify_url(certificate, with_name: bool = False) -> str:
    """The public check's address on the site as configured (it goes on paper, so not the address of this request)."""
    path = url_for("records.verify", code=certificate.code,
                   name=certificate.name_token if with_name and certificate.name_token else None)
    return current_app.config["SITE_URL"] + path


@bp.post("/my-training/certificates/<slug>")
@signed_in
def issue_certificate(slug: str):
    """Issue my certificate for a course I have completed (once per completion), then show it."""
    course = _course(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    certificate = certificates.issue(current_user, course)
    if certificate is None:
        db.session.rollback()
        flash(f"You have not completed '{course.title}' yet, so there is no certificate to give.", "error")
        return redirect(url_for("training.my_training"))
    db.session.commit()
    return redirect(url_for("records.certificate", slug=slug))


@bp.get("/my-training/certificates/<slug>")
@signed_in
def certificate(slug: str):
    """My certificate for a course, to print or download, with its verification code and link."""
    found = _own_certificate(slug)
    return render_template("records/certificate.html", certificate=found, parts=certificates.parts_of(found),
                           verify_url=verify_url(found), name_url=verify_url(found, with_name=True),
                           form=ConfirmForm())


@bp.get("/my-training/certificates/<slug>.pdf")
@signed_in
def certificate_download(slug: str):
    """My certificate as a PDF."""
    found = _own_certificate(slug)
    return download(certificate_pdf(found, verify_url(found)), f"certificate-{slug}-{found.completed_on}.pdf",
                    "application/pdf")


@bp.post("/my-training/certificates/<slug>/name")
@signed_in
def share_name(slug: str):
    """Make (or withdraw) a verification link that shows my name: my choice, and a new link each time."""
    found = _own_certificate(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("share") == "yes":
        certificates.share_name(found)
        flash("Your link that shows your name is below. Anyone with it sees your name with the check.", "success")
    else:
        certificates.stop_sharing_name(found)
        flash("Links that showed your name no longer do: the check shows only the course and date.", "success")
    db.session.commit()
    return redirect(url_for("records.certificate", slug=slug))


@bp.get("/verify/<code>")
@public
def verify(code: str):
    """Say whether a certificate code is genuine, and for which course and date; the holder's name only when the
    link carries the holder's own choice to show it."""
    found = certificates.find(code)
    if found is None:
        return render_template("records/verify.html", certificate=None, code=code[:40]), 404
    name = found.person.name if certificates.shows_name(found, request.args.get("name")) else None
    return render_template("records/verify.html", certificate=found, name=name, code=found.code)


@bp.get("/my-training/cpd.csv")
@signed_in
def cpd_csv():
    """My CPD record: completions, sessions attended and acknowledgements, as CSV."""
    return download(csv_sections(cpd.blocks(current_user)),
                    f"cpd-record-{current_user.service_number}-{today_london()}.csv")


@bp.get("/my-training/cpd.json")
@signed_in
def cpd_json():
    """My CPD record as the xAPI statements of my learning (what a learning record store would hold)."""
    body = json.dumps(cpd.statements(current_user), indent=2, ensure_ascii=False)
    return download(body, f"cpd-record-{current_user.service_number}-{today_london()}.json", "application/json")


@bp.get("/xapi/verbs/<name>")
@public
def xapi_verb(name: str):
    """What one of the site's own xAPI verbs means, as the JSON metadata a learning record store may fetch."""
    if name not in SITE_VERB_MEANINGS:
        abort(404)
    return jsonify({"name": {"en-GB": name}, "description": {"en-GB": SITE_VERB_MEANINGS[name]}})


@bp.get("/admin/learning-records")
@roles_required("admin")
def xapi_queue():
    """For admins: whether learning records reach the learning record store, and what is waiting after a failure."""
    return render_template("records/xapi_queue.html", summary=queue_summary(), failures=latest_failures(),
                           endpoint=current_app.config["XAPI_ENDPOINT"])
