"""Turn what a person typed into a safe full-text query, run it, and return ranked results with snippets."""
import re
from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape

from lms.extensions import db
from lms.search.glossary import synonym_groups
from lms.search.vocabulary import corrected

MAX_PARTS = 12
START, STOP = "\x02", "\x03"
WORD_RE = re.compile(r"\w+", re.UNICODE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-Z0-9])")
#: the longest snippet, in words
SNIPPET_WORDS = 40


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
    #: the corrected query whose results these are, when what was typed matched nothing ("Did you mean ...?")
    suggestion: str | None = None


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


def expand(parts: list[str], synonyms: dict[str, list[str]]) -> list[list[str]]:
    """One group per part: the part, and every other way of saying it when it is a glossary term ("h2h" also
    searches for "house to house"). A page matches a group when it holds any of the group's phrases."""
    return [[part, *(other for other in synonyms.get(part.lower(), []) if other != part.lower())] for part in parts]


def search(text: str, *, limit: int = 20, offset: int = 0) -> Results:
    parts = parse_query(text)
    if not parts:
        return Results([], 0, False)
    run = _search_sqlite if db.session.get_bind().dialect.name == "sqlite" else _search_postgres
    synonyms = synonym_groups()
    hits, total = run(expand(parts, synonyms), any_part=False, limit=limit, offset=offset)
    if total:
        return Results(hits, total, False)
    fixed = corrected(parts, keep=set(synonyms))
    if fixed:
        hits, total = run(expand(fixed, synonyms), any_part=False, limit=limit, offset=offset)
        if total:
            return Results(hits, total, False, " ".join(f'"{part}"' if " " in part else part for part in fixed))
    if len(parts) > 1:
        hits, total = run(expand(parts, synonyms), any_part=True, limit=limit, offset=offset)
        return Results(hits, total, total > 0)
    return Results([], 0, False)


def _search_sqlite(groups, *, any_part, limit, offset):
    # Every phrase is quoted and holds only word characters, so nothing typed can act as an FTS5 operator.
    match = (" OR " if any_part else " AND ").join("(" + " OR ".join(f'"{phrase}"' for phrase in group) + ")"
                                                   for group in groups)
    params = {"match": match, "start": START, "stop": STOP, "limit": limit, "offset": offset}
    # Rank every match cheaply, then build snippets for the page of hits only: snippet() is the costly part.
    rows = db.session.execute(sa.text("""
        WITH page AS (
            SELECT rowid AS id, bm25(search_fts, 8.0, 1.0) AS score
            FROM search_fts WHERE search_fts MATCH :match
            ORDER BY score LIMIT :limit OFFSET :offset
        )
        SELECT d.kind, d.title, d.url, d.context, d.summary, d.body, page.score,
               (SELECT snippet(search_fts, 1, :start, :stop, ' … ', 30) FROM search_fts
                WHERE search_fts MATCH :match AND search_fts.rowid = page.id) AS snippet
        FROM page JOIN search_documents AS d ON d.id = page.id
        ORDER BY page.score, d.title
    """), params).all()
    total = db.session.scalar(sa.text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :match"),
                              {"match": match})
    return _results(rows), total


def _search_postgres(groups, *, any_part, limit, offset):
    # Each phrase is its own bound parameter; only the shape of the query (how many, and how joined) is built here.
    params = {}
    clauses = []
    for i, group in enumerate(groups):
        terms = []
        for j, phrase in enumerate(group):
            params[f"p{i}_{j}"] = f'"{phrase}"' if " " in phrase else phrase
            terms.append(f"websearch_to_tsquery('english', :p{i}_{j})")
        clauses.append("(" + " || ".join(terms) + ")")
    tsquery = (" || " if any_part else " && ").join(clauses)
    # search_vector is computed once at indexing; ts_headline (costly) runs only for the page of hits.
    rows = db.session.execute(sa.text(f"""
        WITH q AS (SELECT {tsquery} AS query),
        page AS (
            SELECT d.id, ts_rank(d.search_vector, q.query) AS score, count(*) OVER () AS total
            FROM search_documents AS d, q
            WHERE d.search_vector @@ q.query
            ORDER BY score DESC, d.title
            LIMIT :limit OFFSET :offset
        )
        SELECT d.kind, d.title, d.url, d.context, d.summary, d.body, page.total,
               ts_headline('english', d.body, q.query,
                           'StartSel=' || :start || ', StopSel=' || :stop ||
                           ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
        FROM page JOIN search_documents AS d ON d.id = page.id, q
        ORDER BY page.score DESC, d.title
    """), {**params, "start": START, "stop": STOP, "limit": limit, "offset": offset}).all()  # nosec B608
    return _results(rows), (rows[0].total if rows else 0)


def _results(rows) -> list[Result]:
    return [Result(row.kind, row.title, row.url, row.context, row.summary, sentence_snippet(row.body, row.snippet))
            for row in rows]


def _is_prose(sentence: str) -> bool:
    """A sentence rather than a heading or a table cell: it ends like one, or is long enough to read as one."""
    return sentence.rstrip().endswith((".", "!", "?", ":", ")", '"', "”")) or len(sentence.split()) >= 10


def sentence_snippet(body: str, engine_snippet: str) -> Markup:
    """The first whole sentence of `body` holding a word the engine matched (so stemming and synonyms count),
    preferring prose to headings, with the matches marked; the engine's own snippet if no sentence is found."""
    matched = {word.lower() for word in re.findall(f"{START}(.*?){STOP}", engine_snippet or "") if word.strip()}
    if not matched or not body:
        return _highlight(engine_snippet or "")
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(word) for word in sorted(matched, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    fallback = None
    for line in body.split("\n"):
        if not pattern.search(line):
            continue  # most blocks of a long page hold no match: skip them before splitting into sentences
        for sentence in SENTENCE_END_RE.split(line):
            if pattern.search(sentence):
                if _is_prose(sentence):
                    return _mark(_trim(sentence, pattern), pattern)
                fallback = fallback or sentence
    return _mark(_trim(fallback, pattern), pattern) if fallback else _highlight(engine_snippet)


def _trim(sentence: str, pattern: re.Pattern) -> str:
    """A long sentence is cut to a window of words around its first match."""
    words = sentence.split()
    if len(words) <= SNIPPET_WORDS:
        return sentence
    match = pattern.search(sentence)
    first = len(sentence[:match.start()].split()) if match else 0
    start = max(0, min(first - SNIPPET_WORDS // 3, len(words) - SNIPPET_WORDS))
    window = " ".join(words[start:start + SNIPPET_WORDS])
    return ("… " if start else "") + window + (" …" if start + SNIPPET_WORDS < len(words) else "")


def _mark(sentence: str, pattern: re.Pattern) -> Markup:
    """Escape the sentence and wrap each match in <mark>: the only markup that reaches the page."""
    pieces, cursor = [], 0
    for match in pattern.finditer(sentence):
        pieces += [str(escape(sentence[cursor:match.start()])), "<mark>", str(escape(match.group(0))), "</mark>"]
        cursor = match.end()
    pieces.append(str(escape(sentence[cursor:])))
    return Markup("".join(pieces))  # nosec B704
