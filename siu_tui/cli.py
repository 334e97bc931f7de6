"""The ``siu`` command: opens the app, and answers questions clerks ask without opening it.

Every mistake on the command line is reported in one line with exit status 2, and no command
ever shows a traceback: the people typing these are clerks, not developers. A database or a
disk that fails (not a database, damaged, full, out of reach) is one line too, with exit
status 1, naming the database (never with its password) and saying what to do.

``--db`` takes a file path or a SQLAlchemy URL, before the command or after it.
"""

from __future__ import annotations

import gc
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from siu_tui import __version__
from siu_tui.config import (
    current_user,
    database_url,
    default_database_url,
    demo_database_url,
    sqlite_path,
)
from siu_tui.errors import UserFacingError

DEMO_CONFERENCES = 2_000
"""How many conferences `siu --demo` makes on first use: a first look, made in seconds."""


class CommandError(click.ClickException):
    """A failure to report in one line (exit 1), as opposed to a usage error (exit 2)."""


def _say(*fields: object, err: bool = False) -> None:
    """One line of output holding stored text: each field with its control characters shown
    as symbols (a name holding ``\x1b]52;…`` never writes the terminal's clipboard), fields
    joined by tabs."""
    from siu_tui.domain.text import visible

    click.echo("\t".join(visible(str(field)) for field in fields), err=err)


def _fail(message: str, status: int = 2) -> NoReturn:
    from siu_tui.domain.text import visible

    click.echo(f"siu: {visible(message)}", err=True)
    sys.exit(status)


def _database_url(db: str | None) -> str:
    return database_url(db) if db else default_database_url()


DB_HELP = "The database: a file path or a SQLAlchemy URL (default: SIU_DATABASE_URL, else yours)."

_db_option = click.option("--db", "db_path", metavar="PATH|URL", help=DB_HELP)
"""``--db`` after a command (``siu challenges --db X``): the same as before it."""


def _remember_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(dict)["db"] = value


_group_db_option = click.option(
    "--db", metavar="PATH|URL", help=DB_HELP, expose_value=False, callback=_remember_db
)
"""``--db`` after a group (``siu db --db X check``), for the commands in it."""


def _url(ctx: click.Context, db_path: str | None) -> str:
    """The database this command uses; kept so a failure can name it (``_DatabaseGroup``)."""
    url = _database_url(db_path or ctx.obj.get("db"))
    ctx.obj["url"] = url
    return url


def _existing_url(ctx: click.Context, db_path: str | None) -> str:
    """The database for a command that needs one already made, saying how to make one."""
    url = _url(ctx, db_path)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise CommandError(
            f"no database at {path}; make one with: siu db upgrade --db {shlex.quote(str(path))}"
        )
    return url


class _DatabaseGroup(click.Group):
    """Commands whose failures of the database or the disk become one sentence, not a crash."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            from siu_tui.db.failures import explain

            problem = explain(exc, (ctx.obj or {}).get("url"))
            if problem is None or problem is exc:
                raise
            raise problem from None


class _TypeParam(click.ParamType):
    name = "TYPE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from siu_tui.domain.codes import ConferenceType

        try:
            return ConferenceType.parse(value)
        except ValueError:
            choices = ", ".join(t.value for t in ConferenceType)
            self.fail(f"unknown conference type {value!r} (use one of: {choices})", param, ctx)


class _DateParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        from siu_tui.domain.dates import parse_date, parse_iso_date

        try:
            return parse_date(value) if "/" in value else parse_iso_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


TYPE = _TypeParam()
DATE = _DateParam()


@click.group(
    cls=_DatabaseGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option("--db", "db", metavar="PATH|URL", help=DB_HELP)
@click.option("--demo", is_flag=True, help="Open the sample database (made on first use).")
@click.option("--user", metavar="NAME", help="Who the audit trail records (default: login name).")
@click.version_option(__version__, "--version", prog_name="siu")
@click.pass_context
def cli(ctx: click.Context, db: str | None, demo: bool, user: str | None) -> None:
    """SIU Desk: book and track Child Protection Conferences.

    With no command, opens the app.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db
    ctx.obj["user"] = user
    if ctx.invoked_subcommand is not None:
        return
    if demo and db:
        raise click.UsageError("--demo and --db cannot be used together")
    url = demo_database_url() if demo else _url(ctx, db)
    if demo:
        _ensure_demo(url)
    path = sqlite_path(url)
    if path is not None:
        from siu_tui.db.sqlite_file import check_sqlite_file

        check_sqlite_file(path)  # a text file or an empty one: say so here, not in the app
    # Starting makes a great many objects that live as long as the app; the cyclic garbage
    # collector walking them again and again made the start a tenth slower. The app turns it
    # back on once the home screen shows its data (SIUApp.home_shown).
    gc.disable()
    from siu_tui.app import SIUApp

    SIUApp(database_url=url, user=current_user(user)).run()


def _ensure_demo(url: str) -> None:
    """Make the sample database the first time someone asks for a look."""
    path = sqlite_path(url)
    if path is not None and path.exists():
        return
    click.echo("Making the sample database (synthetic data, first run only)…", err=True)
    _generate(url, DEMO_CONFERENCES)


def _generate(url: str, conferences: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from siu_tui.db.demo import generate
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import ensure_current

    store = Store(url)
    try:
        ensure_current(store)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("Sample conferences", total=conferences)
            summary = generate(
                store,
                conferences,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    finally:
        store.dispose()
    for line in summary.as_lines():
        click.echo(line)


@cli.command()
@click.argument("conference_type", type=TYPE, metavar="TYPE")
@click.argument("trigger", type=DATE, metavar="DATE")
@click.option(
    "--birth-date",
    type=DATE,
    help="For a 1st review after a pre-birth conference: the baby's date of birth.",
)
@_db_option
@click.pass_context
def timescale(  # type: ignore[no-untyped-def]
    ctx: click.Context, conference_type, trigger: date, birth_date: date | None, db_path: str | None
) -> None:
    """Print the deadline for a conference of TYPE whose deadline runs from DATE."""
    from siu_tui.domain.timescales import conference_deadline

    previous = "initial_pre_birth" if birth_date else None
    rules = _rules(ctx, db_path)
    with _within_the_calendar(trigger):
        deadline = conference_deadline(
            conference_type,
            trigger,
            rules,
            previous_type=previous,
            birth_date=birth_date,
        )
    click.echo(deadline.isoformat())


@cli.command("report-deadlines")
@click.argument("conference_type", type=TYPE, metavar="TYPE")
@click.argument("conference_date", type=DATE, metavar="DATE")
@_db_option
@click.pass_context
def report_deadlines_cmd(  # type: ignore[no-untyped-def]
    ctx: click.Context, conference_type, conference_date: date, db_path: str | None
) -> None:
    """Print when the social worker's report must reach the parents and the chair."""
    from siu_tui.domain.timescales import report_deadlines

    rules = _rules(ctx, db_path)
    with _within_the_calendar(conference_date):
        deadlines = report_deadlines(conference_type, conference_date, rules)
    click.echo(f"parents: {deadlines.parents.isoformat()}")
    click.echo(f"chair: {deadlines.chair.isoformat()}")


@contextmanager
def _within_the_calendar(day: date) -> Iterator[None]:
    """A deadline past 9999-12-31 or before year 1 is a bad date argument, not a crash."""
    try:
        yield
    except (OverflowError, ValueError) as exc:
        if "out of range" not in str(exc):
            raise
        raise click.UsageError(
            f"no deadline can be worked out from {day.isoformat()}: it would fall outside "
            "the calendar (years 1 to 9999)"
        ) from None


def _rules(ctx: click.Context, db_path: str | None = None):  # type: ignore[no-untyped-def]
    """The rules of the database in use when it exists; the documented defaults otherwise.

    Reading never creates or upgrades a database: asking a question must not change anything.
    A database that is there but cannot be used (not a database, damaged, out of reach) is
    said so, rather than answered from rules that may not be the unit's.
    """
    from siu_tui.domain.settings import DEFAULT_RULES

    url = _url(ctx, db_path)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return DEFAULT_RULES
    from siu_tui.db.engine import Store
    from siu_tui.db.failures import explain
    from siu_tui.services.settings import load_rules

    store = Store(url)
    try:
        return load_rules(store)
    except Exception as exc:
        if explain(exc, url) is not None:
            raise
        return DEFAULT_RULES  # a database with no settings table yet
    finally:
        store.dispose()


@cli.command()
@click.option("--conferences", type=click.IntRange(1, 2_000_000), default=1_000, show_default=True)
@click.option(
    "--db",
    "db",
    metavar="PATH|URL",
    help="The database to fill: a file path or a SQLAlchemy URL "
    "(default: SIU_DATABASE_URL, else the demo one).",
)
@click.option("--replace", is_flag=True, help="Delete the database file first if it exists.")
@click.pass_context
def demo(ctx: click.Context, conferences: int, db: str | None, replace: bool) -> None:
    """Fill a database with obviously synthetic sample data (for trying and benchmarking)."""
    from siu_tui.config import ENV_DATABASE_URL, shown_url
    from siu_tui.db.sqlite_file import is_sqlite_file

    db = db or ctx.obj.get("db") or os.environ.get(ENV_DATABASE_URL)
    url = database_url(db) if db else demo_database_url()
    ctx.obj["url"] = url
    path = sqlite_path(url)
    if replace and path is None:
        raise click.UsageError(f"--replace deletes a database file; {shown_url(url)} is not one")
    if replace and path is not None and path.exists():
        if not is_sqlite_file(path):
            raise CommandError(f"{path} is not a SQLite database; --replace will not delete it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    _generate(url, conferences)


@cli.command("challenges")
@click.option("--year", type=int, metavar="YYYY", help="The council's year: 2026 means 2026-27.")
@click.option("--quarter", type=click.IntRange(1, 4), help="A quarter of that year (1 = Apr-Jun).")
@click.option("--from", "start", type=DATE, help="First day of a period of your own.")
@click.option("--to", "end", type=DATE, help="Last day of a period of your own.")
@_db_option
@click.pass_context
def challenges_cmd(
    ctx: click.Context,
    year: int | None,
    quarter: int | None,
    start: date | None,
    end: date | None,
    db_path: str | None,
) -> None:
    """Print the IRO challenge figures for a period (default: this council year)."""
    from siu_tui import clock
    from siu_tui.domain.periods import financial_year, financial_year_of
    from siu_tui.domain.periods import quarter as quarter_period

    if (start is None) != (end is None):
        raise click.UsageError("give both --from and --to, or neither")
    if start is not None and (year is not None or quarter is not None):
        raise click.UsageError("--from/--to cannot be combined with --year or --quarter")
    _check_period(start, end)
    label = ""
    if start is None or end is None:
        chosen = year if year is not None else financial_year_of(clock.today())
        period = quarter_period(chosen, quarter) if quarter else financial_year(chosen)
        start, end, label = period.start, period.end, f" ({period.label})"
    url = _existing_url(ctx, db_path)
    from siu_tui.db.engine import Store
    from siu_tui.services.challenges import challenge_figures
    from siu_tui.services.context import Desk

    desk = Desk(Store(url), current_user(ctx.obj.get("user")))
    try:
        figures = challenge_figures(desk, start, end)
    finally:
        desk.close()
    for line in _figure_lines(figures, label):
        _say(line)


def _check_period(start: date | None, end: date | None) -> None:
    """``--from`` after ``--to`` is a bad argument (exit 2), caught before any database opens."""
    if start is not None and end is not None and start > end:
        raise click.UsageError(
            f"the period ends before it starts (--from {start.isoformat()} is after "
            f"--to {end.isoformat()})"
        )


def _figure_lines(figures, label: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The figures as aligned plain text, by level and then by category."""
    from siu_tui.domain.dates import format_date

    head = (
        f"{'Challenges':>11}{'Escalations':>12}{'Open':>6}{'Overdue':>8}"
        f"{'Escalated further':>18}{'Resolved':>9}{'Avg days':>9}"
    )
    lines = [
        f"Challenges and escalations raised {format_date(figures.start)} to "
        f"{format_date(figures.end)}{label}, as they stood on {format_date(figures.as_at)}"
    ]
    for title, rows in (("Level", figures.by_level), ("Category", figures.by_category)):
        lines += ["", f"{title:<37}{head}"]
        for row in (*rows, figures.total):
            average = "-" if row.average_days is None else f"{row.average_days:.1f}"
            lines.append(
                f"{row.label:<37}{row.challenges:>11}{row.escalations:>12}{row.open:>6}"
                f"{row.overdue:>8}{row.escalated_further:>18}{row.resolved:>9}{average:>9}"
            )
    lines += [
        "",
        "Challenges: new challenges, each counted once however often it is escalated.",
        "Escalations: levels raised by escalating a challenge, counted apart.",
        "Avg days: calendar days from first raised to resolved, through escalations.",
    ]
    return lines


@cli.command()
@click.option(
    "--clerk", metavar="NAME", help="Only this clerk's conferences (any part of the name)."
)
@click.option("--week", type=DATE, metavar="DATE", help="Only conferences in the week of DATE.")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row, for a spreadsheet.")
@_db_option
@click.pass_context
def outstanding(
    ctx: click.Context,
    clerk: str | None,
    week: date | None,
    limit: int,
    as_csv: bool,
    db_path: str | None,
) -> None:
    """List the reports not yet received for the conferences to come, soonest deadline first.

    One line each, tab-separated: deadline, working days left (negative: overdue), report,
    conference date and time, reference, family, who to chase, their contact. A tab, line
    break or backslash in a name shows as \\t, \\n, \\r or \\\\; --csv writes CSV instead.
    """
    from siu_tui import clock
    from siu_tui.domain.text import spreadsheet_cell, visible
    from siu_tui.services.context import Desk
    from siu_tui.services.outstanding import (
        EXPORT_COLUMNS,
        OutstandingFilter,
        export_cells,
        outstanding_reports,
        tsv_cell,
    )
    from siu_tui.services.people import list_staff

    url = _existing_url(ctx, db_path)
    desk = Desk.open(url, current_user(ctx.obj.get("user")))
    try:
        clerk_id = None
        if clerk:
            wanted = clerk.casefold().strip()
            found = [
                s
                for s in list_staff(desk, "clerk", active_only=False)
                if wanted in s.name.casefold()
            ]
            if len(found) != 1:
                names = visible(", ".join(s.name for s in found) or "none")
                raise CommandError(f"--clerk {clerk!r} should name one clerk (matches: {names})")
            clerk_id = found[0].id
        page = outstanding_reports(
            desk, clock.today(), OutstandingFilter(clerk_id=clerk_id, week_of=week), limit=limit
        )
    finally:
        desk.close()
    if as_csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(EXPORT_COLUMNS)
        for row in page.rows:
            writer.writerow([spreadsheet_cell(cell) for cell in export_cells(row)])
    else:
        for row in page.rows:
            click.echo("\t".join(visible(tsv_cell(cell)) for cell in export_cells(row)))
    if not page.rows:
        click.echo("No reports are outstanding.", err=True)
    elif page.cursor is not None:
        click.echo(f"(first {limit}; more with --limit)", err=True)


@cli.group()
@_group_db_option
def db() -> None:
    """Look after the database: upgrade it, check it."""


@db.command()
@_db_option
@click.pass_context
def upgrade(ctx: click.Context, db_path: str | None) -> None:
    """Bring the database up to this version (copying it aside first: the SQLite file, or a
    PostgreSQL database with pg_dump when it is on the PATH)."""
    from siu_tui.db.engine import Store
    from siu_tui.db.migrate import upgrade as run_upgrade

    store = Store(_url(ctx, db_path))
    try:
        result = run_upgrade(store)
    finally:
        store.dispose()
    if not result.changed:
        click.echo(f"Already up to date ({result.after}).")
        return
    click.echo(f"Upgraded from {result.before or 'empty'} to {result.after}.")
    if result.backup:
        click.echo(f"The previous copy is kept at {result.backup}")
    if result.note:
        click.echo(result.note)


@db.command()
@_db_option
@click.pass_context
def check(ctx: click.Context, db_path: str | None) -> None:
    """Check the database file is sound: integrity, links between records, schema version."""
    from siu_tui.services.admin import check_database

    url = _existing_url(ctx, db_path)
    try:
        report = check_database(url)
    except Exception as exc:
        report = _damaged_file_report(exc, url)
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        sys.exit(1)


def _damaged_file_report(exc: Exception, url: str):  # type: ignore[no-untyped-def]
    """``siu db check`` on a file too damaged to read its schema: what SQLite's own check finds."""
    from siu_tui.db.failures import explain
    from siu_tui.db.sqlite_file import integrity_problems, is_sqlite_file, summarise_problems
    from siu_tui.services.admin import CheckReport

    path = sqlite_path(url)
    if path is None or not is_sqlite_file(path) or explain(exc, url) is None:
        raise exc
    report = CheckReport()
    if isinstance(exc, UserFacingError):
        report.add(False, str(exc))
    problems = integrity_problems(path) or ["the file could not be read as a database"]
    report.add(False, "file integrity: " + summarise_problems(problems))
    return report


@cli.group()
@_group_db_option
def outbox() -> None:
    """Send the e-mails SIU Desk has queued (advocacy referrals, invitations), or export them.

    The mail server comes from Settings or SIU_SMTP_HOST, SIU_SMTP_PORT, SIU_SMTP_USER,
    SIU_SMTP_SENDER and SIU_SMTP_SECURITY (starttls, ssl, none); the password only from
    SIU_SMTP_PASSWORD. SIU_SMTP_CAFILE trusts a council's own certificate authority.
    """


def _open_desk(ctx: click.Context, db_path: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The database for a command, brought up to date; ``create`` makes it if it is missing."""
    from siu_tui.services.context import Desk

    url = _url(ctx, db_path) if create else _existing_url(ctx, db_path)
    path = sqlite_path(url)
    made = path is not None and not path.exists()
    desk = Desk.open(url, current_user(ctx.obj.get("user")))
    if made:
        click.echo(f"Made a new database at {path}", err=True)
    return desk


def _progress():  # type: ignore[no-untyped-def]
    """A progress bar on stderr, so what the command prints can still be piped."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    )


@outbox.command("send")
@_db_option
@click.pass_context
def outbox_send(ctx: click.Context, db_path: str | None) -> None:
    """Send every queued message; a failure keeps it queued with the reason."""
    from siu_tui.services.outbox import (
        not_configured_message,
        outbox_counts,
        send_queued,
        smtp_config,
    )

    desk = _open_desk(ctx, db_path)
    try:
        config = smtp_config(desk)
        waiting = outbox_counts(desk)
        if config is not None and waiting.queued:
            click.echo(f"Sending through {config.describe()}", err=True)
        if waiting.waiting_for_address:
            click.echo(
                f"{waiting.waiting_for_address} message(s) have no address yet "
                "(set the advocacy service's address in Settings).",
                err=True,
            )
        if not waiting.queued - waiting.waiting_for_address:
            click.echo("Nothing to send.")
            if waiting.interrupted:
                click.echo(
                    f"{waiting.interrupted} message(s) were interrupted while sending and may "
                    "have gone: check, then queue them again in the outbox (b)."
                )
            return
        if config is None:
            raise CommandError(not_configured_message())
        with _progress() as progress:
            task = progress.add_task("Sending", total=waiting.queued)
            result = send_queued(
                desk,
                config,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    finally:
        desk.close()
    for line in result.lines():
        _say(line)
    if not result.ok:
        sys.exit(1)


@outbox.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), metavar="DIR")
@click.option(
    "--mark-sent",
    is_flag=True,
    help="Take the exported messages out of the queue (only once you will send them by hand).",
)
@_db_option
@click.pass_context
def outbox_export(
    ctx: click.Context, directory: Path, mark_sent: bool, db_path: str | None
) -> None:
    """Write each queued message to DIR as a .eml file a mail client can open and send."""
    from siu_tui.services.outbox import export_queued

    desk = _open_desk(ctx, db_path)
    try:
        with _progress() as progress:
            task = progress.add_task("Exporting", total=None)
            result = export_queued(
                desk,
                directory,
                mark_sent=mark_sent,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    except OSError as exc:
        raise CommandError(f"could not write to {directory}: {exc.strerror or exc}") from None
    finally:
        desk.close()
    click.echo(f"Wrote {len(result.written)} message(s) to {directory}")
    for line in result.skipped:
        _say(f"Not written: {line}")
    if result.written and not mark_sent:
        click.echo(
            "They stay queued, so `siu outbox send` would send them too: once you have sent "
            "them from your mail client, export again with --mark-sent."
        )


@cli.command("import")
@click.argument("file", metavar="FILE.csv")
@_db_option
@click.pass_context
def import_cmd(ctx: click.Context, file: str, db_path: str | None) -> None:
    """Import conference history from a CSV file (one row per child per conference).

    All rows go in or none do: a file with any problem is refused whole, every problem listed
    by line, and the database is left as it was. Conferences already imported (by
    conference_ref) are skipped, so importing the same file twice adds nothing. The columns
    are described in the README ("Importing history").
    """
    from siu_tui.domain.text import visible
    from siu_tui.services.errors import ImportRefused
    from siu_tui.services.import_batches import undo_abandoned
    from siu_tui.services.importing import import_history

    desk = _open_desk(ctx, db_path, create=True)
    try:
        # An import killed part-way is undone first, and said so, whatever this one does.
        for line in undo_abandoned(desk.store, desk.actor):
            click.echo(line, err=True)
        with _progress() as progress:
            task = progress.add_task("Reading", total=None)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=stage, completed=done, total=total)

            result = import_history(desk, file, progress=report)
    except ImportRefused as refused:
        if refused.whole_file:
            raise CommandError(f"{visible(refused.problems[0])}; nothing was imported") from None
        for line in refused.problems:
            _say(line, err=True)
        if refused.more:
            click.echo(f"... and {refused.more:,} more problem(s) not shown", err=True)
        lines = {p.split(":", 1)[0] for p in refused.problems if p.startswith("line ")}
        where = f" on {len(lines)} line(s)" if lines and not refused.more else ""
        raise CommandError(
            f"nothing was imported: {refused.count:,} problem(s){where}; "
            "put them right and import the file again"
        ) from None
    finally:
        desk.close()
    for line in result.lines():
        _say(line)


@cli.group()
@_group_db_option
def minutes() -> None:
    """The minutes workflow: a week's tasks, and the figures for any period."""


@minutes.command("week")
@click.argument("day", type=DATE, required=False, metavar="[DATE]")
@_db_option
@click.pass_context
def minutes_week_cmd(ctx: click.Context, day: date | None, db_path: str | None) -> None:
    """Print the week of DATE (default: this week): its review, its summary, and every minutes
    task due in it or carried into it overdue."""
    from siu_tui import clock
    from siu_tui.services.minutes_week import week_tasks_page, week_view

    desk = _open_desk(ctx, db_path)
    try:
        view = week_view(desk, day or clock.today())
        click.echo(f"Week commencing {view.week.start.isoformat()} to {view.week.end.isoformat()}")
        review = view.review
        if review is None:
            click.echo("Not reviewed")
        else:
            _say(
                f"Reviewed by {review.reviewed_by} on {review.reviewed_at:%Y-%m-%d}: {review.note}"
            )
        c = view.counts
        click.echo(
            f"Tasks: {c.due} due in the week, {c.carried} carried in overdue; on time {c.on_time}, "
            f"late {c.late}, overdue {c.overdue}, not yet due {c.not_yet_due}"
        )
        for offset in range(0, len(view.task_keys), 500):
            for t in week_tasks_page(desk, view.task_keys, view.week.start, offset, limit=500):
                over = f" {t.days_overdue}" if t.state in ("overdue", "late") else ""
                _say(
                    f"{t.state.upper()}{over}",
                    t.task_label,
                    f"due {t.due.isoformat()}",
                    f"done {t.done.isoformat() if t.done else '-'}",
                    t.conference_reference,
                    t.family,
                    t.stage_label,
                    t.holder,
                )
    finally:
        desk.close()


@minutes.command("figures")
@click.option("--from", "start", type=DATE, required=True, help="First day of the period.")
@click.option("--to", "end", type=DATE, required=True, help="Last day of the period.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines of text.")
@_db_option
@click.pass_context
def minutes_figures_cmd(
    ctx: click.Context, start: date, end: date, as_json: bool, db_path: str | None
) -> None:
    """Print how the minutes of the conferences held in a period went out: within the
    timescale, late, still outstanding, the average working days, and the same by chair."""
    import json

    from siu_tui.services.minutes_week import minutes_figures

    _check_period(start, end)
    desk = _open_desk(ctx, db_path)
    try:
        figures = minutes_figures(desk, start, end)
    finally:
        desk.close()

    def as_dict(f):  # type: ignore[no-untyped-def]
        return {
            "conferences": f.conferences,
            "within": f.within,
            "late": f.late,
            "outstanding": f.outstanding,
            "outstanding_overdue": f.outstanding_overdue,
            "within_percent": f.within_percent,
            "average_working_days": f.average_working_days,
        }

    if as_json:
        data = {
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "minutes": as_dict(figures.overall),
            "by_chair": [{"chair": c.chair, **as_dict(c.figures)} for c in figures.by_chair],
        }
        click.echo(json.dumps(data, indent=2))
        return
    for name, f in [("All chairs", figures.overall)] + [
        (c.chair, c.figures) for c in figures.by_chair
    ]:
        percent = "-" if f.within_percent is None else f"{f.within_percent}%"
        average = "-" if f.average_working_days is None else f.average_working_days
        click.echo(
            f"{name}: {f.conferences} held; within {f.within} ({percent}); late {f.late}; "
            f"outstanding {f.outstanding} ({f.outstanding_overdue} overdue); "
            f"average {average} working days"
        )


@cli.command("report")
@click.argument("kind", type=click.Choice(["annual", "quarterly"]), metavar="annual|quarterly")
@click.option("--year", type=int, required=True, help="The council year: 2025 means 2025-26.")
@click.option("--quarter", "quarter_number", type=int, help="1 to 4 (quarterly reports only).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "xlsx", "md"]),
    default="md",
    show_default=True,
    help="What to write.",
)
@click.option("-o", "--output", "output", metavar="FILE", help="Write to FILE, not the screen.")
@_db_option
@click.pass_context
def report_cmd(
    ctx: click.Context,
    kind: str,
    year: int,
    quarter_number: int | None,
    fmt: str,
    output: str | None,
    db_path: str | None,
) -> None:
    """Write the quarterly or annual thematic report (Q1 = April to June).

    JSON and Markdown go to the screen unless -o names a file; CSV and XLSX need -o.
    """
    from siu_tui.services.errors import ValidationError
    from siu_tui.services.report_export import render, write_report
    from siu_tui.services.reports import parse_period, thematic_report

    try:
        parse_period(kind, year, quarter_number)
    except ValidationError as exc:
        raise click.UsageError(" ".join(exc.errors.values())) from None
    if fmt == "xlsx" and not output:
        raise click.UsageError("an XLSX report needs a file: add -o FILE.xlsx")
    desk = _open_desk(ctx, db_path)
    try:
        with _progress() as bar:
            task = bar.add_task("Counting", total=6)

            def step(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total, description=label)

            report = thematic_report(desk, kind, year, quarter_number, progress=step)
    finally:
        desk.close()
    if output:
        try:
            path = write_report(report, fmt, Path(output))
        except OSError as exc:
            raise CommandError(f"could not write {output}: {exc.strerror or exc}") from None
        click.echo(f"{report.period.title} written to {path}", err=True)
        return
    from siu_tui.domain.text import visible

    text = render(report, fmt).decode()
    click.echo(text if fmt == "json" else visible(text, lines=True), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; every error becomes one line, never a traceback."""
    try:
        cli.main(args=argv, prog_name="siu", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("stopped", 130)
    except click.UsageError as exc:
        _fail(exc.format_message().strip().splitlines()[0].rstrip("."), 2)
    except CommandError as exc:
        _fail(exc.format_message(), 1)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except KeyboardInterrupt:
        _fail("stopped", 130)
    except UserFacingError as exc:
        _fail(str(exc), exc.exit_status)
    except Exception as exc:
        from siu_tui.crash import details_saved, record_crash

        where = record_crash(exc)
        _fail(f"something went wrong ({type(exc).__name__}); {details_saved(where)}", 1)


if __name__ == "__main__":
    main()
