"""Your devices: where you are signed in, and signing out of one of them or of all the others."""
from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from lms.access import signed_in
from lms.extensions import db
from lms.people import bp, devices
from lms.people.forms import ConfirmForm


@bp.get("/account/devices")
@signed_in
def devices_page():
    """List the devices the signed-in person is signed in on."""
    return render_template("people/devices.html", devices=devices.devices_of(current_user),
                           this_device=g.device_session_id, methods=devices.METHODS, form=ConfirmForm())


@bp.post("/account/devices/<int:device_id>/sign-out")
@signed_in
def device_sign_out(device_id: int):
    """Sign out of one other device (this one signs out with the ordinary Sign out)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if device_id == g.device_session_id:
        return redirect(url_for("people.logout"))
    if devices.end_session(current_user, device_id):
        db.session.commit()
        flash("That device is signed out.", "success")
    else:
        flash("That device was already signed out.", "info")
    return redirect(url_for("people.devices_page"))


@bp.post("/account/devices/sign-out-others")
@signed_in
def device_sign_out_others():
    """Sign out of every device but this one."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = devices.end_other_sessions(current_user, g.device_session_id)
    db.session.commit()
    flash(f"Signed out of {count} other device{'' if count == 1 else 's'}." if count else
          "You were not signed in on any other device.", "success")
    return redirect(url_for("people.devices_page"))
