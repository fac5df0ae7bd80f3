"""Records that leave the site: completion certificates (and their public check) and the officer's CPD record."""
from flask import Blueprint

bp = Blueprint("records", __name__, template_folder="templates")
