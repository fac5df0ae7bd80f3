"""People: sign-in, accounts, teams, areas and roles."""
from flask import Blueprint

bp = Blueprint("people", __name__, template_folder="templates")
