"""Pages that belong to no single domain: the home page and the health check."""
from flask import Blueprint

bp = Blueprint("core", __name__, template_folder="templates")
