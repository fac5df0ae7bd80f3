"""What other domains' templates may ask of sessions: the course page's "your session" panel."""
from flask_login import current_user

from lms.sessions import bp, queries


@bp.app_template_global()
def course_plan(course) -> queries.CoursePlan:
    """The signed-in officer's session for `course`: their booking, the one they attended, or ones to book."""
    return queries.course_plan(current_user, course)
