"""Admin pages: find people, change their team, rank and roles, invite them, sign them out, deactivate them."""
import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms.fields import SelectChoice

from lms.access import roles_required
from lms.extensions import db
from lms.inputs import link_args
from lms.people import bp, second_factor
from lms.people.devices import devices_of
from lms.people.forms import ConfirmForm, PeopleFilterForm, PersonForm
from lms.people.models import Person, Team
from lms.people.password_links import cannot_sign_in_yet, invite, invite_everyone, local_login_allowed, sign_in_status
from lms.people.queries import areas, people_filtered, teams_by_area
from lms.people.services import set_active, sign_out_everywhere_by, update_person


def _team_options(first: str, teams: list[Team]) -> list[SelectChoice]:
    """A team drop-down: `first` (value 0), then the teams grouped by area."""
    return [SelectChoice(0, first)] + [SelectChoice(team.id, team.name, optgroup=team.area.name) for team in teams]


def _people_filter(values) -> tuple[PeopleFilterForm, sa.Select]:
    """The people list's filter form read from `values`, and the select it stands for (the list and "invite
    everyone" use the same one)."""
    form = PeopleFilterForm(values)
    form.area.choices = [SelectChoice(0, "Any area")] + [SelectChoice(area.id, area.name) for area in areas()]
    form.team.choices = _team_options("Any team", teams_by_area())
    form.validate()
    return form, people_filtered(q=form.q.data, area_id=form.area.data or None, team_id=form.team.data or None,
                                 rank=form.rank.data or None, role=form.role.data or None,
                                 status=form.status.data or "active")


@bp.get("/admin/people/")
@roles_required("admin")
def admin_people():
    """List people with search and filters."""
    form, people = _people_filter(request.args)
    page = db.paginate(people, per_page=50, error_out=False)
    args = link_args(PeopleFilterForm.FIELDS)
    uninvited = db.session.scalar(sa.select(sa.func.count()).select_from(
        cannot_sign_in_yet(people.order_by(None)).subquery()))
    return render_template("people/admin_people.html", form=form, page=page, args=args, uninvited=uninvited,
                           confirm=ConfirmForm())


@bp.post("/admin/people/invite")
@roles_required("admin")
def admin_invite_everyone():
    """Invite everyone the list's filters select who cannot sign in yet."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    filters = {key: value for key, value in request.form.items() if key in PeopleFilterForm.FIELDS}
    _, people = _people_filter(MultiDict(filters))
    count = invite_everyone(current_user, people)
    db.session.commit()
    flash(f"Invited {count} {'person' if count == 1 else 'people'}: each gets an email with a link to set a password."
          if count else "Everyone here can already sign in or has an invitation open.", "success")
    return redirect(url_for("people.admin_people", **filters))


@bp.route("/admin/people/<int:person_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_person(person_id: int):
    """Edit one person's rank, team, roles and supervised teams."""
    person = db.get_or_404(Person, person_id)
    teams = teams_by_area()
    form = PersonForm(obj=None if request.method == "POST" else person)
    form.team_id.choices = _team_options("No team", teams)
    form.supervised_team_ids.choices = [SelectChoice(team.id, team.full_name) for team in teams]
    if request.method == "GET":
        form.team_id.data = person.team_id or 0
        form.roles.data = sorted(person.roles)
        form.supervised_team_ids.data = [team.id for team in person.supervised_teams]
    submitted = form.validate_on_submit()
    if submitted and not form.roles.data and person.roles and request.form.get("confirmed") != "1":
        return render_template(
            "confirm.html", heading=f"Remove every role from {person.name}?", yes="Yes, remove every role",
            consequences=[f"{person.name} holds the roles {', '.join(sorted(person.roles))} now. With none they lose "
                          "every page those roles open and are left out of the training reports."],
            warning="Usually a person keeps at least the officer role.",
            action=url_for("people.admin_person", person_id=person.id),
            fields=[("rank", form.rank.data), ("team_id", form.team_id.data)]
            + [("supervised_team_ids", team_id) for team_id in form.supervised_team_ids.data],
            back=url_for("people.admin_person", person_id=person.id))
    if submitted:
        by_id = {team.id: team for team in teams}
        try:
            changes = update_person(
                current_user, person,
                team=by_id.get(form.team_id.data), rank=form.rank.data, roles=set(form.roles.data),
                supervised_teams=[by_id[team_id] for team_id in form.supervised_team_ids.data],
            )
        except ValueError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            message = f"Saved {person.name}." if changes else "Nothing changed."  # before the commit expires them
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("people.admin_person", person_id=person_id))
    status, invitation = sign_in_status(person)
    return render_template("people/admin_person.html", person=person, form=form, confirm=ConfirmForm(),
                           devices=devices_of(person), status=status, invitation=invitation,
                           may_have_password=local_login_allowed(person))


def _person_action(person_id: int, action) -> Response:
    """Run an admin's button on a person's page: CSRF checked, `action(person)` returns the message to show and is
    committed; a ValueError it raises is shown instead and changes nothing."""
    person = db.get_or_404(Person, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        message = action(person)
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("people.admin_person", person_id=person_id))


@bp.post("/admin/people/<int:person_id>/active")
@roles_required("admin")
def admin_set_active(person_id: int):
    """Deactivate (after a confirm step) or reactivate an account."""
    active = request.form.get("active") == "1"
    # your own account is refused at once, below: no need to confirm what cannot happen
    if not active and request.form.get("confirmed") != "1" and person_id != current_user.id:
        person = db.get_or_404(Person, person_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        return render_template(
            "confirm.html", heading=f"Deactivate {person.name}?", yes="Yes, deactivate the account",
            consequences=[f"{person.name} will no longer be able to sign in, and is signed out of every device now.",
                          "Their training record and history are kept, and you can reactivate the account later."],
            warning="They stop receiving reminders and drop out of the reports.",
            action=url_for("people.admin_set_active", person_id=person.id), fields=[("active", "0")],
            back=url_for("people.admin_person", person_id=person.id))

    def change(person: Person) -> str:
        set_active(current_user, person, active)
        return f"{person.name} can {'now' if active else 'no longer'} sign in."

    return _person_action(person_id, change)


@bp.post("/admin/people/<int:person_id>/invite")
@roles_required("admin")
def admin_invite(person_id: int):
    """Email one person an invitation to set a password."""

    def send(person: Person) -> str:
        invite(current_user, person)
        return f"Invitation sent to {person.email}. The link works for {current_app.config['INVITATION_HOURS']} hours."

    return _person_action(person_id, send)


@bp.post("/admin/people/<int:person_id>/sign-out-everywhere")
@roles_required("admin")
def admin_sign_out_everywhere(person_id: int):
    """End every session the person holds, on every device (a lost phone, a shared password)."""

    def sign_out(person: Person) -> str:
        count = sign_out_everywhere_by(current_user, person)
        return f"{person.name} is signed out of {count} device{'' if count == 1 else 's'}."

    return _person_action(person_id, sign_out)


@bp.post("/admin/people/<int:person_id>/second-factor/reset")
@roles_required("admin")
def admin_reset_second_factor(person_id: int):
    """Forget an admin's authenticator app (a lost phone): they set up a new one at their next sign-in."""

    def reset(person: Person) -> str:
        second_factor.reset(current_user, person)
        return f"{person.name}'s second factor is reset: they set up their app again at their next sign-in."

    return _person_action(person_id, reset)
