"""Import of existing cases into a project from a CSV file (see README for the columns)."""

from __future__ import annotations

import structlog
from fastapi import APIRouter, HTTPException, UploadFile
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
        outcome = import_cases(session, project, settings, content, actor.id)
    except ImportFileRefused as err:
        raise _refuse(str(err)) from err
    session.close()  # hold no pooled connection while awaiting Temporal
    for case, wf_input in outcome.to_start:
        try:
            await start_case_workflow(client, settings, case, wf_input)
        except WorkflowAlreadyStartedError:
            pass  # its workflow ran before
        except RPCError as err:
            # The case is stored; importing the file again starts what could not start now.
            log.warning("imported case's workflow not started", case_id=case.id, error=str(err))
            raise HTTPException(
                status_code=503,
                detail="Temporal is unreachable: the cases are stored, import the same file "
                "again to start their workflows",
            ) from err
    log.info("cases imported", imported=len(outcome.report.imported),
             already_imported=len(outcome.report.already_imported),
             refused=len(outcome.report.refused))
    return outcome.report
