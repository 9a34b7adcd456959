"""What learners did: the records, and the services that write and summarise them."""

from flask import Flask

from course.progress.views import bp


def init_app(app: Flask) -> None:
    """Register the learner's progress and certificate pages."""
    app.register_blueprint(bp)
