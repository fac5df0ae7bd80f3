"""The audit trail of changes to people, roles, content, bookings and attendance."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit", template_folder="templates")
