"""The budget check a workflow runs before approving money: refused when over budget.

Call ``require_budget`` from an update handler (under the workflow's lock) before the
approval changes any state; its refusal reaches the API as a 409 carrying the figures.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.costs import CostActivities
    from models.enums import CostCategory
    from models.funding import BudgetCheckInput, BudgetFigures
    from workflows import calls
    from workflows.refusals import refusal


async def require_budget(case_id: str, category: CostCategory, amount: Decimal) -> BudgetFigures:
    """Commit ``amount`` of the project's budget to the case, or refuse (DecisionRefused ->
    409) with the figures when it would take the project over its total budget: what is
    booked plus what other approvals committed. The case's own earlier commitment of this
    category is replaced, not added. A project without a budget (0) is not limited."""
    figures: BudgetFigures = await workflow.execute_activity_method(
        CostActivities.reserve_budget,
        BudgetCheckInput(case_id=case_id, category=category, amount=amount),
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=calls.retry(),
    )
    if not figures.reserved:
        code = "over_budget" + ("_simulated" if figures.simulated else "") + (
            "_committed" if figures.committed else "")
        extra = {"simulated": figures.simulated} if figures.simulated else {}
        if figures.committed:
            extra["committed"] = figures.committed
        raise refusal(
            code, project=figures.project_code, total=figures.total_budget,
            currency=figures.currency, consumed=figures.consumed,
            remaining=figures.remaining, category=category.value.replace("_", " "),
            amount=amount, **extra,
        )
    return figures
