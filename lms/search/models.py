"""The search index: one row per searchable thing, plus the engine's own full-text structure."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects.postgresql import TSVECTOR

from lms.extensions import db

#: SQLite keeps a porter-stemmed FTS5 table whose rowid is the document id; PostgreSQL a weighted tsvector column.
FTS_TABLE = "search_fts"
SQLITE_FTS_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
    "USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)


class SearchDocument(db.Model):
    __tablename__ = "search_documents"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: "guidance", "module", ...
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: the thing's own identifier within its kind (a slug)
    key: so.Mapped[str] = so.mapped_column(sa.String(200))
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: where a result links to (a path on this site)
    url: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: a label shown with a result, e.g. the category
    context: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    summary: so.Mapped[str] = so.mapped_column(sa.String(400), default="")
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    #: PostgreSQL only: the stemmed, weighted words, computed at indexing (SQLite uses search_fts instead)
    search_vector: so.Mapped[str | None] = so.mapped_column(sa.Text().with_variant(TSVECTOR(), "postgresql"))

    __table_args__ = (
        sa.UniqueConstraint("kind", "key"),
        sa.Index("ix_search_documents_vector", "search_vector", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )


sa.event.listen(SearchDocument.__table__, "after_create", sa.DDL(SQLITE_FTS_DDL).execute_if(dialect="sqlite"))
sa.event.listen(SearchDocument.__table__, "before_drop",
                sa.DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite"))


class SearchWord(db.Model):
    """The index's own vocabulary: every word of every indexed title and body, rebuilt after a content sync.

    Suggestions ("Did you mean disclosure?") come only from here, so they are always words some page contains.
    SQLite's fts5vocab would give porter stems ("disclosur"), which are no use to show a person.
    """

    __tablename__ = "search_words"
    word: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    #: how many documents hold the word: between equally close suggestions the commoner wins
    documents: so.Mapped[int] = so.mapped_column()
    length: so.Mapped[int] = so.mapped_column(sa.SmallInteger, index=True)


class GlossaryTerm(db.Model):
    """One police abbreviation or term from content/glossary.md, with what it stands for and means."""

    __tablename__ = "glossary_terms"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: the anchor on the glossary page, e.g. "h2h"
    slug: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    #: as written in guidance, e.g. "H2H"
    term: so.Mapped[str] = so.mapped_column(sa.String(60))
    #: what it stands for, e.g. "house-to-house enquiries"
    expansion: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: other ways people say it; a search for any of these also finds the others
    synonyms: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    definition_html: so.Mapped[str] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column()
