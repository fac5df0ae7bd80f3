"""Small-group sessions: scheduling, venues, bookings and waiting lists, the register, self check-in, calendars."""
from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions", template_folder="templates")
