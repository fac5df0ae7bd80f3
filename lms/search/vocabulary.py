"""Typo tolerance: the index's vocabulary, rebuilt after content changes, and the nearest word to a misspelling."""
import re
from collections import Counter

import sqlalchemy as sa

from lms.extensions import db
from lms.search.models import SearchDocument, SearchWord

#: Words shorter than this are left as typed: at three letters almost anything is one edit from something else.
MIN_LENGTH = 4
MAX_LENGTH = 40
#: Candidates read for one misspelt word, at most: keeps a suggestion fast however large the vocabulary grows.
MAX_CANDIDATES = 4000
WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)


def rebuild_vocabulary() -> None:
    """Count the documents holding each word of every title and body. Flushes; the caller commits."""
    counts: Counter[str] = Counter()
    for title, body in db.session.execute(sa.select(SearchDocument.title, SearchDocument.body)):
        counts.update({word for word in WORD_RE.findall(f"{title} {body}".lower())
                       if MIN_LENGTH <= len(word) <= MAX_LENGTH})
    db.session.execute(sa.delete(SearchWord))
    if counts:
        db.session.execute(sa.insert(SearchWord), [{"word": word, "documents": documents, "length": len(word)}
                                                  for word, documents in counts.items()])
    db.session.flush()


def max_edits(word: str) -> int:
    return 1 if len(word) < 7 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, change, swap two neighbours) between a and b; anything over `limit` is limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, row = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char_a != char_b))
            if before is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


def known_words(words: list[str]) -> set[str]:
    if not words:
        return set()
    return set(db.session.scalars(sa.select(SearchWord.word).where(SearchWord.word.in_(words))))


def nearest_word(word: str) -> str | None:
    """The commonest vocabulary word within a couple of edits of `word` (the same first or second letter, so a
    swap of the first two letters is still found), or None."""
    limit = max_edits(word)
    rows = db.session.execute(
        sa.select(SearchWord.word, SearchWord.documents)
        .where(SearchWord.length.between(len(word) - limit, len(word) + limit),
               sa.or_(SearchWord.word.startswith(word[0]), SearchWord.word.startswith(word[1]),
                      sa.func.substr(SearchWord.word, 2, 1) == word[0]))
        .order_by(SearchWord.documents.desc()).limit(MAX_CANDIDATES)
    ).all()
    best, letters = None, set(word)
    for candidate, documents in rows:
        # Each edit adds or takes away at most two distinct letters: a cheap test that rules out most candidates.
        if len(letters ^ set(candidate)) > 2 * limit:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance <= limit and (best is None or (distance, -documents) < best[0]):
            best = ((distance, -documents), candidate)
    return best[1] if best else None


def corrected(parts: list[str], keep: set[str]) -> list[str] | None:
    """The query with each misspelt word replaced by its nearest vocabulary word, or None if nothing changed.

    Phrases, numbers, short words and words in `keep` (glossary terms) are left as typed.
    """
    checkable = [part.lower() for part in parts
                 if " " not in part and part.lower() not in keep and WORD_RE.fullmatch(part)
                 and MIN_LENGTH <= len(part) <= MAX_LENGTH]
    known = known_words(checkable)
    fixed, changed = [], False
    for part in parts:
        lower = part.lower()
        replacement = nearest_word(lower) if lower in checkable and lower not in known else None
        fixed.append(replacement or part)
        changed = changed or replacement is not None
    return fixed if changed else None
