"""How long ``siu demo`` takes to fill a fresh database.

The demo generator is also how large test databases are made for the other benchmarks, so
its own speed is tracked: 100,000 conferences (about 1.5 million rows) should take well
under a minute on a 2-core machine.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def run(conferences: int = 100_000) -> dict[str, float | int]:
    """Generate ``conferences`` into a new SQLite file in a temporary folder; only the
    generation is timed, not creating the schema."""
    from siu_tui.db.demo import generate
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import ensure_current

    with tempfile.TemporaryDirectory(prefix="siu-bench-demo-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'demo.db'}")
        try:
            ensure_current(store)
            start = time.perf_counter()
            generate(store, conferences)
            seconds = time.perf_counter() - start
        finally:
            store.dispose()
    return {"conferences": conferences, "seconds": round(seconds, 2)}


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
