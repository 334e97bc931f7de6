"""What happens to an unexpected error: a note for the developers, a sentence for the clerk.

The note keeps the exception's type and where it happened, never its message or local
values, because those can hold children's names and case details.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from siu_tui.clock import now
from siu_tui.config import data_dir
from siu_tui.files import make_private_dir, private_open


def crash_report(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{type(exc).__module__}.{type(exc).__qualname__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
    cause = exc.__cause__ or exc.__context__
    if cause is not None and cause is not exc:
        lines.append("caused by:")
        lines += ["  " + line for line in crash_report(cause).splitlines()]
    return "\n".join(lines)


def record_crash(exc: BaseException) -> Path:
    """Append a report to the crash log in the data folder and return its path."""
    folder = data_dir() / "logs"
    make_private_dir(folder)
    path = folder / "crash.log"
    with private_open(path, "a", encoding="utf-8") as fh:
        fh.write(f"--- {now().isoformat()}\n{crash_report(exc)}\n")
    return path
