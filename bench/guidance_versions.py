"""How large the guidance version store grows: import the shipped library, then make 100 changes (a sentence
added to a page in turn, as an author's edits are) and import after each. Prints figures; not a test.

    .venv/bin/python -m bench.guidance_versions [--changes 100]
"""
import argparse
import os
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from config import Config
from lms import create_app
from lms.content.sync import sync_content
from lms.extensions import db
from lms.guidance.models import GuidanceVersion

CONTENT = Path(__file__).resolve().parent.parent / "content"
STORED = (GuidanceVersion.title, GuidanceVersion.summary, GuidanceVersion.source, GuidanceVersion.html,
          GuidanceVersion.change_note)


def stored_bytes() -> tuple[int, int]:
    """(versions, bytes of text they hold: title, summary, source, HTML, note and contents list, as UTF-8)."""
    total, count = 0, 0
    for row in db.session.execute(sa.select(*STORED, GuidanceVersion.toc)):
        count += 1
        total += sum(len(value.encode()) for value in row[:-1]) + len(repr(row[-1]).encode())
    return count, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    tree = folder / "content"
    shutil.copytree(CONTENT, tree)
    database = folder / "bench.db"

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{database}"

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        assert sync_content(tree).ok
        db.session.commit()
        pages = sorted((tree / "guidance").glob("*/*.md"))
        first_count, first_bytes = stored_bytes()
        for number in range(args.changes):
            path = pages[number % len(pages)]
            path.write_text(path.read_text() + f"\nEdit {number + 1}: a sentence an author added to this page.\n")
            assert sync_content(tree).ok
            db.session.commit()
        count, total = stored_bytes()
    print(f"shipped library: {len(pages)} pages, {first_count} versions, {first_bytes:,} bytes of version text")
    print(f"after {args.changes} changes: {count} versions, {total:,} bytes (+{total - first_bytes:,} bytes, "
          f"{(total - first_bytes) / args.changes:,.0f} bytes a change)")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
