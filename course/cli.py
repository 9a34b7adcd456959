"""The ``course`` command: Flask's command line for this app."""

from flask.cli import FlaskGroup

from course.content.cli import check_command


def main() -> None:
    """Run the ``course`` command."""
    from course import create_app

    group = FlaskGroup(create_app=create_app, help="The course engine's command line.")
    # Registered here too, so `course check --content DIR` works even when the
    # configured content is broken and the app would refuse to start.
    group.add_command(check_command)
    group.main()
