"""The case workflow's updates, made from a table (``workflows/updates.py``) instead of a
hand-written method and validator per decision.

Each row names the update, its payload's type, its rule (a decision's declaration in
``workflows/phases``, or a check of the facts the API's people service sends) and the body
that applies it. From a row this module makes what Temporal reads from a workflow class: a
``@workflow.update`` method with its validator, under the update's name and with its payload
type, exactly as the hand-written methods had them, so recorded histories replay.

A body that is a coroutine calls activities: its update runs alone, under the case's lock,
and checks its rule again inside, since another decision may have won while it waited.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from temporalio import workflow

from models.payloads import CaseState
from workflows.decision import Decision
from workflows.run import CaseRun

Rule = Callable[[CaseState, Any, date], None]
Body = Callable[[CaseRun, Any], CaseState | Awaitable[CaseState]]


@dataclass(frozen=True)
class Update:
    name: str  # never renamed: histories and callers know the update by it
    input: type[BaseModel]
    rule: Rule
    body: Body

    @classmethod
    def of(cls, decision: Decision, body: Body) -> Update:
        return cls(decision.update, decision.input, decision.validate, body)

    @property
    def calls_activities(self) -> bool:
        return inspect.iscoroutinefunction(self.body)


class CaseUpdates:
    """What every update shares: the running case and the lock."""

    def __init__(self, case: CaseRun) -> None:
        self._case = case
        # Handlers that call activities run one at a time and re-check their rule inside.
        self._lock = asyncio.Lock()

    def _check(self, update: Update, data: Any) -> None:
        update.rule(self._case.state, data, self._case.today())


def _method(update: Update) -> Any:
    locked = update.calls_activities  # once, when the class is made, not on every update

    async def handler(self: CaseUpdates, data: Any) -> CaseState:
        if not locked:
            return update.body(self._case, data)  # type: ignore[return-value]
        async with self._lock:
            self._check(update, data)  # again: another decision may have won
            return await update.body(self._case, data)  # type: ignore[misc]

    def validator(self: CaseUpdates, data: Any) -> None:
        self._check(update, data)

    for fn, answer in ((handler, CaseState), (validator, None)):
        fn.__name__ = fn.__qualname__ = update.name
        # Temporal reads the payload's and the answer's types from the annotations.
        fn.__annotations__ = {"data": update.input, "return": answer}
    method = workflow.update(name=update.name)(handler)
    method.validator(validator)
    return method


def updates_class(name: str, updates: Iterable[Update]) -> type[CaseUpdates]:
    """A base class for the workflow holding one update method per row, named as the update
    (``ReturnCaseWorkflow.add_traveller`` is a method callers can send, as before)."""
    methods = {u.name: _method(u) for u in updates}
    return type(name, (CaseUpdates,), methods)
