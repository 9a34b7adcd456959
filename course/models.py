"""Every feature's tables in one metadata, for migrations and tests."""


def import_all_models() -> None:
    """Import each feature's models so that ``Model.metadata`` knows every table."""
    import course.auth.models
    import course.lti.models
    import course.mail.models
    import course.membership
    import course.progress.models
    import course.site.models  # noqa: F401
