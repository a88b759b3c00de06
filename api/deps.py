"""Annotated dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import structlog
from fastapi import Depends, Header, HTTPException, Request
from sqlmodel import Session
from temporalio.client import Client

from core.settings import Settings
from models.enums import Role
from models.payloads import Actor
from models.tables import Case


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    # Loaded objects stay readable after commit/close, so routes can give the connection back
    # to the pool before awaiting Temporal (a sync checkout would block the event loop).
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


def get_temporal(request: Request) -> Client:
    return request.app.state.temporal  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


async def get_case(case_id: str, session: SessionDep) -> Case:
    # async so the bound case_id reaches the route's context (sync deps run in a thread copy)
    structlog.contextvars.bind_contextvars(case_id=case_id)
    case = session.get(Case, case_id)
    session.close()  # the routes await Temporal next: hold no connection meanwhile
    if case is None:
        raise HTTPException(status_code=404, detail=f"case {case_id} not found")
    return case


CaseDep = Annotated[Case, Depends(get_case)]


def get_current_actor(
    x_actor_id: Annotated[str | None, Header(max_length=100)] = None,
    x_actor_role: Annotated[str | None, Header(max_length=40)] = None,
) -> Actor:
    """TEMPORARY stand-in for authentication: the acting user from ``X-Actor-Id`` and
    ``X-Actor-Role`` headers, trusted as sent. The security issue replaces this dependency
    with real users, roles and tokens; routes keep using ``CurrentActor`` unchanged.
    Four-eyes and role rules are enforced by the workflow's validators, not here.
    401 when a header is missing, 422 when the role is unknown.
    """
    if not x_actor_id or not x_actor_role:
        raise HTTPException(
            status_code=401,
            detail="who is acting is unknown: send the X-Actor-Id and X-Actor-Role headers",
            headers={"WWW-Authenticate": "X-Actor"},
        )
    try:
        role = Role(x_actor_role)
    except ValueError:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["header", "x-actor-role"],
                    "msg": f"unknown role; one of: {', '.join(r.value for r in Role)}",
                    "type": "enum",
                }
            ],
        ) from None
    return Actor(id=x_actor_id, role=role)


CurrentActor = Annotated[Actor, Depends(get_current_actor)]


def get_optional_actor(
    x_actor_id: Annotated[str | None, Header(max_length=100)] = None,
    x_actor_role: Annotated[str | None, Header(max_length=40)] = None,
) -> Actor | None:
    """Like CurrentActor, but None without headers (intake endpoints predate the headers)."""
    if not x_actor_id and not x_actor_role:
        return None
    return get_current_actor(x_actor_id, x_actor_role)


OptionalActor = Annotated[Actor | None, Depends(get_optional_actor)]
