"""Annotated dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import structlog
from fastapi import Depends, HTTPException, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

from api.auth import current_actor
from api.need_to_know import may_see
from core.db import Row
from core.settings import Settings
from models.enums import Role
from models.payloads import Actor
from models.tables import Case


# Dependencies that only read app.state are async: a sync one costs a thread-pool hop.
async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    # Loaded objects stay readable after commit/close, so routes can give the connection back
    # to the pool before awaiting Temporal (a sync checkout would block the event loop).
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


async def get_temporal(request: Request) -> Client:
    return request.app.state.temporal  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


def found(session: Session, model: type[Row], key: str | int, what: str) -> Row:
    """The row of `model` with this primary key, or 404 "<what> <key> not found"."""
    row = session.get(model, key)
    if row is None:
        raise HTTPException(status_code=404, detail=f"{what} {key} not found")
    return row


def _load_case(engine: Engine, case_id: str, actor: Actor) -> Case | None:
    with Session(engine, expire_on_commit=False) as session:
        case = session.get(Case, case_id)
        # Need to know: a restricted case this user may not see does not exist for them.
        if case is not None and not may_see(session, case, actor):
            return None
        return case


async def get_case(
    case_id: str, request: Request, actor: Annotated[Actor, Depends(current_actor)]
) -> Case:
    # async so the bound case_id reaches the route's context (sync deps run in a thread copy);
    # the read itself runs in the thread pool, off the event loop that serves every request,
    # with its own short session: the routes await Temporal next and hold no connection.
    structlog.contextvars.bind_contextvars(case_id=case_id)
    case = await run_in_threadpool(_load_case, request.app.state.engine, case_id, actor)
    if case is None:
        raise HTTPException(status_code=404, detail=f"case {case_id} not found")
    return case


CaseDep = Annotated[Case, Depends(get_case)]


# The acting user comes from the bearer token (api/auth.py); roles and four eyes are enforced
# again by the workflow's validators, so no path around the API can skip them.
CurrentActor = Annotated[Actor, Depends(current_actor)]



async def get_partner_case(case: CaseDep, actor: CurrentActor) -> Case:
    """The case, if the acting user may see it (CaseDep: need to know), a partner only the
    cases handed over to its organisation (any other is "not found", not "forbidden", so a
    partner cannot probe which cases exist)."""
    if actor.role == Role.PARTNER and (
        case.partner_id is None or case.partner_id != actor.organisation
    ):
        raise HTTPException(status_code=404, detail=f"case {case.id} not found")
    return case


PartnerCaseDep = Annotated[Case, Depends(get_partner_case)]
