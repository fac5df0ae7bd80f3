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
    #: number of the current version (the latest GuidanceVersion); kept here so showing the page reads no versions
    version: so.Mapped[int] = so.mapped_column(default=0)
    #: when the latest major change came into force, and what its note said; None when there has been none
    last_major_at: so.Mapped[datetime | None]
    last_major_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: the version of the latest major change: the audience must acknowledge it or a later version
    last_major_version: so.Mapped[int | None]

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
    #: the version this import created; None when the text officers read did not change (dates, owner, retiring)
    version: so.Mapped[int | None]

    page: so.Mapped[GuidancePage] = so.relationship(back_populates="revisions")


class GuidanceVersion(db.Model):
    """The text of a page as officers read it from `starts_at` until the next version: never changed once written,
    so "what did the guidance say on that day?" has one answer."""

    __tablename__ = "guidance_versions"
    __table_args__ = (sa.UniqueConstraint("page_id", "number"),
                      sa.Index("ix_guidance_versions_page_id_starts_at", "page_id", "starts_at"),
                      sa.CheckConstraint("number >= 1", name="number_positive"))
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"))
    #: 1, 2, 3 ... per page
    number: so.Mapped[int]
    #: when this version came into force (the import that wrote it)
    starts_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: the markdown body, for the diff between versions
    source: so.Mapped[str] = so.mapped_column(sa.Text)
    #: rendered and sanitised at import, as officers saw it
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    toc: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: front matter `change: major`: a change officers must be told about
    is_major: so.Mapped[bool] = so.mapped_column(default=False)
    change_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")


class GuidanceAudience(db.Model):
    """Front matter `acknowledge`: a rank code or team type asked to confirm they have read each major change."""

    __tablename__ = "guidance_audiences"
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"),
                                               primary_key=True)
    #: a rank code (PC, DS) or a team type (RESPONSE)
    name: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)


class GuidanceAcknowledgement(db.Model):
    """A person confirmed "I have read and understood version N" of a page."""

    __tablename__ = "guidance_acknowledgements"
    __table_args__ = (sa.UniqueConstraint("page_id", "person_id", "version"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"))
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: the version they had in front of them (the current one when they confirmed)
    version: so.Mapped[int]
    acknowledged_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class GuidanceOwnerMember(db.Model):
    """A person who may act for a page owner named in front matter (`owner: Crime Standards Unit`): they work
    through its pages' feedback and mark its pages reviewed. Kept with `flask guidance owners`."""

    __tablename__ = "guidance_owner_members"
    owner: so.Mapped[str] = so.mapped_column(sa.String(120), primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
                                                 index=True)


class GuidanceFeedback(db.Model):
    """"Was this page useful?": seen only by the page's owner and admins, never by other officers."""

    __tablename__ = "guidance_feedback"
    __table_args__ = (sa.CheckConstraint("status IN ('open', 'done')", name="status_known"),)
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"), index=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    #: the version they were reading
    version: so.Mapped[int]
    is_useful: so.Mapped[bool]
    #: plain text as typed, shown escaped; never rendered as markdown or HTML
    reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    #: "open" until someone acting for the owner marks it "done" with a reply note
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="open")
    reply_note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    handled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    handled_at: so.Mapped[datetime | None]


class GuidanceReview(db.Model):
    """A page marked "reviewed, still correct" in the browser: it sets the page's review dates until its file
    changes (the file stays the source of the text)."""

    __tablename__ = "guidance_reviews"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    page_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("guidance_pages.id", ondelete="CASCADE"), index=True)
    person_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    reviewed_on: so.Mapped[date]
    next_due: so.Mapped[date]
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
