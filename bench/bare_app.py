"""The yardstick for the lesson page: a Flask app that answers a constant, served the same way."""

from flask import Flask

PAGE = "<!doctype html><title>Bare</title><p>A constant page.</p>\n"

app = Flask(__name__)


@app.get("/")
def constant():
    """Return the same small page every time."""
    return PAGE


@app.get("/healthz")
def healthz():
    """Answer ``ok``, as the course does, so the server is ready the same way."""
    return "ok\n"
