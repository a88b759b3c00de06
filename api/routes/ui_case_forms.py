"""A form sent from a section of the case page: done, the page again with ``?done=``; refused
(409) or not valid (422), the case page with the reason beside that section's forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.routes.ui_cases import case_page
from models.tables import Case

Form = TypeVar("Form")


def field_errors(err: ValidationError) -> str:
    """The invalid fields in one line: ``field: why; field: why``."""
    return "; ".join(f"{e['loc'][-1]}: {str(e['msg']).removeprefix('Value error, ')}"
                     for e in err.errors())


async def run_case_form(
    request: Request, case: Case, user: Any, client: Any, section: str, done: str,
    form: Form, run: Callable[[Form], Awaitable[None]],
) -> Response:
    """Run ``run(form)`` and answer with the case page as above."""
    try:
        await run(form)
    except ValidationError as err:
        return await case_page(request, case, user, client,
                               {section: {"error": field_errors(err)}}, 422)
    except HTTPException as err:
        if err.status_code not in (409, 422):
            raise
        detail = err.detail if isinstance(err.detail, str) else "; ".join(
            f"{e['loc'][-1]}: {e['msg']}" for e in err.detail)
        return await case_page(request, case, user, client, {section: {"error": detail}},
                               err.status_code)
    return RedirectResponse(f"/ui/cases/{case.id}?done={done}", status_code=303)
