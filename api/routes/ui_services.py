"""The service directory's page: staff browse it, admins add providers and change them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.auth import CurrentUser
from api.deps import SessionDep, found
from api.routes.services import add_service, list_services
from api.web.params import option
from api.web.security import verify_csrf
from api.web.templating import render
from models.enums import Role
from models.protection import ServiceKind, ServiceProvider
from models.schemas_protection import ServiceCreate
from models.tables import utcnow

router = APIRouter(prefix="/ui/services", tags=["web"], include_in_schema=False)


def _page(request: Request, session: SessionDep, user: CurrentUser,
          state: dict[str, object] | None = None, status: int = 200) -> Response:
    p = request.query_params
    country, kind = p.get("country", "")[:2], option(ServiceKind, p.get("kind"))
    rows = list_services(session, country or None, kind, active_only=user.role != Role.ADMIN)
    return render(request, "services.html", {
        "services": rows, "kinds": list(ServiceKind), "country": country,
        "kind": kind.value if kind else "", "state": state or {},
    }, status)


@router.get("")
def services(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Providers by country and kind, with their contact and languages."""
    return _page(request, session, user)


@router.post("", dependencies=[Depends(verify_csrf)])
async def add(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """Add a provider (admins); an invalid field comes back beside the form."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    raw = {**form, "email": form.get("email") or None, "phone": form.get("phone") or None,
           "languages": [x.strip() for x in form.get("languages", "").split(",") if x.strip()]}
    try:
        data = ServiceCreate.model_validate(raw)
    except ValidationError as err:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in err.errors()}
        return _page(request, session, user, {"errors": errors, "values": form}, 422)
    add_service(session, data)
    return RedirectResponse("/ui/services?done=added", status_code=303)


@router.post("/{service_id}", dependencies=[Depends(verify_csrf)])
async def toggle(service_id: str, request: Request, session: SessionDep) -> Response:
    """Retire a provider or take it back (admins)."""
    row = found(session, ServiceProvider, service_id, "service")
    row.active, row.updated_at = not row.active, utcnow()
    session.add(row)
    session.commit()
    return RedirectResponse("/ui/services", status_code=303)
