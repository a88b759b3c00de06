"""ReturnCaseWorkflow: one household's return, from first counselling to closure.

Caseworkers, supervisors, authorities and partners drive it through updates whose
validators refuse decisions that make no sense (wrong stage, wrong role, same person twice):
each validator is its decision's declaration (``workflows/phases``: the declared roles, then
the check in ``checks.py`` or ``aftercare_checks.py``). The updates are made from one table
(``updates.py``: a decision and the body in the module of its phase, ``preparation``,
``travel``, ``after_departure``, ...; see ``case_updates``); the run loop (``loop``) fires the
timers and projects every change.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    # Not "from workflows import calls, ...": the sandbox would load those modules afresh
    # for every workflow run (~25 ms each time) instead of passing them through.
    import models.decisions as inputs
    import workflows.checks as checks  # noqa: PLR0402
    import workflows.loop as loop  # noqa: PLR0402
    import workflows.patches as patches  # noqa: PLR0402
    import workflows.phases as phases  # noqa: PLR0402
    import workflows.refusals as refusals  # noqa: PLR0402
    import workflows.supervision as supervision  # noqa: PLR0402
    import workflows.travel as travel  # noqa: PLR0402
    from models.payloads import CaseState, CaseWorkflowInput
    from workflows.case_updates import updates_class
    from workflows.projection import Projection
    from workflows.run import CaseRun
    from workflows.start import first_state
    from workflows.updates import UPDATES


def workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


@workflow.defn
class ReturnCaseWorkflow(updates_class("CaseUpdatesFromTable", UPDATES)):
    @workflow.init
    def __init__(self, data: CaseWorkflowInput) -> None:
        state = data.state or first_state(data)
        # A run continued as new projects first if its predecessor had unprojected changes.
        super().__init__(CaseRun(state, new=data.state is None or state.unprojected))
        self._projection = Projection(self._case)
        if data.state is None:
            # Here, not in run(): a decision sent with the start is applied before the run
            # begins (the SDK runs updates first), and the case's history begins with its stage.
            self._case.change_stage(state.stage)

    @workflow.run
    async def run(self, data: CaseWorkflowInput) -> CaseState:
        return await loop.run(self._case, self._projection, self._lock, data)

    @workflow.query
    def state(self) -> CaseState:
        return self._case.state

    @workflow.signal
    def moved_to_project(self, project_id: str) -> None:
        supervision.move_to_project(self._case, project_id)

    @workflow.signal
    def consent_changed(self, fact: inputs.ConsentFact) -> None:
        """A person's consent for a purpose was recorded (api/consent.py): the fact goes in
        the case's history; who, and the signed form, stay in the database."""
        told = f", {fact.informed} recipient(s) told" if fact.informed else ""
        self._case.decided(fact.actor, f"{fact.purpose} consent {fact.status} for "
                                       f"{fact.persons} person(s){told}")
        self._case.touch()

    # ---- the two updates not made from the table (workflows/updates.py) ------------------

    @workflow.update
    async def decide_grant(self, data: inputs.GrantDecisionInput) -> CaseState:
        if data.approve and workflow.patched(patches.BUDGET_CHECK):
            async with self._lock:
                self._validate_decide_grant(data)  # again: another decision may have won
                return await travel.approve_grant_within_budget(self._case, data)
        return travel.decide_grant(self._case, data)

    @decide_grant.validator
    def _validate_decide_grant(self, data: inputs.GrantDecisionInput) -> None:
        phases.grant.DECIDE_GRANT.validate(self._case.state, data, self._case.today())

    @workflow.update
    async def withdraw(self, data: inputs.WithdrawInput) -> CaseState:
        """Superseded by propose_closure + decide_closure (four eyes on every closure); kept
        so that histories recorded before that change still replay. New calls are refused."""
        async with self._lock:
            checks.withdraw(self._case.state, data, self._case.today())
            return await travel.withdraw(self._case, data)

    @withdraw.validator
    def _validate_withdraw(self, data: inputs.WithdrawInput) -> None:
        raise refusals.refusal("closure_needs_supervisor")
