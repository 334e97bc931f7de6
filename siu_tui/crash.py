"""What happens to an unexpected error: a note for the developers, a sentence for the clerk.

The note keeps the exception's type and where it happened, never its message or local
values, because those can hold children's names and case details.

Recording it must never fail in turn: it runs when something has already gone wrong, often
because the disk is full or a folder cannot be written, and an error raised here would reach
the terminal as a traceback carrying the original message. So every failure of the recorder
is swallowed, and the clerk is told the details could not be kept.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from siu_tui.clock import now
from siu_tui.config import data_dir


def crash_report(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{type(exc).__module__}.{type(exc).__qualname__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc:
        lines.append("caused by:")
        lines += ["  " + line for line in crash_report(cause).splitlines()]
    return "\n".join(lines)


def record_crash(exc: BaseException) -> Path | None:
    """Append a report to the crash log in the data folder and return its path.

    Returns None, and never raises, when the report cannot be written (a full disk, a folder
    that cannot be made or written, a log that is not a file).
    """
    try:
        folder = data_dir() / "logs"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / "crash.log"
        note = f"--- {now().isoformat()}\n{crash_report(exc)}\n".encode()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = 0
            while written < len(note):
                written += os.write(fd, note[written:])
        finally:
            os.close(fd)
        return path
    except Exception:
        return None


def details_saved(where: Path | None) -> str:
    """The end of the sentence a clerk reads: where the details went, or that they could not."""
    if where is None:
        return "the details could not be saved (the disk may be full or not writable)"
    return f"details in {where}"
