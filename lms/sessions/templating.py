"""What other domains' templates may ask of sessions: the course page's "your session" panel, who sees the join
link, and the one way every page names a person's state on a session."""
from flask_login import current_user

from lms.sessions import bp, queries
from lms.sessions.rules import may_see_join_link
from lms.sessions.state import STATE_LABELS, STATE_TAGS

bp.add_app_template_global(may_see_join_link)


@bp.app_template_global()
def course_plan(course) -> queries.CoursePlan:
    """The signed-in officer's session for `course`: their booking, the one they attended, or ones to book."""
    return queries.course_plan(current_user, course)


# Globals rather than a context processor, so that imported macros (sessions/_state.html) see them too.
bp.record_once(lambda setup: setup.app.jinja_env.globals.update(session_state_labels=STATE_LABELS,
                                                                session_state_tags=STATE_TAGS))
