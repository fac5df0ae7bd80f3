"""gunicorn's settings for the LMS, read from the working directory by `gunicorn wsgi:app` (README: Deploying).

The master loads the app (preload_app) and warms it before it forks the workers, and freezes what it holds for the
garbage collector just before: the workers then share those memory pages with the master and with each other rather
than each building and holding its own copy. This is the recipe of the Python documentation of gc.freeze: collect
nothing in the parent, freeze right before fork, collect again in the children. A deploy therefore needs gunicorn
restarted: with the app loaded in the master, a HUP starts new workers from the code already loaded.
"""
import gc

from sqlalchemy.orm import configure_mappers

# Nothing collected in the master while it loads: a collection frees objects among the ones kept, and every later
# allocation into such a hole writes to a page the workers would otherwise go on sharing.
gc.disable()

preload_app = True
worker_class = "sync"


def when_ready(server):
    """In the master, once the app is loaded and before the first worker is forked: do what each worker would
    otherwise do at its first requests (configure the mappers, compile every template), without touching the
    database (a connection opened here would be shared by every worker), then freeze it all."""
    app = server.app.wsgi()
    configure_mappers()
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    gc.freeze()


def post_fork(server, worker):
    """In each worker: collect its own garbage again (the frozen objects are never walked, so never written), and
    start with a connection pool of its own: should the master ever have connected, a connection shared by two
    processes mixes their conversations with the database (SQLAlchemy's advice for forked workers)."""
    gc.enable()
    from lms.extensions import db

    app = server.app.wsgi()
    if "sqlalchemy" in app.extensions:  # not the benches' hello-world, served with the same settings
        with app.app_context():
            db.engine.dispose(close=False)
