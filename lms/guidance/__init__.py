"""The guidance hub: best-practice pages by category, imported from content/guidance."""
from flask import Blueprint

bp = Blueprint("guidance", __name__, url_prefix="/guidance", template_folder="templates")
