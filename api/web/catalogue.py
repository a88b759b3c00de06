"""Every decision the web interface offers, and which of them are valid now.

The forms come from the decisions' declarations (workflows/phases): a form is offered when
the user's role may take the decision and its validation, probed with the most permissive
input the form could send, raises no refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from temporalio.exceptions import ApplicationError

from models.payloads import Actor, CaseState
from workflows.decision import Decision, Field, Form, Offer
from workflows.phases import DECISIONS

ACTIONS: tuple[Decision, ...] = tuple(d for d in DECISIONS if d.form is not None)
BY_KEY: dict[str, Decision] = {d.form.key: d for d in ACTIONS if d.form is not None}


@dataclass
class Available:
    decision: Decision
    offer: Offer
    fields: tuple[Field, ...]

    @property
    def action(self) -> Form:
        assert self.decision.form is not None
        return self.decision.form


def available(state: CaseState, actor: Actor, today: date) -> list[Available]:
    """The action forms valid now for this user on this case."""
    out = []
    for decision in ACTIONS:
        form = decision.form
        if form is None or actor.role not in decision.roles:
            continue
        for offer in form.offers(state):
            try:
                decision.validate(
                    state, decision.probe(state, actor, today, offer), form.probe_day(state, today)
                )
            except ApplicationError:
                continue
            out.append(Available(decision, offer, form.fields + form.more_fields(state)))
    return out


def parse_form(decision: Decision, values: dict[str, str]) -> dict[str, Any]:
    """The form's values as the body expects them: unticked boxes false, blanks absent."""
    form = decision.form
    assert form is not None
    if form.parse is not None:
        return form.parse(values)
    body: dict[str, Any] = {}
    for f in form.fields:
        if f.kind == "checkbox":
            body[f.name] = f.name in values
            continue
        value = values.get(f.name, "").strip()
        if value != "":
            body[f.name] = value
    return body
