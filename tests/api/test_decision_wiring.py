"""Each declared decision is wired the same way in every layer.

The access matrix (test_access_matrix.py) says by hand who may call each route; this test
checks that the route, its policy rule, the workflow update's validator and the web form all
follow the one declaration, so the roles a route admits are the roles the workflow accepts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from api.main import create_app
from api.policy import POLICY
from api.web import catalogue
from core.settings import Settings
from models.enums import LegalSituation, LocationType, Role, TaskKind
from models.payloads import Actor, CaseState, CaseWorkflowInput
from workflows.decision import Decision
from workflows.phases import DECISIONS
from workflows.return_case import ReturnCaseWorkflow

# Updates kept only so that histories recorded before their successors replay.
RETIRED_UPDATES = {"withdraw"}
# Updates the API's household service sends after writing personal data to the database (its
# routes carry names and dates of birth, the workflow only the facts): not declarations.
INTERNAL_UPDATES = {"update_traveller", "add_traveller", "remove_traveller"}
DEFINITION = workflow._Definition.must_from_class(ReturnCaseWorkflow)


def _workflow() -> ReturnCaseWorkflow:
    return ReturnCaseWorkflow(CaseWorkflowInput(
        case_id="c1", reference="HW-1", country_of_origin="GE",
        legal_situation=LegalSituation.REJECTED_ASYLUM_SEEKER,
        location_type=LocationType.RECEPTION_CENTRE,
    ))


def _refused_for_role(decision: Decision, role: Role) -> bool:
    """Whether the workflow's validator refuses ``role`` for its role (not another reason)."""
    validator = DEFINITION.updates[decision.update].validator
    assert validator is not None, f"{decision.update} has no validator"
    # A bare input: the role is checked before anything else is read from it.
    data: Any = decision.input.model_construct(actor=Actor(id="u1", role=role, organisation="x"))
    try:
        validator(_workflow(), data)
    except ApplicationError as err:
        return "may not do this" in str(err)
    except (AttributeError, KeyError, TypeError):
        return False  # the check read a field the bare input lacks: past the role check
    return False


@pytest.mark.parametrize("decision", DECISIONS, ids=lambda d: d.update)
def test_the_workflow_accepts_exactly_the_roles_the_route_admits(
    decision: Decision, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "now", lambda: datetime(2026, 3, 1, tzinfo=UTC))
    admitted = POLICY[("POST", decision.path)]
    accepted = {role for role in Role if not _refused_for_role(decision, role)}
    assert accepted == admitted == decision.roles


def test_clearance_may_be_recorded_by_a_supervisor(monkeypatch: pytest.MonkeyPatch) -> None:
    # The drift this structure removes: the route admitted supervisors, the workflow refused.
    monkeypatch.setattr(workflow, "now", lambda: datetime(2026, 3, 1, tzinfo=UTC))
    clearance = next(d for d in DECISIONS if d.update == "confirm_clearance")
    assert Role.SUPERVISOR in POLICY[("POST", clearance.path)]
    assert not _refused_for_role(clearance, Role.SUPERVISOR)


def test_every_update_is_declared_and_every_declaration_is_routed(settings: Settings) -> None:
    declared = {d.update for d in DECISIONS}
    assert set(DEFINITION.updates) - RETIRED_UPDATES - INTERNAL_UPDATES == declared
    paths = create_app(settings).openapi()["paths"]
    for decision in DECISIONS:
        post = paths[decision.path]["post"]
        body = post.get("requestBody", {}).get("content", {}).get("application/json", {})
        named = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1] or None
        assert named == (decision.body.__name__ if decision.body else None), decision.update
        answer = post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        view = "ReintegrationView" if Role.PARTNER in decision.roles else "CaseView"
        assert answer.endswith(view), decision.update


def test_each_update_takes_its_declarations_payload_and_answers_the_case() -> None:
    # The update methods are made from workflows/updates.py: a row with the wrong decision
    # would decode the caller's payload as another decision's (or fail to), silently.
    for decision in DECISIONS:
        made = DEFINITION.updates[decision.update]
        assert made.arg_types == [decision.input], decision.update
        assert made.ret_type is CaseState, decision.update
    for name in INTERNAL_UPDATES:
        assert DEFINITION.updates[name].validator is not None, name


def test_every_form_is_a_declared_decision_with_a_unique_key() -> None:
    keys = [d.form.key for d in DECISIONS if d.form is not None]
    assert len(keys) == len(set(keys))
    assert set(catalogue.BY_KEY) == set(keys)


def test_every_task_is_answered_by_exactly_one_decision() -> None:
    answered = [kind for d in DECISIONS for kind in d.answers]
    assert sorted(answered) == sorted(TaskKind)
