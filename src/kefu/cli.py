"""The ``kefu`` command: serve, demo, migrate and user management."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from kefu.app import create_app
from kefu.bootstrap import open_context
from kefu.bot import kb_files, knowledge
from kefu.config import Settings
from kefu.demo import DEMO_LOGINS, connect_demo_system, seed_demo
from kefu.demo_system.app import create_demo_system
from kefu.demo_system.server import DemoSystemStartError, serve_beside
from kefu.errors import KefuError
from kefu.routing.groups import ensure_group
from kefu.security import auth

app = typer.Typer(help="kefu (客服): self-hosted online customer service.", no_args_is_help=True)
user_app = typer.Typer(help="Manage console users (admins, supervisors, agents).", no_args_is_help=True)
app.add_typer(user_app, name="user")
kb_app = typer.Typer(help="Import and export the knowledge base (CSV, Excel .xlsx, JSONL).", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
flow_app = typer.Typer(help="Check and import guided flows (YAML or JSON files).", no_args_is_help=True)
app.add_typer(flow_app, name="flow")

HostOpt = Annotated[str | None, typer.Option("--host", help="Address to listen on [default: 127.0.0.1].")]
PortOpt = Annotated[int | None, typer.Option("--port", help="Port to listen on [default: 8000].")]
DataOpt = Annotated[Path | None, typer.Option("--data-dir", help="Data folder [default: ./kefu-data].")]


def _settings(host: str | None = None, port: int | None = None, data_dir: Path | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return Settings(**overrides)  # type: ignore[arg-type]


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "ws_max_size": settings.max_ws_frame_bytes * 2,
        # Chat frames are a few hundred bytes: compressing them costs more CPU and per-socket memory
        # (zlib state) than it saves (docs/performance.md). KEFU_WS_PER_MESSAGE_DEFLATE=true turns it on.
        "ws_per_message_deflate": settings.ws_per_message_deflate,
    }


def _run(settings: Settings) -> None:
    uvicorn.run(create_app(settings), **_uvicorn_options(settings))


def _run_with_demo_system(settings: Settings) -> None:
    """kefu and, on the next port, the demo company's business system: one process, one event loop."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), **_uvicorn_options(settings)))
    demo_system = create_demo_system(settings.data_dir, settings.demo_system_secret)

    async def both() -> None:
        async with serve_beside(demo_system, settings.host, settings.port + 1, log_level=settings.log_level):
            await server.serve()

    try:
        asyncio.run(both())
    except KeyboardInterrupt:
        pass
    except DemoSystemStartError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if not server.started:
        raise typer.Exit(1)


def _base_url(settings: Settings) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{_local_host(settings)}:{settings.port}"


def _local_host(settings: Settings) -> str:
    return "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # noqa: S104


def demo_system_url(settings: Settings) -> str:
    """Where ``kefu demo`` serves the demo company's business system: kefu's port + 1."""
    return f"http://{_local_host(settings)}:{settings.port + 1}"


@app.command()
def serve(host: HostOpt = None, port: PortOpt = None, data_dir: DataOpt = None) -> None:
    """Run kefu (migrates the database first)."""
    settings = _settings(host, port, data_dir)
    typer.echo(f"kefu: data in {settings.data_dir}; console at {_base_url(settings)}/console")
    _run(settings)


@app.command()
def demo(host: HostOpt = None, port: PortOpt = None, data_dir: DataOpt = None) -> None:
    """Load the demo organisation (once) and run kefu with the demo company's business system on the next
    port, printing their URLs and logins."""
    settings = _settings(host, port, data_dir)
    # Customers' SMS notifications go to the demo system's outbox unless a provider was chosen.
    if "sms_provider" not in settings.model_fields_set:
        settings.sms_provider = "demo"
    if not settings.sms_demo_url:
        settings.sms_demo_url = demo_system_url(settings)

    async def prepare() -> bool:
        async with open_context(settings) as ctx:
            created = await seed_demo(ctx)
            await connect_demo_system(ctx, demo_system_url(settings), settings.demo_system_secret)
            return created

    created = asyncio.run(prepare())
    base = _base_url(settings)
    typer.echo("")
    typer.echo("kefu demo " + ("created" if created else "already set up") + f" in {settings.data_dir}")
    typer.echo(f"  customer chat (demo site with the widget): {base}/chat")
    typer.echo(f"  agent console:                             {base}/console")
    typer.echo(f"  API documentation (OpenAPI):                {base}/docs")
    typer.echo("  logins:")
    for login in DEMO_LOGINS:
        groups = ", ".join(login.groups) or "all groups"
        who = f"{login.display_name}, {groups}"
        typer.echo(f"    {login.role:<10} {login.username:<8} / {login.password:<16} ({who})")
    demo_system = demo_system_url(settings)
    typer.echo(f"  demo business system (the company's data): {demo_system}/")
    typer.echo(f"  its SMS and e-mail outbox (codes, links):  {demo_system}/outbox")
    typer.echo("")
    _run_with_demo_system(settings)


@app.command()
def migrate(data_dir: DataOpt = None) -> None:
    """Bring the database schema up to date."""
    settings = _settings(data_dir=data_dir)

    async def run() -> None:
        async with open_context(settings):
            pass

    asyncio.run(run())
    typer.echo("database is up to date")


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="admin, supervisor or agent")] = "agent",
    name: Annotated[str, typer.Option(help="Display name shown to customers")] = "",
    group: Annotated[list[str] | None, typer.Option(help="Skill group, created if new (repeatable)")] = None,
    password: Annotated[str | None, typer.Option(help="Prompted for when omitted")] = None,
    data_dir: DataOpt = None,
) -> None:
    """Create a console user."""
    secret = password if password is not None else getpass.getpass("password: ")
    settings = _settings(data_dir=data_dir)

    async def run() -> None:
        async with open_context(settings) as ctx:
            for group_name in group or ():
                await ensure_group(ctx, group_name)  # New skill groups are created on first mention.
            await auth.add_user(ctx, username, secret, role=role, display_name=name, groups=tuple(group or ()))

    try:
        asyncio.run(run())
    except KefuError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"user {username} added ({role})")


@kb_app.command("import")
def kb_import(
    file: Annotated[Path, typer.Argument(help="A .csv, .xlsx or .jsonl file")],
    data_dir: DataOpt = None,
) -> None:
    """Import entries: all rows land or, with the bad line named, none does."""
    settings = _settings(data_dir=data_dir)

    async def run() -> knowledge.ImportResult:
        rows = kb_files.read_entries(file)
        async with open_context(settings) as ctx:
            with typer.progressbar(length=len(rows), label="importing") as bar:
                return await knowledge.import_rows(ctx, rows, progress=bar.update)

    try:
        result = asyncio.run(run())
    except KefuError as exc:
        typer.echo(f"error: {exc.message} (nothing was imported)", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"imported {result.created} new and {result.updated} updated entries")


@flow_app.command("check")
def flow_check(files: Annotated[list[Path], typer.Argument(help="Flow files (.yaml, .yml, .json)")]) -> None:
    """Check flow files: every problem with its line and field; exit 2 if any file has one."""
    from kefu.flows.source import FlowFileError, parse  # noqa: PLC0415

    failed = False
    for file in files:
        try:
            flow = parse(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            typer.echo(f"{file}: cannot read: {exc}", err=True)
            failed = True
        except FlowFileError as exc:
            failed = True
            for problem in exc.problems:
                typer.echo(f"{file}:{problem.line or 0}: {problem.field or '(top)'}: {problem.message}", err=True)
        else:
            typer.echo(f"{file}: ok ({flow.key}, {len(flow.steps)} steps)")
    if failed:
        raise typer.Exit(2)


@flow_app.command("import")
def flow_import(
    files: Annotated[list[Path], typer.Argument(help="Flow files (.yaml, .yml, .json)")],
    publish: Annotated[bool, typer.Option(help="Publish at once (else each becomes a draft)")] = False,
    data_dir: DataOpt = None,
) -> None:
    """Store flow files as new versions (all or none: every file is checked first)."""
    from kefu.flows import versions  # noqa: PLC0415

    settings = _settings(data_dir=data_dir)
    sources = [file.read_text(encoding="utf-8") for file in files]
    try:
        for source in sources:
            versions.check_source(source)
    except KefuError as exc:
        typer.echo(f"error: {exc.message} (nothing was imported)", err=True)
        raise typer.Exit(2) from None

    async def run() -> list[str]:
        done = []
        async with open_context(settings) as ctx:
            for source in sources:
                view = await (versions.install(ctx, source) if publish else versions.save_draft(ctx, source))
                done.append(f"{view.key} v{view.version} ({view.status})")
        return done

    for line in asyncio.run(run()):
        typer.echo(f"imported {line}")


@kb_app.command("export")
def kb_export(
    file: Annotated[Path, typer.Argument(help="Where to write: .csv, .xlsx or .jsonl")],
    data_dir: DataOpt = None,
) -> None:
    """Export every entry."""
    settings = _settings(data_dir=data_dir)

    async def run() -> int:
        async with open_context(settings) as ctx:
            total = await knowledge.entry_count(ctx)
            with typer.progressbar(length=total, label="exporting") as bar:
                return await knowledge.export_file(ctx, file, progress=bar.update)

    try:
        count = asyncio.run(run())
    except KefuError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"exported {count} entries to {file}")


@app.command("eval")
def eval_command(
    kb: Annotated[Path, typer.Option("--kb", help="Knowledge base: JSONL lines {id, answer, questions[]}")],
    queries: Annotated[Path, typer.Option("--queries", help="Queries: JSONL lines {query, expected[ids]}")],
    limit: Annotated[int | None, typer.Option(help="Only the first N queries")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object")] = False,
    embeddings: Annotated[
        bool | None,
        typer.Option(help="Fuse dense embeddings when installed [default: KEFU_BOT_EMBEDDINGS, as the live bot]"),
    ] = None,
    flows: Annotated[
        Path | None, typer.Option("--flows", help="A folder of flow files whose triggers the live bot has")
    ] = None,
) -> None:
    """Put every query to the live bot (thresholds and triggers from KEFU_BOT_*): P@1, MRR@10, Recall@5,
    decisions and latency."""
    from kefu.bot import evaluation  # noqa: PLC0415  (numpy-heavy; only this command needs it)
    from kefu.bot.embeddings import load_embedder  # noqa: PLC0415

    settings = _settings()
    embedder = load_embedder() if (settings.bot_embeddings if embeddings is None else embeddings) else None
    typer.echo(f"dense embeddings: {'on' if embedder else 'off'}", err=True)

    with typer.progressbar(length=1, label="asking", file=sys.stderr) as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - state["done"])
            state["done"] = done

        try:
            report = evaluation.evaluate(
                kb, queries, settings=settings, limit=limit, progress=progress, embedder=embedder, flows_dir=flows
            )
        except (OSError, ValueError, KefuError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    figures = report.as_dict()
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False))
        return
    typer.echo(f"entries {report.entries}, queries {report.queries}, index build {report.build_seconds:.1f}s")
    typer.echo(f"P@1 {report.p_at_1:.3f}   MRR@10 {report.mrr_at_10:.3f}   Recall@5 {report.recall_at_5:.3f}")
    typer.echo(
        f"answer {report.answer_share:.1%} (precision {report.answer_precision:.1%})   "
        f"clarify {report.clarify_share:.1%}   decline {report.decline_share:.1%}   "
        f"hand-over {report.handover_share:.1%}   small talk {report.smalltalk_share:.1%}"
    )
    typer.echo(f"handed over to a person (any reason): {report.handed_over_share:.1%}")
    typer.echo(f"latency per turn: p50 {report.latency_p50_ms:.2f} ms   p99 {report.latency_p99_ms:.2f} ms")
