"""The case as the API shows it: the workflow's state less its own bookkeeping.

``CaseState`` is the workflow's payload: it carries what the run needs to resume (pending
timeline entries, run counters, when each task opened). Those are not part of the API's
contract; ``CaseView`` has every other field, with the same names, types and descriptions.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, create_model

from models.payloads import CaseState

# The workflow's bookkeeping: internal, free to change without an API version.
INTERNAL_FIELDS = frozenset({
    "handover_due", "runs", "unprojected", "task_since", "timeline_seq", "pending_timeline",
    "vulnerabilities_changed",
})


class _StateView(BaseModel):
    @classmethod
    def of(cls, state: CaseState) -> Self:
        # The state was validated when the workflow built it: copy, don't validate again.
        return cls.model_construct(**{name: getattr(state, name) for name in cls.model_fields})


_fields: dict[str, Any] = {
    name: (info.annotation, info)
    for name, info in CaseState.model_fields.items() if name not in INTERNAL_FIELDS
}
CaseView = create_model(  # type: ignore[call-overload]
    "CaseView",
    __base__=_StateView,
    __doc__="A case's live state: stage, household, decisions taken, what it waits for.",
    **_fields,
)
