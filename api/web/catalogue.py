"""Every decision the web interface offers, and which of them are valid now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from temporalio.exceptions import ApplicationError

from api.policy import allowed
from api.web.actions import BEFORE_DEPARTURE_ACTIONS, Action, Field, Offer
from api.web.aftercare_actions import AFTERCARE_ACTIONS
from api.web.queue_actions import QUEUE_ACTIONS
from models.payloads import Actor, CaseState

ACTIONS: tuple[Action, ...] = BEFORE_DEPARTURE_ACTIONS + AFTERCARE_ACTIONS + QUEUE_ACTIONS
BY_KEY = {a.key: a for a in ACTIONS}


@dataclass
class Available:
    action: Action
    offer: Offer
    fields: tuple[Field, ...]


def available(state: CaseState, actor: Actor, today: date) -> list[Available]:
    """The action forms valid now for this user on this case."""
    out = []
    for action in ACTIONS:
        if not allowed("POST", action.api_path, actor.role):
            continue
        for offer in action.offers(state):
            try:
                action.check(
                    state, action.probe(state, actor, today, offer), action.probe_day(state, today)
                )
            except ApplicationError:
                continue
            out.append(Available(action, offer, action.fields + action.more_fields(state)))
    return out


def parse_form(action: Action, form: dict[str, str]) -> dict[str, Any]:
    """The form's values as the schema expects them: unticked boxes false, blanks absent."""
    if action.parse is not None:
        return action.parse(form)
    body: dict[str, Any] = {}
    for f in action.fields:
        if f.kind == "checkbox":
            body[f.name] = f.name in form
            continue
        value = form.get(f.name, "").strip()
        if value != "":
            body[f.name] = value
    return body
