"""The published content's version: one row that changes in the same transaction as any content row."""
import itertools
import secrets
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: The tables `flask content sync` writes. A flush touching a row of any of them gives the content a new version.
#: The search index and the glossary are among them: search results are kept under the version too (the
#: vocabulary, written without the ORM, is only rebuilt in a sync that changed one of these).
CONTENT_TABLES = frozenset({"guidance_categories", "guidance_pages", "guidance_audiences", "checklists", "courses",
                            "course_modules", "quiz_versions", "quiz_questions", "quiz_options", "search_documents",
                            "glossary_terms", "guidance_revisions"})
ROW_ID = 1


class ContentVersion(db.Model):
    """A token that is new whenever published content changes, so what content renders to can be kept until then
    (lms.content.cache). Random rather than counted, so a database emptied and filled again never repeats one."""

    __tablename__ = "content_versions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token: so.Mapped[str] = so.mapped_column(sa.String(32))
    changed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


_TOKEN = sa.select(ContentVersion.token).where(ContentVersion.id == ROW_ID)


def current_token() -> str | None:
    """The content's version token as this transaction sees it; None before any content was written."""
    return db.session.connection().execute(_TOKEN).scalar()


@sa.event.listens_for(so.Session, "before_flush")
def _new_version_with_content(session: so.Session, flush_context, instances) -> None:
    """Give the content a new version in the same flush as any change to a content row, whoever makes it."""
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if not any(getattr(row, "__tablename__", None) in CONTENT_TABLES for row in changed):
        return
    values = {"token": secrets.token_hex(16), "changed_at": utcnow()}
    table = ContentVersion.__table__
    connection = session.connection()
    if not connection.execute(table.update().where(table.c.id == ROW_ID).values(values)).rowcount:
        connection.execute(table.insert().values(id=ROW_ID, **values))
