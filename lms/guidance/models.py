"""Guidance categories, pages and each page's change history."""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class GuidanceCategory(db.Model):
    __tablename__ = "guidance_categories"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    position: so.Mapped[int] = so.mapped_column(default=100)


class GuidancePage(db.Model):
    __tablename__ = "guidance_pages"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_categories.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    tags: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    related_slugs: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    owner: so.Mapped[str] = so.mapped_column(sa.String(120))
    last_reviewed: so.Mapped[date]
    review_due: so.Mapped[date] = so.mapped_column(index=True)
    #: path of the source file within content/
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    source: so.Mapped[str] = so.mapped_column(sa.Text)
    #: rendered and sanitised once at import; served as it is
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    #: [[level, anchor, text], ...]
    toc: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    is_retired: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    retired_at: so.Mapped[datetime | None]

    category: so.Mapped[GuidanceCategory] = so.relationship()
    revisions: so.WriteOnlyMapped["GuidanceRevision"] = so.relationship(
        back_populates="page", cascade="all, delete-orphan", passive_deletes=True,
        order_by="GuidanceRevision.id.desc()",
    )

    def is_overdue(self, today: date) -> bool:
        return self.review_due < today


class GuidanceRevision(db.Model):
    """One import that changed a page: when, and what changed."""

    __tablename__ = "guidance_revisions"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    #: "added", "changed", "retired", "restored"
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: a short human summary, e.g. "title changed; 12 lines added, 3 removed"
    summary: so.Mapped[str] = so.mapped_column(sa.String(500))
    #: unified diff of the source, for the history page
    diff: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    page: so.Mapped[GuidancePage] = so.relationship(back_populates="revisions")
