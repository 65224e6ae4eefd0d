"""The `grants` command: serve, migrate, seed the demo, manage users and tokens, audit, diagrams."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.common.emails import normalise
from grants.opendata.cli import open_data
from grants.settings import Settings, get_settings

T = TypeVar("T")
DIAGRAM_PATH = Path("docs/workflows.md")


def _run_in_session(
    work: Callable[[AsyncSession], Awaitable[T]], settings: Settings | None = None
) -> T:
    """Run `work` in one committed transaction on the configured database."""
    from grants.db.engine import create_engine

    async def main() -> T:
        engine = create_engine((settings or get_settings()).database_url)
        try:
            async with (
                async_sessionmaker(engine, expire_on_commit=False)() as session,
                session.begin(),
            ):
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """CoFund: joint research grant management."""
    from grants.common.request_ids import bound_request_id, new_cli_request_id

    # One id per command, so the audit events of one run (a demo seed, an assignment) group.
    ctx.with_resource(bound_request_id(new_cli_request_id()))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--reload", is_flag=True, help="Restart on code changes (development).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    envvar="GRANTS_WORKERS",
    help="Worker processes (more than one runs Granian).",
)
@click.option(
    "--server",
    "server_name",
    type=click.Choice(["uvicorn", "granian"]),
    default=None,
    envvar="GRANTS_SERVER",
    help="The HTTP server: uvicorn for one worker, Granian for more.  [default: by --workers]",
)
@click.option(
    "--background",
    is_flag=True,
    envvar="GRANTS_BACKGROUND",
    help="Run the background work (mail, reminders) in the server, as `grants worker` would.",
)
def serve(
    host: str,
    port: int,
    reload: bool,
    workers: int,
    server_name: str | None,
    background: bool,
) -> None:
    """Serve the web UI and API (connections bounded, see grants.serving)."""
    from grants.serving import APP_FACTORY, APP_WITH_WORKER_FACTORY

    settings = get_settings()
    factory = APP_WITH_WORKER_FACTORY if background else APP_FACTORY
    server_name = server_name or ("granian" if workers > 1 else "uvicorn")
    if server_name == "granian":
        from grants.serving import granian_server

        if reload:
            raise click.UsageError("--reload runs uvicorn: leave out --workers and --server")
        granian_server(settings, host=host, port=port, workers=workers, factory=factory).serve()
        return
    if workers > 1:
        raise click.UsageError("several workers run on Granian: --server granian")

    import uvicorn

    from grants.serving import uvicorn_options

    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        reload=reload,
        log_config=None,
        access_log=False,
        **uvicorn_options(settings),
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations."""
    from grants.db import migrate
    from grants.db.engine import create_engine

    settings = get_settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)

    async def run() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await migrate.upgrade(engine, revision)
            return await migrate.current_revision(engine)
        finally:
            await engine.dispose()

    click.echo(f"database at revision {asyncio.run(run())}")
    if settings.environment != "production":
        from grants.audit import log_key

        path, created = log_key.generate(settings)
        if created:
            click.echo(f"wrote the audit log key in {path}")


@main.command()
@click.option("--force", is_flag=True, help="Seed even when the database already has users.")
def demo(force: bool) -> None:
    """Seed the demo agencies and one login per role if the database is empty."""
    from grants import demo as demo_data

    async def work(session: AsyncSession) -> list[Any] | None:
        if not force and not await demo_data.is_empty(session):
            return None
        return await demo_data.seed(session)

    logins = _run_in_session(work)
    if logins is None:
        click.echo("the database already has users; demo not seeded")
    _print_logins()


def _print_logins() -> None:
    from grants.demo import (
        DEMO_CALL_CODE,
        DEMO_PASSWORD,
        FINISHED_CALL_CODE,
        LOGINS,
        REVIEW_CALL_CODE,
    )

    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in LOGINS:
        scope = f" of {login.agency}" if login.agency else ""
        click.echo(f"  {login.role + scope:<20} {login.email}")
    click.echo(f"Demo call open for proposals: {DEMO_CALL_CODE} (JST and NAFOSTED)")
    click.echo(f"Demo call in review: {REVIEW_CALL_CODE} (try `grants assign {REVIEW_CALL_CODE}`)")
    click.echo(
        f"Demo finished call: {FINISHED_CALL_CODE}, its 5-year grant in its second fiscal year "
        "(PIs kaito.mori@ and quang.vo@demo.cofund.example; the officers act on its tranches)"
    )


@main.group()
def user() -> None:
    """User accounts."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["researcher", "reviewer", "officer", "auditor", "admin"]),
)
@click.option("--agency", help="Agency code, for the officer role.")
@click.option("--locale", default=None, type=click.Choice(["en", "vi", "ja"]))
@click.option("--time-zone", default="UTC")
def user_create(
    email: str,
    display_name: str,
    roles: tuple[str, ...],
    agency: str | None,
    locale: str | None,
    time_zone: str,
) -> None:
    """Create a user; the password comes from GRANTS_PASSWORD, stdin, or the terminal."""
    from grants.accounts import schemas
    from grants.accounts.services import create_user
    from grants.common.actors import Actor
    from grants.errors import DomainError

    password = _read_password()
    try:
        data = schemas.UserCreate.model_validate(
            {
                "email": email,
                "display_name": display_name,
                "password": password,
                "locale": locale,
                "time_zone": time_zone,
                "roles": [{"role": r, "agency": agency if r == "officer" else None} for r in roles],
            }
        )
        created = _run_in_session(lambda s: create_user(s, data, actor=Actor(id=None, label="cli")))
    except (DomainError, ValueError) as exc:
        raise click.ClickException(_describe(exc)) from exc
    click.echo(f"created user {created.email} ({created.id})")


def _read_password() -> str:
    import os

    if os.environ.get("GRANTS_PASSWORD"):
        return os.environ["GRANTS_PASSWORD"]
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat: "):
        raise click.ClickException("the passwords differ")
    return first


def _describe(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):  # pydantic ValidationError
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors())
    details = [f"{e.field}: {e.reason}" for e in (errors or ())]
    return "; ".join([str(exc), *details])


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--days", type=int, default=None, help="Expire after this many days.")
def token_create(email: str, name: str, days: int | None) -> None:
    """Create a bearer token and print its secret (shown only now)."""
    from sqlalchemy import select

    from grants.accounts import schemas
    from grants.accounts.services import create_token
    from grants.common.actors import Actor
    from grants.db.models import User

    async def work(session: AsyncSession) -> str:
        found = await session.scalar(select(User).where(User.email == normalise(email)))
        if found is None:
            raise click.ClickException(f"no user {email}")
        _, secret = await create_token(
            session,
            found,
            schemas.TokenCreate(name=name, expires_in_days=days),
            actor=Actor(id=None, label="cli"),
        )
        return secret

    click.echo(_run_in_session(work))


@main.command()
@click.argument("call_code")
def assign(call_code: str) -> None:
    """Run the reviewer assignment of a call and print its report."""
    from sqlalchemy import select

    from grants.common.actors import Actor
    from grants.db.models import Call
    from grants.errors import DomainError
    from grants.reviews.assignment.engine import run
    from grants.reviews.assignment.report import format_report

    async def work(session: AsyncSession) -> str:
        call = await session.scalar(select(Call).where(Call.code == call_code))
        if call is None:
            raise click.ClickException(f"no call {call_code}")
        report = await run(session, call, actor=Actor(id=None, label="cli"))
        return format_report(report)

    try:
        click.echo(_run_in_session(work))
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc


@main.group()
def fx() -> None:
    """Exchange rates."""


@fx.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--email", required=True, help="The officer the rates are entered by.")
def fx_import(csv_file: Path, email: str) -> None:
    """Import rates from a CSV file (date,base,quote,rate,source): all rows or none."""
    from sqlalchemy import select

    from grants.common.actors import Actor
    from grants.db.models import User, UserRole
    from grants.errors import DomainError
    from grants.fx.csv_import import import_rates

    async def work(session: AsyncSession) -> int:
        user = await session.scalar(select(User).where(User.email == normalise(email)))
        if user is None:
            raise click.ClickException(f"no user {email}")
        # The API's rule (grants.security.policy.fx_rate_write_decision): officers enter rates.
        officer = await session.scalar(
            select(UserRole.id).where(UserRole.user_id == user.id, UserRole.role == "officer")
        )
        if officer is None:
            raise click.ClickException(f"{email} is not an officer; officers enter rates")
        actor = Actor(id=user.id, label=f"cli:{user.email}")
        result = await import_rates(session, text, actor=actor, entered_by=user.id)
        return result.rates_created

    try:
        text = csv_file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{csv_file} is not UTF-8") from exc
    try:
        created = _run_in_session(work)
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc
    click.echo(f"imported {created} rates from {csv_file}")


@main.group()
def mail() -> None:
    """Outgoing mail."""


@mail.command("send")
def mail_send() -> None:
    """Send the outbox's unsent mails over SMTP (nothing without SMTP_HOST)."""
    from grants.db.engine import create_engine
    from grants.mail import deliver_pending

    settings = get_settings()
    if settings.smtp_host is None:
        click.echo("no SMTP_HOST set: mails stay in the outbox")
        return

    async def run() -> str:
        engine = create_engine(settings.database_url)
        try:
            result = await deliver_pending(
                async_sessionmaker(engine, expire_on_commit=False), settings
            )
        finally:
            await engine.dispose()
        return f"{result.sent} sent, {result.failed} failed"

    click.echo(asyncio.run(run()))


@main.group()
def reports() -> None:
    """Progress reports."""


@reports.command("remind")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to remind as of (YYYY-MM-DD); today in UTC when omitted.",
)
def reports_remind(today: Any) -> None:
    """Queue reminder mails to both PIs for reports due within 14 days or late (once per report,
    kind and round) and print each one queued."""
    import datetime

    from grants.reports.reminders import describe, remind

    day = today.date() if today is not None else datetime.datetime.now(datetime.UTC).date()

    async def work(session: AsyncSession) -> list[str]:
        return [describe(r) for r in await remind(session, day)]

    lines = _run_in_session(work)
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} reminder(s) queued for {day.isoformat()}")


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first broken event."""
    from grants.audit.chain import verify

    result = _run_in_session(verify)
    if result.intact:
        click.echo(f"audit chain intact: {result.events} events")
        return
    click.echo(
        f"audit chain BROKEN at event {result.broken_seq}: {result.reason} "
        f"({result.events} events verified before it)"
    )
    sys.exit(1)


@audit.command("keygen")
def audit_keygen() -> None:
    """Generate the transparency log's Ed25519 key into AUDIT_LOG_KEY_FILE unless it exists."""
    from grants.audit import log_key

    settings = get_settings()
    path, created = log_key.generate(settings)
    click.echo(f"{'wrote' if created else 'kept'} the log key in {path}")
    click.echo(f"log verifier key: {log_key.verifier(settings)}")


@audit.command("log-key")
def audit_log_key() -> None:
    """Print the log's verifier key, which witnesses and auditors check checkpoints with."""
    from grants.audit import log_key

    click.echo(str(log_key.verifier(get_settings())))


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint of the transparency log at its current size and print it."""
    from grants.audit import log

    settings = get_settings()

    async def work(session: AsyncSession) -> str:
        row, _ = await log.sign_current(session, settings)
        return await log.published_note(session, row)

    click.echo(_run_in_session(work), nl=False)


@audit.command("witness-key")
@click.argument("agency_code")
@click.argument("vkey")
def audit_witness_key(agency_code: str, vkey: str) -> None:
    """Register AGENCY_CODE's witness public key VKEY (as `grants witness keygen` prints)."""
    from sqlalchemy import select

    from grants.audit import log
    from grants.common.actors import SYSTEM
    from grants.db.models import Agency
    from grants.errors import DomainError

    async def work(session: AsyncSession) -> str:
        agency = await session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.ClickException(f"no agency with the code {agency_code}")
        row = await log.register_witness_key(session, SYSTEM, agency.id, vkey)
        return row.vkey

    try:
        click.echo(f"{agency_code} witness key: {_run_in_session(work)}")
    except DomainError as error:
        raise click.ClickException(str(error.errors[0].reason if error.errors else error)) from None


@audit.command("verify-pack")
@click.argument("pack", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--trust",
    "trust_path",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Verifier keys, one per line: the log's and the agencies' witnesses'.",
)
def audit_verify_pack(pack: Path, trust_path: Path) -> None:
    """Verify an audit pack offline (no database): print each problem and exit 1, or a summary."""
    from transparency.pack_verify import read_trusted_keys, verify_pack

    try:
        keys = read_trusted_keys(trust_path.read_text())
    except (OSError, ValueError) as error:
        raise click.ClickException(
            f"cannot read the trusted keys in {trust_path}: {error}"
        ) from None
    if not pack.is_file():
        raise click.ClickException(f"{pack} is not a file")
    report = verify_pack(pack, keys)
    for problem in report.problems:
        click.echo(f"PROBLEM {problem}")
    if not report.ok:
        click.echo(f"audit pack NOT verified: {len(report.problems)} problem(s)")
        sys.exit(1)
    click.echo(report.summary())


@audit.command("trust-keys")
def audit_trust_keys() -> None:
    """Print the log's verifier key and every agency's registered witness key (a --trust file)."""
    from sqlalchemy import select

    from grants.audit import log_key
    from grants.db.models import WitnessKey

    async def work(session: AsyncSession) -> list[str]:
        return list(await session.scalars(select(WitnessKey.vkey).order_by(WitnessKey.name)))

    click.echo(str(log_key.verifier(get_settings())))
    for vkey in _run_in_session(work):
        click.echo(vkey)


@main.group(invoke_without_command=True)
@click.option("--url", help="The CoFund server, e.g. https://cofund.example.")
@click.option("--key", "key_path", type=click.Path(path_type=Path), help="The witness key file.")
@click.option("--state", "state_path", type=click.Path(path_type=Path), help="The state file.")
@click.option("--log-key", envvar="GRANTS_WITNESS_LOG_KEY", help="The log's verifier key.")
@click.option("--token", envvar="GRANTS_WITNESS_TOKEN", help="An agency officer's API token.")
@click.pass_context
def witness(
    ctx: click.Context,
    url: str | None,
    key_path: Path | None,
    state_path: Path | None,
    log_key: str | None,
    token: str | None,
) -> None:
    """Witness the audit log for your agency: cosign its latest checkpoint only when it is
    consistent with the one cosigned last; refuse (exit 3, state kept) otherwise."""
    if ctx.invoked_subcommand is not None:
        return
    if url is None or key_path is None or state_path is None or not log_key:
        raise click.UsageError("--url, --key, --state and --log-key are all needed")
    sys.exit(_witness(url, key_path, state_path, log_key, token))


def _witness(url: str, key_path: Path, state_path: Path, log_vkey: str, token: str | None) -> int:
    import httpx

    from grants.audit.witness import WitnessFailure, witness_once
    from transparency import NoteError, SignerKey, VerifierKey, WitnessRefusal

    try:
        witness_key = SignerKey.parse(key_path.read_text())
        log_key = VerifierKey.parse(log_vkey)
    except (OSError, NoteError) as error:
        raise click.ClickException(f"cannot read the keys: {error}") from None
    headers = {"Authorization": f"Bearer {token}"} if token else {}

    async def run() -> str:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
            cosigned = await witness_once(
                client, witness_key=witness_key, log_key=log_key, state_path=state_path
            )
        return f"cosigned {cosigned.checkpoint.origin} at size {cosigned.checkpoint.size}"

    try:
        click.echo(asyncio.run(run()))
    except WitnessRefusal as refusal:
        click.echo(f"REFUSED: {refusal} — the state in {state_path} is unchanged", err=True)
        return 3
    except WitnessFailure as failure:
        click.echo(f"witness failed: {failure}", err=True)
        return 1
    return 0


@witness.command("keygen")
@click.option("--name", required=True, help="The witness key's name, e.g. witness.jst.example.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The key file.")
def witness_keygen(name: str, out: Path) -> None:
    """Make the agency's witness key (cosignature/v1); print the public key to register."""
    from transparency import COSIGNATURE_V1, NoteError, SignerKey

    if out.exists():
        raise click.ClickException(f"{out} exists; a witness keeps its key")
    try:
        key = SignerKey.generate(name, COSIGNATURE_V1)
    except NoteError as error:
        raise click.ClickException(f"bad key name: {error}") from None
    out.touch(mode=0o600)
    out.write_text(key.export() + "\n")
    click.echo(str(key.verifier()))


class _DatasetByDefault(click.Group):
    """`grants export <dataset> …` runs the `dataset` command; a named subcommand (such as
    `audit-pack`) runs as itself."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["dataset", *args]
        return super().resolve_command(ctx, args)


@main.group(cls=_DatasetByDefault)
def export() -> None:
    """Export records for auditors: `grants export <dataset> [options]` (see `export dataset
    --help`); the operator exports as an auditor, and every export is an audit event."""


_DAY = click.DateTime(formats=["%Y-%m-%d"])


@export.command("audit-pack")
@click.option("--call", "call_code", help="Only this call's records (its code).")
@click.option("--with-documents", is_flag=True, help="Include every document's bytes.")
@click.option(
    "--since-checkpoint",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="An earlier signed checkpoint: the pack proves the log only grew since.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
def export_audit_pack(
    call_code: str | None, with_documents: bool, since_checkpoint: Path | None, output: Path
) -> None:
    """Write an audit pack (zip) that `grants audit verify-pack` checks offline."""
    from grants.auditpack.builder import DocumentMismatch, build_to_file
    from grants.common.actors import Actor
    from grants.db.engine import create_engine
    from grants.document_store import build_document_store
    from grants.errors import DomainError
    from grants.security.policy.audit_pack import PackScope

    settings = get_settings()
    since = since_checkpoint.read_text() if since_checkpoint else None
    actor = Actor(id=None, label=f"cli:{getpass.getuser()}")

    async def run() -> Any:
        engine = create_engine(settings.database_url)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        try:
            with output.open("wb") as sink:
                return await build_to_file(
                    sessions,
                    settings,
                    build_document_store(settings),
                    actor=actor,
                    scope=PackScope(full_events=True),
                    call_code=call_code,
                    with_documents=with_documents,
                    since_checkpoint=since,
                    sink=sink,
                )
        finally:
            await engine.dispose()

    try:
        built = asyncio.run(run())
    except (DomainError, DocumentMismatch) as error:
        output.unlink(missing_ok=True)
        reasons = getattr(error, "errors", None)
        raise click.ClickException(str(reasons[0].reason if reasons else error)) from None
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    click.echo(
        f"wrote {output}: {built.files} files, {built.events} events "
        f"(checkpoint size {built.size}), manifest sha256 {built.sha256}"
    )


@export.command("dataset")
@click.argument("name")
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx", "jsonl"]), default="csv")
@click.option("--call", "call_code", help="Only this call (its code).")
@click.option("--agency", "agency_code", help="Only this agency's side (its code).")
@click.option("--since", type=_DAY, help="From this day (YYYY-MM-DD, included).")
@click.option("--until", type=_DAY, help="Up to this day (YYYY-MM-DD, included).")
@click.option("--excel", is_flag=True, help="Start a CSV with the UTF-8 BOM Excel needs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_dataset(
    name: str,
    file_format: str,
    call_code: str | None,
    agency_code: str | None,
    since: Any,
    until: Any,
    excel: bool,
    output: Path | None,
) -> None:
    """Write dataset NAME (`grants export dataset list` names them; `all` with --format xlsx
    is every dataset) to FILE or standard output."""
    from grants.errors import DomainError
    from grants.exports.filters import Filters

    filters = Filters(
        call=call_code,
        agency=agency_code,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    if name == "list":
        from grants.exports.datasets import DATASETS

        for dataset in DATASETS.values():
            click.echo(f"{dataset.name:<18} {dataset.description}")
        return
    try:
        asyncio.run(_export(name, file_format, filters, excel=excel, output=output))
    except DomainError as exc:
        raise click.ClickException(_describe(exc)) from exc


async def _export(
    name: str, file_format: str, filters: Any, *, excel: bool, output: Path | None
) -> None:
    from grants.common.actors import Actor
    from grants.db.engine import create_engine
    from grants.exports import stream
    from grants.exports.services import own_session, record_export
    from grants.security.policy import SYSTEM_SCOPE

    engine = create_engine(get_settings().database_url)
    try:
        async with own_session(engine) as session:
            if name == "all" and file_format == "xlsx":
                exports = await stream.prepare_all(session, filters, SYSTEM_SCOPE)
            else:
                exports = [await stream.prepare(session, name, filters, SYSTEM_SCOPE)]
        await record_export(
            engine,
            Actor(id=None, label="cli"),
            dataset=name,
            file_format=file_format,
            filters=filters,
            identities=True,
        )
        async with own_session(engine) as session:
            sink: BinaryIO = sys.stdout.buffer
            if output is not None:
                sink = output.open("wb")
            try:
                async for chunk in stream.chunks(session, exports, file_format, excel=excel):
                    sink.write(chunk)
            finally:
                if output:
                    sink.close()
    finally:
        await engine.dispose()


@main.group()
def workflows() -> None:
    """The state machines."""


@workflows.command("diagram")
@click.option("--output", type=click.Path(path_type=Path), default=DIAGRAM_PATH, show_default=True)
@click.option(
    "--check", is_flag=True, help="Exit 1 if the file differs from what would be written."
)
def workflows_diagram(output: Path, check: bool) -> None:
    """Write Mermaid diagrams of every machine."""
    from workflows import ALL_MACHINES
    from workflows.diagram import render_markdown

    text = render_markdown(ALL_MACHINES)
    if check:
        current = output.read_text() if output.exists() else ""
        if current != text:
            raise click.ClickException(f"{output} is stale; run `grants workflows diagram`")
        click.echo(f"{output} is current")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    click.echo(f"wrote {output}")


@main.group()
def sessions() -> None:
    """Web sessions and sign-in records."""


@sessions.command("purge")
def sessions_purge() -> None:
    """Delete expired or revoked web sessions, and failed sign-ins older than
    LOGIN_ATTEMPTS_KEPT_SECONDS."""
    from grants.accounts.purge import purge

    settings = get_settings()
    purged = _run_in_session(lambda s: purge(s, settings), settings)
    click.echo(f"purged {purged.sessions} session(s) and {purged.login_attempts} failed sign-in(s)")


# --- operations: backup and restore (grants/backup), the background worker (grants/worker) -

_PG_BIN = click.option(
    "--pg-bin",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A directory with pg_dump/pg_restore to prefer (PostgreSQL only).",
)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_PG_BIN
def backup(output: Path, pg_bin: Path | None) -> None:
    """Back up the database and the documents' manifest into one file (a tar)."""
    from grants.backup import BackupError, create_backup

    try:
        made = asyncio.run(create_backup(get_settings(), output, pg_bin=pg_bin))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    how = (
        "SQLite online backup"
        if made.kind == "sqlite"
        else (f"PostgreSQL {made.server_version}, {made.tool}, custom format")
    )
    click.echo(
        f"wrote {made.path} ({made.size} bytes): {how}, revision {made.revision}, "
        f"{made.log.events} audit events, tree root {made.log.tree_root}, "
        f"{made.documents} stored objects in the manifest"
    )


@main.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has tables.")
@click.option(
    "--no-hashes", is_flag=True, help="Check that each object exists, without reading it."
)
@_PG_BIN
def restore(backup_file: Path, force: bool, no_hashes: bool, pg_bin: Path | None) -> None:
    """Restore a backup into DATABASE_URL (stop the servers first), then verify the audit chain
    and the tree and check every object of the manifest in the document store; exit 1 on any
    difference."""
    from grants.backup import BackupError, restore_backup
    from grants.document_store import build_document_store

    settings = get_settings()
    try:
        report = asyncio.run(
            restore_backup(
                settings,
                backup_file,
                build_document_store(settings),
                force=force,
                check_hashes=not no_hashes,
                pg_bin=pg_bin,
            )
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    via = f" with {report.tool}" if report.tool else ""
    click.echo(
        f"restored {report.target}{via} from {backup_file} (made {report.created_at}, "
        f"revision {report.revision})"
    )
    if report.chain.intact:
        click.echo(f"audit chain intact: {report.chain.events} events")
    else:
        click.echo(f"audit chain BROKEN at event {report.chain.broken_seq}: {report.chain.reason}")
    before, after = report.log_before, report.log_after
    if report.log_as_backed_up:
        click.echo(
            f"audit log as backed up: {after.events} events, tree of {after.tree_size} with "
            f"root {after.tree_root}, last checkpoint {after.checkpoint_size}"
        )
    else:
        click.echo(f"audit log DIFFERS from the backup: backed up {before}, restored {after}")
    store = report.store
    what = "exists" if no_hashes else "matches its size and SHA-256"
    if store.ok:
        click.echo(f"documents: every one of {store.checked} stored objects {what}")
    else:
        click.echo(
            f"documents: {len(store.missing)} missing and {len(store.mismatched)} mismatched "
            f"of {store.checked} stored objects"
        )
        for entry in store.missing:
            click.echo(f"  missing {entry.table} {entry.id}: {entry.storage_key}")
        for entry, size, sha256 in store.mismatched:
            click.echo(
                f"  mismatched {entry.table} {entry.id}: {entry.storage_key} is {size} bytes, "
                f"SHA-256 {sha256}; the backup recorded {entry.size} bytes, {entry.sha256}"
            )
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("--once", is_flag=True, help="Run every task once and exit (cron).")
@click.option(
    "--task",
    "tasks",
    type=click.Choice(["mail", "reminders"]),
    multiple=True,
    help="Only these tasks (repeatable; all by default).",
)
@click.option(
    "--mail-every",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between outbox runs.",
)
def worker(once: bool, tasks: tuple[str, ...], mail_every: float) -> None:
    """Run the background work (mail from the outbox, report reminders) until stopped; several
    workers may run at once. Exit 1 after --once if a task failed."""
    import signal

    from grants.db.engine import create_engine
    from grants.worker import Worker

    settings = get_settings()

    async def run() -> bool:
        engine = create_engine(settings.database_url)
        try:
            work = Worker(
                async_sessionmaker(engine, expire_on_commit=False),
                settings,
                tasks=list(tasks) or None,
                intervals={"mail": mail_every},
            )
            if once:
                done = await work.run_due()
                for name, outcome in done:
                    click.echo(f"{name}: {outcome.summary}")
                return not any(outcome.failed for _, outcome in done)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            click.echo(f"worker running: {', '.join(t.name for t in work.tasks)}")
            await work.run_forever(stop)
            return True
        finally:
            await engine.dispose()

    if not asyncio.run(run()):
        sys.exit(1)


# --- end of operations ------------------------------------------------------------------------
@main.group()
def storage() -> None:
    """The document store."""


@storage.command("gc")
@click.option(
    "--grace",
    "grace_hours",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    help="Keep objects younger than this many hours (an upload in progress is one).",
)
@click.option("--delete", is_flag=True, help="Remove the orphans (audited); without it, list.")
def storage_gc(grace_hours: float, delete: bool) -> None:
    """List (and with --delete remove) stored objects no document, agreement or export points
    to, older than the grace period: what a crash left behind."""
    import datetime

    from grants.db.engine import create_engine
    from grants.document_store import build_document_store
    from grants.storage_gc import collect
    from storage.errors import StorageError

    settings = get_settings()

    async def run() -> Any:
        engine = create_engine(settings.database_url)
        try:
            return await collect(
                async_sessionmaker(engine, expire_on_commit=False),
                build_document_store(settings),
                grace=datetime.timedelta(hours=grace_hours),
                delete=delete,
            )
        finally:
            await engine.dispose()

    try:
        found = asyncio.run(run())
    except StorageError as exc:
        raise click.ClickException(f"the document store failed: {exc}") from exc
    for item in found.orphans:
        click.echo(f"{item.kind}\t{item.key}\t{item.size}\t{item.modified.isoformat()}")
    size = sum(item.size for item in found.orphans)
    verb = f"removed {len(found.removed)}" if delete else "listed only (add --delete to remove)"
    click.echo(f"{len(found.orphans)} orphan(s) of {found.stored} stored, {size} bytes; {verb}")


main.add_command(open_data)
