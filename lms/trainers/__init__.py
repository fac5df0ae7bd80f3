"""The trainers' area: the facilitator pack for the small-group sessions, for trainers and admins only."""
from flask import Blueprint

bp = Blueprint("trainers", __name__, url_prefix="/trainers", template_folder="templates")
