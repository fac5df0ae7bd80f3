"""People: sign-in, accounts, teams, areas and roles."""
from flask import Blueprint

bp = Blueprint("people", __name__, template_folder="templates")

from lms.people import (account_routes, admin_routes, device_routes, roster_routes, routes,  # noqa: E402,F401
                        second_factor_routes)
