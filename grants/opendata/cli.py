"""`grants open-data …`: the open-data documents written to a file by the operator (every
agency's grants, audited as the API's downloads are), and the data-quality check."""

from __future__ import annotations

from pathlib import Path

import click

FORMATS = {"json": "360giving.json", "csv": "360giving.csv"}


def _write(name: str, call: str | None, agency: str | None, output: Path) -> int:
    """Make `name` in one committed transaction (with its audit event), then write it to
    `output`; returns its record count."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from grants.cli import _describe, _run_in_session
    from grants.common.actors import Actor
    from grants.errors import DomainError
    from grants.opendata.loading import resolve_filters
    from grants.opendata.service import Document, export
    from grants.settings import get_settings

    async def work(session: AsyncSession) -> Document:
        filters = await resolve_filters(session, call, agency)
        document = await export(
            session,
            get_settings(),
            actor=Actor(id=None, label="cli"),
            name=name,
            filters=filters,
            agency_id=filters.agency.id if filters.agency else None,
        )
        return document

    try:
        document = _run_in_session(work)
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc
    output.write_bytes(document.body)
    return document.records


@click.group("open-data")
def open_data() -> None:
    """Awarded grants as open data (360Giving, IATI)."""


_call = click.option("--call", "call", default=None, help="Only this call's grants (its code).")
_agency = click.option("--agency", default=None, help="Only this agency's shares (its code).")
_output = click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path)
)


@open_data.command("360giving")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json")
@_call
@_agency
@_output
def threesixty(fmt: str, call: str | None, agency: str | None, output: Path) -> None:
    """Write a 360Giving package (JSON) or its flattened CSV: one record per agency share."""
    records = _write(FORMATS[fmt], call, agency, output)
    click.echo(f"wrote {records} grant records to {output}")


@open_data.command("iati")
@_call
@_agency
@_output
def iati(call: str | None, agency: str | None, output: Path) -> None:
    """Write IATI activity XML 2.03: one activity per agency share."""
    records = _write("iati.xml", call, agency, output)
    click.echo(f"wrote {records} activities to {output}")


@open_data.command("check")
@_call
def check(call: str | None) -> None:
    """Run 360Giving's data-quality checks on the grants; exit 1 naming each problem."""
    import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from grants.cli import _run_in_session
    from grants.opendata.loading import load_projects, resolve_filters
    from grants.settings import get_settings
    from opendata import Problem, grant_records, quality_problems

    async def work(session: AsyncSession) -> list[Problem]:
        filters = await resolve_filters(session, call, None)
        projects = await load_projects(session, filters, get_settings().open_data_org_ids, None)
        today = datetime.datetime.now(datetime.UTC).date()
        return quality_problems(grant_records(projects), today)

    problems = _run_in_session(work)
    for problem in problems:
        click.echo(f"{problem.grant}: {problem.rule}: {problem.detail}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("no data-quality problems")
