"""Keep the search index in step with content. Importers call these; they flush, never commit."""
import sqlalchemy as sa

from lms.extensions import db
from lms.search.models import SearchDocument

# Title words weigh more than body words in the ranking.
UPDATE_POSTGRES_VECTOR = sa.text(
    "UPDATE search_documents SET search_vector = setweight(to_tsvector('english', title), 'A')"
    " || setweight(to_tsvector('english', body), 'B') WHERE id = :id"
)


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def index_document(kind: str, key: str, *, title: str, url: str, body: str, summary: str = "",
                   context: str = "") -> None:
    """Add or replace the searchable text of one thing."""
    document = db.session.scalar(sa.select(SearchDocument).where(SearchDocument.kind == kind,
                                                                 SearchDocument.key == key))
    if document is None:
        document = SearchDocument(kind=kind, key=key)
        db.session.add(document)
    document.title, document.url, document.body = title, url, body
    document.summary, document.context = summary, context
    db.session.flush()
    if _is_sqlite():
        db.session.execute(sa.text("DELETE FROM search_fts WHERE rowid = :id"), {"id": document.id})
        db.session.execute(sa.text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)"),
                           {"id": document.id, "title": title, "body": body})
    else:
        db.session.execute(UPDATE_POSTGRES_VECTOR, {"id": document.id})


def remove_document(kind: str, key: str) -> None:
    """Take one thing out of search (a retired page)."""
    document = db.session.scalar(sa.select(SearchDocument).where(SearchDocument.kind == kind,
                                                                 SearchDocument.key == key))
    if document is None:
        return
    if _is_sqlite():
        db.session.execute(sa.text("DELETE FROM search_fts WHERE rowid = :id"), {"id": document.id})
    db.session.delete(document)
    db.session.flush()
