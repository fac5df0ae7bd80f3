"""How long `flask demo load` takes: the demo force alone, and after the force's own content is imported (the
courses give the demo its training history).

    python bench/demo_load.py                       # SQLite (a fresh file)
    python bench/demo_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench

Every table in the database named by the URL is dropped and created afresh. Prints seconds for each step.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{tempfile.mkdtemp()}/demo.db")
    url = parser.parse_args().database_url

    from config import Config
    from lms import create_app
    from lms.content.sync import sync_content
    from lms.demo import load as demo_load
    from lms.extensions import db

    app = create_app(type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        for with_content in (False, True):
            db.drop_all()
            db.create_all()
            if with_content:
                started = time.perf_counter()
                assert sync_content(ROOT / "content").ok
                db.session.commit()
                print(f"content sync: {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            demo_load.load_demo()
            db.session.commit()
            print(f"demo load {'after the content' if with_content else 'alone'}: "
                  f"{time.perf_counter() - started:.1f} s")
        db.drop_all()


if __name__ == "__main__":
    main()
