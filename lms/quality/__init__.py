"""The programme beyond training: rubrics, investigation plan reviews, outcome figures and the quality view."""
from flask import Blueprint

bp = Blueprint("quality", __name__, template_folder="templates")
