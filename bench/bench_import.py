"""`siu import` on a large synthetic history file: the issue asks for 100,000 rows in 30 s.

``write_history`` makes a file a council's extract could look like (families of one to four
children; initial conferences with and without plans, reviews that continue and end plans,
some stood down, some late, a few pre-birth with the baby's date of birth on later rows), all
obviously synthetic. The tests use it too, so the benchmark's file is known to import.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from siu_tui.domain.importing import COLUMNS

NUMBERS = ["One", "Two", "Three", "Four"]
CATEGORIES = ["neglect", "physical", "emotional", "sexual"]
ETHNICITY = ["WBRI", "WBRI", "WBRI", "WOTH", "MWBC", "AIND", "APKN", "BCRB", "BAFR", "CHNE", ""]
REASONS = ["not_quorate", "resource_unavailable", "report_unavailable", "family_request", "other"]
FIRST_DAY = date(2010, 4, 1)
LAST_DAY = date(2025, 3, 31)


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def write_history(out: TextIO, rows: int, seed: int = 9) -> int:
    """Write a history of about ``rows`` rows (never more); returns how many were written."""
    rnd = random.Random(seed)
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    written = 0
    family_no = 0
    span = (LAST_DAY - FIRST_DAY).days - 800
    while written < rows:
        family_no += 1
        size = min(rnd.choice([1, 1, 2, 2, 2, 3, 3, 4]), rows - written)
        family = f"FAMIMP{family_no:06d}"
        surname = f"Family-{family_no:06d}"
        start = _workday(FIRST_DAY + timedelta(days=rnd.randrange(span)))
        pre_birth = size == 1 and rnd.random() < 0.1
        kids = []
        for i in range(size):
            born = start - timedelta(days=rnd.randrange(30, 16 * 365))
            kids.append(
                {
                    "child_ref": f"IMP{family_no:06d}{i}",
                    "child_name": f"Test Child-{NUMBERS[i]} {surname}",
                    "date_of_birth": born,
                    "gender": rnd.choice(["male", "female"]),
                    "ethnicity": rnd.choice(ETHNICITY),
                }
            )
        due = start + timedelta(days=60) if pre_birth else None
        if pre_birth:
            kids[0]["date_of_birth"] = due - timedelta(days=rnd.randrange(-5, 10))
        plan = pre_birth or rnd.random() < 0.7
        cats = ";".join(sorted(rnd.sample(CATEGORIES, rnd.choice([1, 1, 1, 2]))))
        conferences: list[tuple[str, date, str, str]] = []  # type, date, status, decision
        ctype = "initial_pre_birth" if pre_birth else rnd.choice(
            ["initial"] * 8 + ["initial_transfer_in"]
        )  # fmt: skip
        day = start
        if rnd.random() < 0.05:
            conferences.append((ctype, day, "stood_down", ""))
            day = _workday(day + timedelta(days=7))
        conferences.append((ctype, day, "held", "plan" if plan else "no_plan"))
        if plan:
            reviews = rnd.choice([1, 2, 3, 4])
            for n in range(reviews):
                day = _workday(day + timedelta(days=85 if n == 0 else 175))
                if day > LAST_DAY:
                    break
                kind = "first_review" if n == 0 else "subsequent_review"
                decision = "end" if n == reviews - 1 else "continue"
                if rnd.random() < 0.03:
                    conferences.append((kind, day, "stood_down", ""))
                    day = _workday(day + timedelta(days=7))
                conferences.append((kind, day, "held", decision))
        trigger = _workday(start - timedelta(days=rnd.randrange(10, 25)))
        for number, (kind, day, status, decision) in enumerate(conferences):
            if written + size > rows:
                return written
            late = day > start + timedelta(days=21) if kind.startswith("initial") else False
            held = status == "held"
            parents = (day - timedelta(days=3)).isoformat() if held else ""
            chair = (day - timedelta(days=2)).isoformat() if held and rnd.random() < 0.9 else ""
            reason = rnd.choice(REASONS) if status == "stood_down" else ""
            for kid in kids:
                born = kid["date_of_birth"]
                unborn = born > day
                writer.writerow(
                    {
                        "conference_ref": f"H{family_no:06d}-{number}",
                        "conference_type": kind,
                        "conference_date": day.isoformat(),
                        "status": status,
                        "stood_down_reason": reason,
                        "late_reason": "other" if late else "",
                        "trigger_date": trigger.isoformat() if kind.startswith("initial") else "",
                        "family_ref": family,
                        "child_ref": kid["child_ref"],
                        "child_name": kid["child_name"],
                        "date_of_birth": "" if unborn else born.isoformat(),
                        "expected_date_of_birth": due.isoformat() if due and unborn else "",
                        "gender": "unknown" if unborn else kid["gender"],
                        "ethnicity": kid["ethnicity"],
                        "decision": decision,
                        "categories": cats if decision in ("plan", "continue") else "",
                        "report_to_parents_date": parents,
                        "report_to_chair_date": chair,
                    }
                )
                written += 1
    return written


def run(rows: int = 100_000) -> dict[str, float]:
    """Seconds to import ``rows`` rows into a new database, and to import them again."""
    from siu_tui.db.migrate import ensure_current
    from siu_tui.services.context import Desk
    from siu_tui.services.importing import import_history

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            written = write_history(out, rows)
        desk = Desk.open(f"sqlite:///{Path(folder) / 'import.db'}", "bench")
        try:
            ensure_current(desk.store)
            started = time.perf_counter()
            first = import_history(desk, path)
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            again = import_history(desk, path)
            again_s = time.perf_counter() - started
        finally:
            desk.close()
    assert again.conferences == 0 and again.skipped == first.conferences
    return {
        "rows": written,
        "conferences": first.conferences,
        "import_s": first_s,
        "again_s": again_s,
    }


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
