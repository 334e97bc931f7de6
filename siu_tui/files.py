"""Every file SIU Desk writes holds case data, so only its owner may read it.

Files are created 0600 and folders 0700 whatever the umask, through the helpers here: the
database (and so its WAL and shared-memory files, which SQLite creates with the database's
own mode), the backups an upgrade makes, exports and the crash log. A file replacing an
earlier one is written beside it and renamed into place, so a full disk or a killed process
never leaves half a file where a good one was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_private_dir(path: Path) -> Path:
    """Make ``path`` and any missing parents, each new one 0700 (folders that were already
    there keep their mode: they are not ours)."""
    missing: list[Path] = []
    here = path
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(folder, FOLDER_MODE)
    return path


def private_open(path: Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for "w", "wb", "a", "ab", "x" or "xb", the file made 0600."""
    flags = os.O_WRONLY | os.O_CREAT
    if mode.startswith("a"):
        flags |= os.O_APPEND
    elif mode.startswith("x"):
        flags |= os.O_EXCL
    else:
        flags |= os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode.replace("x", "w"), **kwargs)
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def replacing(path: Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """Write a file whole or not at all: into a 0600 file beside ``path``, flushed to disk,
    then renamed over it. On any failure the temporary file goes and ``path`` is as it was.

    A path that is not a regular file (``/dev/stdout``, a pipe) is written straight to.
    """
    if path.exists() and not path.is_file():
        with open(path, mode, **kwargs) as out:
            yield out
        return
    make_private_dir(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes) -> Path:
    """``data`` written to ``path`` whole or not at all (see ``replacing``)."""
    with replacing(path, "wb") as out:
        out.write(data)
    return path


@contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside are 0600 at most (for files made by a library, such as SQLite's
    database on its first connection)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
