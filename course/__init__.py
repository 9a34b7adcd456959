"""course: a self-paced learning course engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Create the app: settings, shared extensions, then each feature in turn."""
    # Imported here, not at the top: `import course` then costs nothing, and
    # `course check --content DIR`, which needs only course.content, does not
    # pay 0.4 s for importing SQLAlchemy, the accounts and the reports.
    from flask import Flask

    from course import (
        auth,
        config,
        content,
        db,
        demo,
        extensions,
        learn,
        lti,
        manage,
        migrate,
        progress,
        site,
    )

    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    config.load(app, test_config)

    db.init_app(app)
    extensions.init_app(app)
    site.init_app(app)
    auth.init_app(app)
    content.init_app(app)
    learn.init_app(app)
    progress.init_app(app)
    manage.init_app(app)
    lti.init_app(app)
    site.addresses.fix_page_paths(app)  # every feature's routes are registered now
    app.cli.add_command(migrate.db_cli)
    app.cli.add_command(demo.demo_command)
    return app
