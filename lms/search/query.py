"""Turn what a person typed into a safe full-text query, run it, and return ranked results with snippets."""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape

from lms.extensions import db

MAX_PARTS = 12
START, STOP = "\x02", "\x03"
WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    url: str
    context: str
    summary: str
    snippet: Markup


@dataclass(frozen=True)
class Results:
    hits: list[Result]
    total: int
    #: True when no document held every word and the results hold any of them instead
    matched_any: bool


def parse_query(text: str) -> list[str]:
    """Split a query into words and "quoted phrases"; everything else (operators, punctuation) is dropped."""
    parts = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', (text or "")[:300]):
        words = WORD_RE.findall(phrase if phrase else bare)
        if phrase and words:
            parts.append(" ".join(words))
        else:
            parts.extend(words)
    return parts[:MAX_PARTS]


def _highlight(raw: str) -> Markup:
    """Escape the snippet, then turn the engine's markers into <mark>: the only markup that reaches the page."""
    return Markup(str(escape(raw)).replace(START, "<mark>").replace(STOP, "</mark>"))  # nosec B704


def search(text: str, *, limit: int = 20, offset: int = 0) -> Results:
    parts = parse_query(text)
    if not parts:
        return Results([], 0, False)
    run = _search_sqlite if db.session.get_bind().dialect.name == "sqlite" else _search_postgres
    hits, total = run(parts, any_part=False, limit=limit, offset=offset)
    if total == 0 and len(parts) > 1:
        hits, total = run(parts, any_part=True, limit=limit, offset=offset)
        return Results(hits, total, total > 0)
    return Results(hits, total, False)


def _search_sqlite(parts, *, any_part, limit, offset):
    match = (" OR " if any_part else " ").join(f'"{part}"' for part in parts)
    params = {"match": match, "start": START, "stop": STOP, "limit": limit, "offset": offset}
    # Rank every match cheaply, then build snippets for the page of hits only: snippet() is the costly part.
    rows = db.session.execute(sa.text("""
        WITH page AS (
            SELECT rowid AS id, bm25(search_fts, 8.0, 1.0) AS score
            FROM search_fts WHERE search_fts MATCH :match
            ORDER BY score LIMIT :limit OFFSET :offset
        )
        SELECT d.kind, d.title, d.url, d.context, d.summary, page.score,
               (SELECT snippet(search_fts, 1, :start, :stop, ' … ', 30) FROM search_fts
                WHERE search_fts MATCH :match AND search_fts.rowid = page.id) AS snippet
        FROM page JOIN search_documents AS d ON d.id = page.id
        ORDER BY page.score, d.title
    """), params).all()
    total = db.session.scalar(sa.text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :match"),
                              {"match": match})
    return _results(rows), total


def _search_postgres(parts, *, any_part, limit, offset):
    websearch = (" or " if any_part else " ").join(f'"{part}"' if " " in part else part for part in parts)
    # search_vector is computed once at indexing; ts_headline (costly) runs only for the page of hits.
    rows = db.session.execute(sa.text("""
        WITH q AS (SELECT websearch_to_tsquery('english', :websearch) AS query),
        page AS (
            SELECT d.id, ts_rank(d.search_vector, q.query) AS score, count(*) OVER () AS total
            FROM search_documents AS d, q
            WHERE d.search_vector @@ q.query
            ORDER BY score DESC, d.title
            LIMIT :limit OFFSET :offset
        )
        SELECT d.kind, d.title, d.url, d.context, d.summary, page.total,
               ts_headline('english', d.body, q.query,
                           'StartSel=' || :start || ', StopSel=' || :stop ||
                           ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
        FROM page JOIN search_documents AS d ON d.id = page.id, q
        ORDER BY page.score DESC, d.title
    """), {"websearch": websearch, "start": START, "stop": STOP, "limit": limit, "offset": offset}).all()
    return _results(rows), (rows[0].total if rows else 0)


def _results(rows) -> list[Result]:
    return [Result(row.kind, row.title, row.url, row.context, row.summary, _highlight(row.snippet)) for row in rows]
