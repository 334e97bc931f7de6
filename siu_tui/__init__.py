"""SIU Desk: the Safeguarding & Improvement Unit's conference desk.

Nothing is imported here: `siu --version` and the first screen must not pay for SQLAlchemy.
"""

from __future__ import annotations

import time

__version__ = "0.1.0"

STARTED_AT = time.perf_counter()
"""When this process began loading SIU Desk; the app logs its start-up time from it."""
