"""Email: the outbox, rendering messages and sending them over SMTP."""
from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/admin/outbox", template_folder="templates")
