"""The pocket checklist: key investigative steps for a phone with no signal, imported from content/checklists."""
from flask import Blueprint

bp = Blueprint("checklists", __name__, template_folder="templates")
