"""Masterclass courses: modules in order, progress, quizzes that teach, and question analytics for trainers."""
from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")
