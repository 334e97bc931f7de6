"""The bank holidays SIU Desk carries must be exactly the ``holidays`` package's.

The app reads England & Wales bank holidays from a table made from the package (the package
costs a tenth of a second to load, on the way to the home screen's data). When the package
is upgraded and learns a new holiday this test fails; remake the table with
``python -m tests.domain.test_bank_holiday_table`` and commit it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import holidays
import pytest

from siu_tui.domain import bank_holiday_table
from siu_tui.domain.bank_holiday_table import FIRST_YEAR, LAST_YEAR
from siu_tui.domain.workingdays import bank_holidays, holiday_name

TABLE = Path(bank_holiday_table.__file__)


def package_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year).items())


@pytest.mark.parametrize("year", range(FIRST_YEAR, LAST_YEAR + 1))
def test_the_table_is_the_packages(year: int) -> None:
    assert bank_holiday_table.raw_names(year) == package_holidays(year)


def test_years_beyond_the_table_come_from_the_package() -> None:
    for year in (FIRST_YEAR - 1, LAST_YEAR + 1):
        assert bank_holiday_table.raw_names(year) is None
        assert bank_holidays(year) == frozenset(package_holidays(year))
    assert holiday_name(date(LAST_YEAR + 1, 12, 25)) == "Christmas Day"


def test_the_table_reads_as_written_by_the_generator() -> None:
    assert TABLE.read_text(encoding="utf-8") == table_source()


def table_source() -> str:
    head, _sep, _rows = TABLE.read_text(encoding="utf-8").partition("ROWS = (\n")
    lines = [head, "ROWS = (\n"]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for day, name in sorted(package_holidays(year).items()):
            quoted = json.dumps(str(name), ensure_ascii=False)  # as ruff format writes it
            lines.append(f"    ({day.year}, {day.month}, {day.day}, {quoted}),\n")
    lines.append(")\n")
    return "".join(lines)


if __name__ == "__main__":
    TABLE.write_text(table_source(), encoding="utf-8")
    print(f"wrote {TABLE}")
