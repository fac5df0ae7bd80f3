"""Ranked full-text search over guidance (and later modules), on SQLite FTS5 or PostgreSQL text search."""
from flask import Blueprint

bp = Blueprint("search", __name__, template_folder="templates")
