"""Container healthcheck of a worker replica: is this container polling its task queue?

Exits 0 when the Temporal server lists a recent workflow-task poller whose identity belongs to
this container (the SDK's default identity is ``<pid>@<hostname>``; the hostname of a container
is its own), 1 otherwise. Run by docker-compose.yml as ``python /app/deploy/worker_healthcheck.py``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueKind, TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from core.settings import Settings
from core.temporal import connect

# The server keeps a poller in the list for a few minutes after its last poll; a long poll lasts
# up to about a minute, so anything older than this means the worker stopped polling.
MAX_POLLER_AGE = timedelta(minutes=2)


async def polling(settings: Settings, hostname: str) -> bool:
    client = await connect(settings)
    response = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=settings.temporal_namespace,
            task_queue=TaskQueue(
                name=settings.temporal_task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL
            ),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        ),
        timeout=timedelta(seconds=5),
    )
    now = datetime.now(UTC)
    for poller in response.pollers:
        if not poller.identity.endswith(f"@{hostname}"):
            continue
        if now - poller.last_access_time.ToDatetime(tzinfo=UTC) <= MAX_POLLER_AGE:
            return True
    return False


def main() -> int:
    hostname = socket.gethostname()
    try:
        ok = asyncio.run(polling(Settings(), hostname))
    except Exception as err:  # noqa: BLE001 - any failure means unhealthy
        print(f"unhealthy: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    if not ok:
        print(f"unhealthy: no recent poller from {hostname}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    code = main()
    sys.stderr.flush()
    # Skip interpreter finalization: the SDK's native threads can abort it (exit 134), which
    # Docker would read as unhealthy whatever the answer was.
    os._exit(code)
