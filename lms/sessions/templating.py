"""What templates may ask of sessions: the course page's "your session" panel, who sees the join link."""
from flask_login import current_user

from lms.sessions import bp, queries
from lms.sessions.rules import may_see_join_link

bp.add_app_template_global(may_see_join_link)


@bp.app_template_global()
def course_plan(course) -> queries.CoursePlan:
    """The signed-in officer's session for `course`: their booking, the one they attended, or ones to book."""
    return queries.course_plan(current_user, course)
