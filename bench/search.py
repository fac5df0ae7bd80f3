"""Time guidance search at 1,000 pages on SQLite (or PostgreSQL with DATABASE_URL). Prints figures; not a test.

    .venv/bin/python -m bench.search [--pages 1000] [--repeat 50]
"""
import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from config import Config
from lms import create_app
from lms.content.sync import sync_content
from lms.extensions import db
from lms.search.glossary import GlossaryImporter
from lms.search.index import index_document
from lms.search.query import search

QUERIES = ["investigation", "golden hour", '"scene preservation"', "victim update code", "cctv overwritten",
           "outcome 16 evidential difficulties", "bail conditions", "zebra crossing",
           # forgiving: a misspelling (suggestion, then a second search) and an abbreviation (glossary expansion)
           "dislcosure", "h2h", "golden huor"]


def corpus_words() -> list[str]:
    """Realistic vocabulary: the words of the force's own guidance, or a fallback list."""
    content = Path(__file__).resolve().parent.parent / "content"
    text = " ".join(path.read_text() for path in content.rglob("*.md")) if content.exists() else ""
    words = [word.strip(".,:;()[]*#>!\"'").lower() for word in text.split()]
    words = [word for word in words if word.isalpha()]
    return words or ("victim suspect evidence scene witness cctv forensic plan review outcome bail "
                     "investigation investigating disclosure statement golden hour").split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    rng = random.Random(7)
    words = corpus_words()
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        for number in range(args.pages):
            body = " ".join(rng.choice(words) for _ in range(rng.randint(400, 1200)))
            index_document("guidance", f"page-{number}", title=" ".join(rng.sample(words, 5)).capitalize(),
                           url=f"/guidance/page-{number}", body=body, context="Bench")
        # The glossary, for abbreviations; the sync also builds the vocabulary for spelling suggestions.
        sync_content(Path(__file__).resolve().parent.parent / "content", [GlossaryImporter()])
        db.session.commit()
        print(f"database: {db.engine.dialect.name}; indexed {args.pages} pages in {time.perf_counter() - started:.1f} s")
        for query in QUERIES:
            timings = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                results = search(query)
                timings.append((time.perf_counter() - began) * 1000)
            print(f"{query!r:40} {results.total:5d} hits  median {statistics.median(timings):6.1f} ms  "
                  f"p95 {sorted(timings)[int(len(timings) * 0.95) - 1]:6.1f} ms")
        db.session.close()  # end the read transaction before dropping (SQLite takes the write lock for it)
        db.drop_all()


if __name__ == "__main__":
    main()
