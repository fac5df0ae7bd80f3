"""Who may open what: every endpoint declares it, and anything undeclared is refused (deny by default)."""
from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

PUBLIC = "public"
ANY_SIGNED_IN = "any"


def public(view):
    """Mark a view that anyone may open, signed in or not."""
    view.access = PUBLIC
    return view


def signed_in(view):
    """Mark a view that any signed-in person may open (object checks still apply inside)."""
    view.access = ANY_SIGNED_IN
    return view


def roles_required(*roles: str):
    """Mark a view for people holding at least one of `roles`."""

    def decorate(view):
        view.access = frozenset(roles)
        return view

    return decorate


def enforce_access():
    """Before every request: send the anonymous to login, refuse the wrong role with 403."""
    if request.endpoint is None:
        return None  # 404 follows
    view = current_app.view_functions.get(request.endpoint)
    access = getattr(view, "access", None)
    if request.endpoint == "static" or access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("people.login", next=request.full_path.rstrip("?")))
    if access == ANY_SIGNED_IN:
        return None
    if isinstance(access, frozenset) and current_user.has_role(*access):
        return None
    abort(403)
