"""Facilitator pack pages: markdown from content/facilitator/, rendered at import, shown only to trainers."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow


class FacilitatorPage(db.Model):
    """One page of the facilitator pack. Never put in the search index: officers must not find the model answers."""

    __tablename__ = "facilitator_pages"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    #: order in the pack, from the file's `order`
    position: so.Mapped[int] = so.mapped_column(default=100)
    #: rendered and sanitised at import
    html: so.Mapped[str] = so.mapped_column(sa.Text)
    #: [(level, anchor, text)] of the page's headings
    toc: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    is_retired: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
