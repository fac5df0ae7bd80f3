"""Courses (the masterclass and others), imported from content/courses/<slug>/course.md."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: What a course's completion rule may require (course.md `completion:`).
COMPLETION_PARTS = ("modules", "quiz", "session")


class Course(db.Model):
    __tablename__ = "courses"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: free text: who the course is for
    audience: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: rendered and sanitised course introduction
    intro_html: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: percent needed to pass the quiz
    pass_mark: so.Mapped[int] = so.mapped_column(default=80)
    #: None = unlimited
    max_attempts: so.Mapped[int | None]
    #: cool-down between quiz attempts
    retake_after_hours: so.Mapped[int] = so.mapped_column(default=0)
    #: the completion rule: a list drawn from COMPLETION_PARTS
    completion: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: a refresher is due this many months after completion; None = never
    valid_for_months: so.Mapped[int | None]
    position: so.Mapped[int] = so.mapped_column(default=100)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    is_retired: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def requires(self, part: str) -> bool:
        return part in (self.completion or [])
