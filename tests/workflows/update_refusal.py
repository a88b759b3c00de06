"""The workflow's reason for refusing an update, as the travel document and vulnerability
tests read it."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError


async def refused(coro: object) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await coro  # type: ignore[misc]
    cause = err.value.cause
    assert isinstance(cause, ApplicationError)
    return cause.message
