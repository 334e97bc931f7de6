"""`siu import` of a large file while another clerk saves: how long the clerk's saves wait.

A big import must not hold the write lock for longer than another clerk's save can wait (the
busy timeout, 15 s). This runs ``siu import`` on a ``write_history`` file in a subprocess and,
meanwhile, makes a small write (one audit event) every 50 ms in this process, timing each. It
reports the import's peak memory (the subprocess's maximum resident set), its duration, the
longest wait of a save, and how many saves gave up (``DatabaseBusy``).

    python bench/bench_import_busy.py 650000      # about 100 MB of CSV

Measured on the shared 2-core machine (650,000 rows, 101.8 MB; other work running): with the
file written in one transaction, peak 1,521 MB, the longest save waited 15.9 s and 13 of 891
saves gave up; written 5,000 rows per transaction, peak 919 MB (about a third of it the
database file's memory-mapped pages), the longest save waited 2.6 s and none gave up.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_import import write_history


def run(rows: int = 650_000) -> dict[str, float]:
    from siu_tui.db.models import AuditEvent
    from siu_tui.errors import DatabaseBusy
    from siu_tui.services.context import Desk

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            written = write_history(out, rows)
        size_mb = round(path.stat().st_size / 1e6, 1)
        db = Path(folder) / "import.db"
        desk = Desk.open(f"sqlite:///{db}", "bench")
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "siu_tui.cli", "import", str(path), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "SIU_USER": "bench"},
        )
        waits: list[float] = []
        busy = 0
        while child.poll() is None:
            asked = time.perf_counter()
            try:
                with desk.store.write() as session:
                    session.add(
                        AuditEvent(
                            actor="bench",
                            action="bench",
                            record_type="bench",
                            record_id="bench",
                        )
                    )
            except DatabaseBusy:
                busy += 1
            waits.append(time.perf_counter() - asked)
            time.sleep(0.05)
        out, err = child.communicate()
        took = time.perf_counter() - started
        desk.close()
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if child.returncode:
        print(err.decode()[-2000:], file=sys.stderr)
    return {
        "rows": written,
        "csv_mb": size_mb,
        "import_exit": child.returncode,
        "import_s": round(took, 1),
        "peak_rss_mb": round(peak),
        "saves": len(waits),
        "longest_wait_s": round(max(waits, default=0), 2),
        "saves_refused": busy,
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 650_000))
