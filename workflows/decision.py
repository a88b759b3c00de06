"""A caseworker decision, declared once: every layer derives its part from this value.

The API route (path, body, dependency, answer), its rule in the access policy, the role
check in the workflow update's validator, the web form that offers it and the OpenAPI entry
all read one ``Decision`` (declared in ``workflows/phases/``). The workflow's update is made from the
declaration and the body beside it in ``workflows/updates.py``; its name and payload never
change, so recorded histories replay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from models.enums import Role, TaskKind
from models.payloads import Actor, CaseState
from workflows import rules

Check = Callable[[CaseState, Any, date], None]
Probe = Callable[[CaseState, Actor, date, "Offer"], BaseModel]


@dataclass(frozen=True)
class Field:
    """One form field; ``kind`` is date, text, textarea, checkbox, select, hidden,
    caseworker (a choice among the active caseworkers, the page supplies them), or receipt
    (a choice among the case's payment receipts of the grant's payment, or a file to upload;
    the page supplies them)."""

    name: str
    label: str
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True
    default: Callable[[CaseState, date], str] | None = None
    blank: str | None = None  # a select's empty first choice: nothing chosen for the user


@dataclass(frozen=True)
class Offer:
    """One form of a decision on this case: fixed (hidden) values and a title suffix."""

    fixed: dict[str, str] = field(default_factory=dict)
    suffix: str = ""
    hidden_fields: frozenset[str] = frozenset()


def _one_offer(state: CaseState) -> list[Offer]:
    return [Offer()]


def _same_day(state: CaseState, today: date) -> date:
    return today


def _no_fields(state: CaseState) -> tuple[Field, ...]:
    return ()


@dataclass(frozen=True)
class Form:
    """How the web interface offers a decision. Its probe is the most permissive input the
    form could send (``sample`` values, or ``probe`` where they depend on the case): the form
    is shown when the decision's validation accepts it."""

    key: str
    title: str
    probe: Probe | None = None
    fields: tuple[Field, ...] = ()
    sample: dict[str, Any] = field(default_factory=dict)
    offers: Callable[[CaseState], list[Offer]] = _one_offer
    button: str = "Record"
    # The day the probe is run as (the workflow's clock may run ahead of this server's).
    probe_day: Callable[[CaseState, date], date] = _same_day
    # Fields that depend on the case (e.g. the policy's monitoring indicators).
    more_fields: Callable[[CaseState], tuple[Field, ...]] = _no_fields
    # The API body from the form's flat values, where fields repeat (plan components).
    parse: Callable[[dict[str, str]], dict[str, Any]] | None = None


@dataclass(frozen=True)
class Decision:
    """One decision on a case. ``update`` names the workflow update it runs (never renamed:
    histories replay); ``roles`` may take it, checked by the route and by the validator."""

    update: str
    path: str  # the POST route, e.g. "/cases/{case_id}/consent"
    roles: frozenset[Role]
    action: str  # "record consent": refusals and the OpenAPI summary name it
    input: type[BaseModel]  # the workflow update's payload: the body plus the acting user
    check: Check  # pure: (state, input, today), raises a refusal
    body: type[BaseModel] | None = None  # the API body (None: the route takes no body)
    doc: str = ""
    answers: tuple[TaskKind, ...] = ()  # the open tasks this decision takes
    form: Form | None = None
    # Builds the update's input from the acting user and the body's fields.
    make_input: Callable[[Actor, dict[str, Any]], BaseModel] | None = None

    @property
    def partner_scoped(self) -> bool:
        """Partners may take it only on cases handed over to their organisation, and its
        route answers with the partner-safe view of the case."""
        return Role.PARTNER in self.roles

    def to_input(self, actor: Actor, body: dict[str, Any]) -> BaseModel:
        if self.make_input is not None:
            return self.make_input(actor, body)
        return self.input(actor=actor, **body)

    def probe(self, state: CaseState, actor: Actor, today: date, offer: Offer) -> BaseModel:
        """The input the web form is probed with (see ``Form``)."""
        assert self.form is not None
        if self.form.probe is not None:
            return self.form.probe(state, actor, today, offer)
        return self.input(actor=actor, **self.form.sample)

    def validate(self, state: CaseState, data: Any, today: date) -> None:
        """The update's validator: the declared roles, then the decision's own check."""
        actor: Actor | None = getattr(data, "actor", None)
        if actor is not None:
            rules.require_role(actor, [r for r in Role if r in self.roles], self.action)
        self.check(state, data, today)
