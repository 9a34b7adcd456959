"""Reload the catalog in development when content files change on disk."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import Flask

from course.content.loader import ParseCache, check_content, content_files

CHECK_INTERVAL_SECONDS = 1.0

Fingerprint = frozenset[tuple[str, int, int]]


def fingerprint(content_dir: Path) -> Fingerprint:
    """Return the content files with their modification times and sizes."""
    stamps = set()
    for path in content_files(content_dir):
        try:
            status = path.stat()
        except OSError:
            continue  # removed since it was listed; the set of files shows it
        stamps.add((path.as_posix(), status.st_mtime_ns, status.st_size))
    return frozenset(stamps)


class ContentReloader:
    """Swap in a fresh catalog when the files change; keep the old one if the new is invalid."""

    def __init__(self, app: Flask, content_dir: Path, cache: ParseCache) -> None:
        self.app = app
        self.content_dir = content_dir
        self.cache = cache
        self.stamps = fingerprint(content_dir)
        self.checked_at = time.monotonic()
        self.lock = threading.Lock()

    def reload_if_changed(self) -> None:
        """Reload at most once a second, and only when a file changed."""
        if time.monotonic() - self.checked_at < CHECK_INTERVAL_SECONDS:
            return
        # Another thread is already checking: it will see the same change.
        if not self.lock.acquire(blocking=False):
            return
        try:
            self.checked_at = time.monotonic()
            stamps = fingerprint(self.content_dir)
            if stamps == self.stamps:
                return
            self.stamps = stamps
            catalog, problems = check_content(self.content_dir, self.cache)
            if catalog is None:
                self.app.logger.error(
                    "content changed but is invalid; still serving the previous version:\n%s",
                    "\n".join(str(problem) for problem in problems if problem.is_error),
                )
                return
            self.app.extensions["course_catalog"] = catalog
            self.app.extensions["course_content_warnings"] = problems
            self.app.extensions.pop("course_catalog_error", None)
            self.app.logger.info("content reloaded: %s", catalog.summary())
        finally:
            self.lock.release()
