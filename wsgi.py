"""The WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
import gc

from lms import create_app

app = create_app()
# What is loaded by now (the app, SQLAlchemy's mappers, the libraries) lives as long as the process: leave it out of
# the cycle collector's full passes, which otherwise walk it again and again while pages load rows. Under gunicorn
# this runs in the master, and gunicorn.conf.py freezes again once it has warmed the app, just before forking.
gc.freeze()
