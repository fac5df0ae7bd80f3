"""The course pages: list, course, module, quiz, attempt and result, and the trainers' analytics."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.access import roles_required, signed_in
from lms.completion import load as completion  # a module, not names: completion imports this package too
from lms.courses import bp
from lms.courses.analytics import Submitted, quiz_versions, version_figures
from lms.courses.analytics_csv import to_csv
from lms.courses.cycles import CycleError, may_start_refresher, start_cycle
from lms.courses.forms import ActionForm, AnalyticsFilterForm, AnswersForm, read_answers
from lms.courses.progress import is_open_attempt, progress_of
from lms.courses.queries import (attempt_history, course_by_slug, current_version_summary, get_attempt_for,
                                 guidance_titles, live_courses, live_modules, module_by_slug, read_of)
from lms.courses.screens import save_screen, screen_of, screens_of, submit_saved
from lms.courses.scoring import rule_text
from lms.courses.services import (AlreadySubmitted, AttemptAbandoned, AttemptNotAllowed, TamperedSubmission,
                                  UnansweredQuestions, mark_read, quiz_state, start_attempt, submit_attempt)
from lms.formfields import date_args
from lms.extensions import db
from lms.guidance.citations import changed_citations
from lms.inputs import db_int
from lms.timeutil import utcnow


class CourseWithdrawn(Exception):
    pass


def get_course_or_abort(slug: str, *, live: bool = True):
    """Load a course by slug: 404 if it never existed; 410 for a retired one when a live one is needed."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    if live and course.is_retired:
        raise CourseWithdrawn()
    return course


@bp.errorhandler(CourseWithdrawn)
def course_withdrawn(error):
    return render_template("courses/withdrawn.html"), 410


@bp.get("/")
@signed_in
def index():
    """List the courses with the officer's progress on each."""
    courses = live_courses()
    now = utcnow()
    records = {course_id: record for (_, course_id), record in
               completion.load_records([completion.learner_of(current_user)], courses, now).items()}
    progress = {course.id: records[course.id].progress for course in courses}
    states = {course.id: quiz_state(course, progress[course.id], now) for course in courses}
    return render_template("courses/index.html", courses=courses, progress=progress, states=states,
                           statuses={course.id: records[course.id].status for course in courses})


@bp.get("/<slug>/")
@signed_in
def course(slug: str):
    """Show a course: its modules with ticks, progress and the quiz state."""
    found = get_course_or_abort(slug)
    now = utcnow()
    record = completion.load_records([completion.learner_of(current_user)], [found], now)[(current_user.id, found.id)]
    return render_template("courses/course.html", course=found, modules=live_modules(found), progress=record.progress,
                           status=record.status, state=quiz_state(found, record.progress, now),
                           may_refresh=may_start_refresher(record.status), form=ActionForm())


@bp.post("/<slug>/refresher")
@signed_in
def refresher(slug: str):
    """Start the officer's refresher: the modules, quiz and session count afresh from now."""
    found = get_course_or_abort(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        start_cycle(current_user, current_user, found, completion.status_of(current_user, found))
    except CycleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("courses.course", slug=slug))
    db.session.commit()
    flash("Your refresher has started. Read the modules again, take the quiz and book a session if the course "
          "needs one.", "success")
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/<slug>/modules/<module_slug>")
@signed_in
def module(slug: str, module_slug: str):
    """Show one module: its outcomes, text, the way on, and whether the officer has read it."""
    found = get_course_or_abort(slug)
    page = module_by_slug(found, module_slug) or abort(404)
    modules = live_modules(found)
    place = next(i for i, item in enumerate(modules) if item.id == page.id)
    return render_template("courses/module.html", course=found, module=page, modules=modules,
                           previous=modules[place - 1] if place else None,
                           next=modules[place + 1] if place + 1 < len(modules) else None,
                           read=read_of(current_user.id, page), form=ActionForm())


@bp.post("/<slug>/modules/<module_slug>/read")
@signed_in
def read(slug: str, module_slug: str):
    """Record "I have read this" (once), then take the officer on to the next module."""
    found = get_course_or_abort(slug)
    page = module_by_slug(found, module_slug) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    later = [item for item in live_modules(found) if item.number > page.number]
    # worked out before the commit, which expires the modules loaded (a query each to read them again)
    message, after = (f"Module {page.number} marked as read.",
                      url_for("courses.module", slug=slug, module_slug=later[0].slug) if later
                      else url_for("courses.course", slug=slug))
    mark_read(current_user, page)
    db.session.commit()
    flash(message, "success")
    return redirect(after)


@bp.get("/<slug>/quiz")
@signed_in
def quiz(slug: str):
    """Show the quiz: the rules, where the officer stands, and their attempts so far."""
    found = get_course_or_abort(slug)
    progress = progress_of(current_user.id, found)
    version = current_version_summary(found)
    return render_template("courses/quiz.html", course=found, version=version,
                           state=quiz_state(found, progress, utcnow()),
                           rule=rule_text(version.is_partial_credit) if version else "",
                           attempts=attempt_history(current_user.id, found), form=ActionForm())


@bp.post("/<slug>/quiz/start")
@signed_in
def start(slug: str):
    """Start an attempt, or go back to the one in progress."""
    found = get_course_or_abort(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    progress = progress_of(current_user.id, found)
    now = utcnow()
    state = quiz_state(found, progress, now)
    unread = [module for module in live_modules(found) if module.id not in progress.read_module_ids]
    # Starting with modules unread is allowed, but said first: an attempt spent unprepared cannot be had back.
    if state.can_start and unread and request.form.get("unread") != "confirmed":
        return render_template("courses/start_warning.html", course=found, state=state, unread=unread,
                               form=ActionForm())
    try:
        attempt = start_attempt(current_user, found, progress, now=now)
    except AttemptNotAllowed as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("courses.quiz", slug=slug))
    attempt_id = attempt.id  # before the commit expires the attempt (reading it after would load it again)
    db.session.commit()
    return redirect(url_for("courses.attempt", slug=slug, attempt_id=attempt_id))


@bp.get("/<slug>/quiz/attempts/<int:attempt_id>")
@signed_in
def attempt(slug: str, attempt_id: int):
    """Show an attempt: the questions while it is in progress, the marked result once submitted."""
    found = get_course_or_abort(slug, live=False)
    item = get_attempt_for(current_user, attempt_id, found)
    if item.is_submitted:
        return _result(item)
    if item.person_id == current_user.id and not is_open_attempt(item):
        return _abandoned(item)
    number = request.args.get("screen", 1, type=db_int)
    if not 1 <= number <= len(screens_of(item)):
        abort(404)
    return _attempt_form(item, screen=number)


def _abandoned(item):
    """Send the officer back to the quiz page, saying that the attempt was closed unsubmitted (every read treats it
    so; the row is marked at their next start, or by `flask courses close-abandoned`)."""
    flash(str(AttemptAbandoned()), "error")
    return redirect(url_for("courses.quiz", slug=item.course.slug))


def _attempt_form(item, unanswered=(), selected=None, problem="", status=200, screen=1):
    """The attempt's questions, or one screen of them when there are more than fit: ticked as sent, else as kept."""
    screens = screens_of(item)
    if selected is None:
        selected = {entry.id: set(entry.saved_places or ()) for entry in item.questions}
    return render_template("courses/attempt.html", attempt=item, course=item.course, form=AnswersForm(),
                           rule=rule_text(item.version.is_partial_credit), unanswered=set(unanswered),
                           selected=selected, problem=problem, is_own=item.person_id == current_user.id,
                           screens=screens, screen=screen, screen_of=screen_of,
                           answered=[sum(1 for entry in part if selected.get(entry.id)) for part in screens]), status


def _result(item):
    cited = guidance_titles({entry.question.cited_path for entry in item.questions if entry.question.cited_path})
    is_own = item.person_id == current_user.id
    # Officers who have just failed want to know at once whether and when they can try again.
    state = quiz_state(item.course, progress_of(current_user.id, item.course), utcnow()) if (
        is_own and not item.is_passed and not item.course.is_retired) else None
    return render_template("courses/result.html", attempt=item, course=item.course, cited=cited, is_own=is_own,
                           state=state)


@bp.post("/<slug>/quiz/attempts/<int:attempt_id>")
@signed_in
def submit(slug: str, attempt_id: int):
    """Mark the attempt, once; a tampered or repeated submission is refused and records nothing."""
    found = get_course_or_abort(slug, live=False)
    item = get_attempt_for(current_user, attempt_id, found)
    if item.person_id != current_user.id:
        abort(404)
    if not AnswersForm().validate_on_submit():
        abort(400)
    screen = request.form.get("screen")
    try:
        shown, answers = read_answers(request.form)
        if screen is None:  # the whole quiz on one page
            submit_attempt(current_user, item, shown, answers)
        else:
            moved_to = _save_and_move(item, screen, shown, answers)
            if moved_to is not None:
                db.session.commit()
                return redirect(url_for("courses.attempt", slug=slug, attempt_id=attempt_id, screen=moved_to))
            submit_saved(current_user, item)
    except UnansweredQuestions as error:
        if screen is not None:
            # the answers kept so far stay kept: only the marking failed (the page drawn first: the commit expires
            # the attempt it shows)
            page = _attempt_form(item, error.positions, screen=len(screens_of(item)))
            db.session.commit()
            return page
        db.session.rollback()
        return _attempt_form(item, error.positions, {key: set(value) for key, value in answers.items()})
    except AlreadySubmitted:
        db.session.rollback()
        return render_template("courses/already_submitted.html", course=found, attempt_id=attempt_id), 400
    except AttemptAbandoned:
        db.session.rollback()
        return _abandoned(item)
    except TamperedSubmission as error:
        db.session.rollback()
        current_app.logger.warning("tampered quiz submission for attempt %s by %s: %s", attempt_id,
                                   current_user.id, error)
        # The same questions again, with nothing ticked: what was sent cannot be trusted to show back.
        return _attempt_form(item, problem=str(error), status=400)
    db.session.commit()
    return redirect(url_for("courses.attempt", slug=slug, attempt_id=attempt_id))


@bp.get("/<slug>/analytics")
@roles_required("trainer", "admin")
def analytics(slug: str):
    """Show a quiz version's figures: attempts, pass rate, scores, and what people get wrong."""
    found = get_course_or_abort(slug, live=False)
    changed = changed_citations(found)
    figures, form = _figures(found)
    dated = {**date_args("submitted_from", figures.submitted.first), **date_args("submitted_to", figures.submitted.last)}
    return render_template("courses/analytics.html", course=found, figures=figures, form=form, dated=dated,
                           changed=changed, changed_questions={question.id: on for question, _, on in changed.questions})


@bp.get("/<slug>/analytics.csv")
@roles_required("trainer", "admin")
def analytics_csv(slug: str):
    """Download the same figures as CSV."""
    found = get_course_or_abort(slug, live=False)
    figures, form = _figures(found)
    if form.errors:
        abort(400)  # a spreadsheet cannot show the message: the page does
    name = f"{found.slug}-quiz-v{figures.version.number}-analytics.csv"
    return Response(to_csv(figures), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _save_and_move(item, screen: str, shown: list[int], answers: dict[int, list[int]]) -> int | None:
    """Keep the answers of the screen sent; return the screen to show next, or None to submit the attempt."""
    screens = screens_of(item)
    number = int(screen) if screen.isdigit() and len(screen) < 4 else 0
    if not 1 <= number <= len(screens):
        raise TamperedSubmission("The form held a screen the quiz does not have.")
    save_screen(item, screens[number - 1], shown, answers)
    move = request.form.get("move", "")
    if move == "submit":
        return None
    target = {"previous": number - 1, "next": number + 1}.get(move) or (
        int(move.removeprefix("screen-")) if move.removeprefix("screen-").isdigit() and len(move) < 12 else 0)
    if not 1 <= target <= len(screens):
        raise TamperedSubmission("The form held a move the quiz does not offer.")
    return target


def _figures(course):
    """The figures the filters ask for, and the filter form; dates that do not make sense are said so on the form
    and not applied."""
    versions = quiz_versions(course.id)
    if not versions:
        abort(404)
    number = request.args.get("version", type=db_int)
    version = next((v for v in versions if v.number == number), None) if number else (
        next((v for v in versions if v.is_current), versions[0]))
    if version is None:
        abort(404)
    # The version is checked above (404 for one the quiz never had); the form only shows it chosen.
    args = request.args.copy()
    args.pop("version", None)
    form = AnalyticsFilterForm(args, version=version.number)
    form.version.choices = [(v.number, f"Version {v.number}{' (current)' if v.is_current else ''}") for v in versions]
    submitted = Submitted(form.submitted_from.data, form.submitted_to.data) if form.validate() else Submitted()
    return version_figures(version, versions, current_app.config["ANALYTICS_MIN_ATTEMPTS"],
                           submitted=submitted), form
