"""Certificates: one per officer, course and completion date, each with a code anyone can check at /verify/<code>."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (sa.UniqueConstraint("person_id", "course_id", "completed_on"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the verification code printed on the certificate: random (100 bits), so codes cannot be guessed or counted
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    course_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("courses.id"))
    #: the completion date decided by lms.completion.rule when the certificate was issued
    completed_on: so.Mapped[date]
    #: the parts of the course's rule, each with the day it was done: [["modules", "2026-05-01"], ...]
    parts: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: set only when the holder chooses to share a link that shows their name; cleared when they stop
    name_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    issued_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    person: so.Mapped["Person"] = so.relationship()  # noqa: F821
    course: so.Mapped["Course"] = so.relationship()  # noqa: F821


from lms.courses.models import Course  # noqa: E402,F401
from lms.people.models import Person  # noqa: E402,F401
