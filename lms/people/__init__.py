"""People: sign-in, accounts, teams, areas and roles."""
from flask import Blueprint

bp = Blueprint("people", __name__, template_folder="templates")

from lms.people import admin_routes, roster_routes, routes  # noqa: E402,F401
