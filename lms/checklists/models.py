"""Pocket checklists: sections of steps, rendered at import."""
import re
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from lms.extensions import db
from lms.timeutil import utcnow

#: A link in a step's rendered reason to a page of this site: its path, then any query and fragment ("//host" is
#: another site, so it is not one).
SITE_HREF = re.compile(r'href="(/(?!/)[^"?#]*)([^"]*)"')


class Checklist(db.Model):
    __tablename__ = "checklists"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    summary: so.Mapped[str] = so.mapped_column(sa.String(400))
    position: so.Mapped[int] = so.mapped_column(default=100)
    #: [{"title", "anchor", "steps": [{"id", "html", "why_html", "see": [path, ...]}]}], rendered and sanitised
    #: at import and served as it is
    sections: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    step_count: so.Mapped[int] = so.mapped_column(default=0)
    #: slugs of the guidance pages the steps point to, so a guidance page can offer its checklists
    guidance_slugs: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    #: path of the source file within content/
    source_path: so.Mapped[str] = so.mapped_column(sa.String(300))
    source: so.Mapped[str] = so.mapped_column(sa.Text)
    #: changes whenever the file does; keys a device's ticks and the offline cache's version
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    is_retired: so.Mapped[bool] = so.mapped_column(default=False, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    retired_at: so.Mapped[datetime | None]

    @property
    def see_paths(self) -> set[str]:
        """The site paths the steps point to, in their 'See:' lines and in links in their 'Why:' lines, without
        query or fragment."""
        steps = [step for section in self.sections for step in section["steps"]]
        return ({href.split("#", 1)[0] for step in steps for href in step["see"]}
                | {match.group(1) for step in steps for match in SITE_HREF.finditer(step["why_html"])})

    @property
    def version(self) -> str:
        """The short content version a device files its ticks under."""
        return self.content_hash[:16]
