"""Serve ralph's learning record store on its file backend, for the forwarding tests.

    python tests/progress/ralph_lrs.py --port 8100 --folder /tmp/lrs

It keeps its statements in FOLDER/data/fs_lrs.jsonl and its accounts in
FOLDER/auth.json (``ralph auth`` writes that file, or the tests do), and serves the
xAPI resources under http://127.0.0.1:PORT/xAPI. Stop it with Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> None:
    """Configure ralph through its environment, then serve it with uvicorn."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--folder", type=Path, required=True)
    arguments = parser.parse_args()
    folder = arguments.folder.resolve()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    # ralph reads its settings from the environment when its modules are imported.
    os.environ.update(
        RALPH_APP_DIR=str(folder / "app"),
        RALPH_AUTH_FILE=str(folder / "auth.json"),
        RALPH_RUNSERVER_BACKEND="fs",
        RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(folder / "data"),
        RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT="10000",
    )
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    # The file backend creates its one file by default, so it refuses every write
    # after the first ("already exists"); a store that takes batch after batch appends.
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    # uvicorn itself rather than `ralph runserver`, which adds a reloader process that
    # watches the working folder and would outlive a SIGTERM to its parent.
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
