"""What every group of the case workflow's updates shares: the running case and the lock.

``ReturnCaseWorkflow`` inherits its updates from a few groups (after departure, the
household, the travel desk), each a subclass of ``CaseUpdates``: Temporal finds update
handlers on the workflow class and its bases, and one class with every update would be
several hundred lines.
"""

from __future__ import annotations

import asyncio

from workflows.run import CaseRun


class CaseUpdates:
    def __init__(self, case: CaseRun) -> None:
        self._case = case
        # Handlers that call activities run one at a time and re-check their rule inside.
        self._lock = asyncio.Lock()
