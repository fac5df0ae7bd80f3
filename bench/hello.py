"""The baseline for bench/pages.py: Flask's hello world, served by the same gunicorn config as the app."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
