"""Admin pages: find people, change their team, rank and roles, deactivate them."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields import SelectChoice

from lms.access import roles_required
from lms.extensions import db
from lms.inputs import link_args
from lms.people import bp
from lms.people.forms import ConfirmForm, PeopleFilterForm, PersonForm
from lms.people.models import Person, Team
from lms.people.queries import areas, people_filtered, teams_by_area
from lms.people.services import set_active, update_person


def _team_options(first: str, teams: list[Team]) -> list[SelectChoice]:
    """A team drop-down: `first` (value 0), then the teams grouped by area."""
    return [SelectChoice(0, first)] + [SelectChoice(team.id, team.name, optgroup=team.area.name) for team in teams]


@bp.get("/admin/people/")
@roles_required("admin")
def admin_people():
    """List people with search and filters."""
    form = PeopleFilterForm(request.args)
    teams = teams_by_area()
    form.area.choices = [SelectChoice(0, "Any area")] + [SelectChoice(area.id, area.name) for area in areas()]
    form.team.choices = _team_options("Any team", teams)
    form.validate()
    page = db.paginate(
        people_filtered(q=form.q.data, area_id=form.area.data or None, team_id=form.team.data or None,
                        rank=form.rank.data or None, role=form.role.data or None, status=form.status.data or "active"),
        per_page=50, error_out=False,
    )
    args = link_args(("q", "area", "team", "rank", "role", "status"))
    return render_template("people/admin_people.html", form=form, page=page, args=args)


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
    if form.validate_on_submit():
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
            db.session.commit()
            flash(f"Saved {person.name}." if changes else "Nothing changed.", "success")
            return redirect(url_for("people.admin_person", person_id=person.id))
    return render_template("people/admin_person.html", person=person, form=form, confirm=ConfirmForm())


@bp.post("/admin/people/<int:person_id>/active")
@roles_required("admin")
def admin_set_active(person_id: int):
    """Deactivate or reactivate an account."""
    person = db.get_or_404(Person, person_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        set_active(current_user, person, active)
    except ValueError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{person.name} can {'now' if active else 'no longer'} sign in.", "success")
    return redirect(url_for("people.admin_person", person_id=person.id))
