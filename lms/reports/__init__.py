"""Completion and supervision: the team matrix, overdue list, coverage, transcripts, the snapshot, my training."""
from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")
#: "My training" is every officer's own page, so it has its own place in the navigation
training_bp = Blueprint("training", __name__, template_folder="templates")
