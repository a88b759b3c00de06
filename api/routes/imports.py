"""Import of existing cases into a project from a CSV file (see README for the columns)."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from fastapi import APIRouter, HTTPException, UploadFile
from fastapi.concurrency import run_in_threadpool
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.case_service import start_case_workflow
from api.deps import CurrentActor, SessionDep, SettingsDep, TemporalDep
from api.import_service import ImportFileRefused, import_cases
from api.routes.projects import get_project_or_404
from models.schemas_import import ImportReport

router = APIRouter(prefix="/projects", tags=["projects"])
log = structlog.get_logger(__name__)
MAX_BYTES = 5 * 1024 * 1024


# Workflows started at once by an import (each start is one round trip to Temporal).
STARTS_AT_ONCE = 20


def _refuse(msg: str) -> HTTPException:
    return HTTPException(
        status_code=422, detail=[{"loc": ["body", "file"], "msg": msg, "type": "value_error"}]
    )


@router.post("/{project_id}/import", response_model=ImportReport)
async def import_project_cases(
    project_id: str,
    file: UploadFile,
    session: SessionDep,
    settings: SettingsDep,
    client: TemporalDep,
    actor: CurrentActor,
) -> ImportReport:
    """Import cases from CSV: each valid case whole, the others refused with their lines
    and reasons; a file imported again imports nothing twice."""
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _refuse(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it")
    project = get_project_or_404(session, project_id)
    try:
        # In a worker thread: an import of thousands of cases must not stall every other
        # request this process serves (the event loop) while it parses and writes.
        outcome = await run_in_threadpool(
            import_cases, session, project, settings, content, actor.id)
    except ImportFileRefused as err:
        raise _refuse(str(err)) from err
    session.close()  # hold no pooled connection while awaiting Temporal
    starting = asyncio.Semaphore(STARTS_AT_ONCE)

    async def start(case: Any, wf_input: Any) -> RPCError | None:
        async with starting:
            try:
                await start_case_workflow(client, settings, case, wf_input)
            except WorkflowAlreadyStartedError:
                return None  # its workflow ran before: nothing to start
            except RPCError as err:
                log.warning("imported case's workflow not started", case_id=case.id,
                            error=str(err))
                return err
            return None

    failed = [e for e in await asyncio.gather(*(start(c, w) for c, w in outcome.to_start)) if e]
    if failed:
        # The cases are stored; importing the file again starts what could not start now.
        raise HTTPException(
            status_code=503,
            detail="Temporal is unreachable: the cases are stored, import the same file "
            "again to start their workflows",
        ) from failed[0]
    log.info("cases imported", imported=len(outcome.report.imported),
             already_imported=len(outcome.report.already_imported),
             refused=len(outcome.report.refused))
    return outcome.report
