"""The new-case form: household members added and removed, errors beside their fields.

Field names are flat (``principal-given_name``, ``dependants-3-sex``) so the form works as
plain HTML; a dependant keeps its number when others are removed, so an error found by
``CaseCreate`` on ``dependants[i]`` lands beside the field the person typed it in.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from models.schemas import CaseCreate

TOP = (
    "country_of_origin", "legal_situation", "location_type", "location_name",
    "return_decision_date", "voluntary_departure_deadline", "preferred_language",
    "destination_city", "project_id",
)
PERSON = (
    "given_name", "family_name", "date_of_birth", "sex", "nationality", "passport_number",
    "passport_valid_until",
)
DEPENDANT = re.compile(r"^dependants-(\d+)-")
MODEL_ERROR = re.compile(r"^(principal|dependants\[(\d+)\])\.(\w+):")


def _person(form: FormData, prefix: str, relationship: bool) -> dict[str, Any]:
    person: dict[str, Any] = {
        name: str(form.get(f"{prefix}-{name}", "")).strip() for name in PERSON
    }
    person = {k: v for k, v in person.items() if v}
    person["vulnerabilities"] = [str(v) for v in form.getlist(f"{prefix}-vulnerabilities")]
    if relationship:
        person["relationship"] = str(form.get(f"{prefix}-relationship", "")).strip()
    return person


def dependant_numbers(form: FormData) -> list[int]:
    return sorted({int(m.group(1)) for key in form if (m := DEPENDANT.match(key))})


def parse(form: FormData) -> tuple[dict[str, Any], list[int]]:
    """The form as CaseCreate's JSON, and the dependants' numbers in the form, in order."""
    data: dict[str, Any] = {
        k: str(form.get(k, "")).strip() for k in TOP if str(form.get(k, "")).strip()
    }
    numbers = dependant_numbers(form)
    data["principal"] = _person(form, "principal", relationship=False)
    data["dependants"] = [_person(form, f"dependants-{n}", relationship=True) for n in numbers]
    return data, numbers


def _field(loc: tuple[Any, ...], numbers: list[int]) -> str:
    if not loc:
        return "_form"
    if loc[0] == "principal":
        return "principal-" + str(loc[1]) if len(loc) > 1 else "principal"
    if loc[0] == "dependants" and len(loc) > 1 and isinstance(loc[1], int):
        who = f"dependants-{numbers[loc[1]]}"
        return f"{who}-{loc[2]}" if len(loc) > 2 else who
    return str(loc[0])


def errors_by_field(err: ValidationError, numbers: list[int]) -> dict[str, str]:
    """Each error under the form field that caused it (``_form`` when none did)."""
    out: dict[str, str] = {}
    for e in err.errors():
        msg = str(e["msg"]).removeprefix("Value error, ")
        field = _field(tuple(e["loc"]), numbers)
        if (m := MODEL_ERROR.match(msg)) is not None:
            who = "principal" if m.group(2) is None else f"dependants-{numbers[int(m.group(2))]}"
            field, msg = f"{who}-{m.group(3)}", msg[m.end():].strip()
        elif field == "_form":  # a check across fields names the field it is about
            field = next((n for n in TOP if msg.startswith(n + " ")), field)
        elif field == "principal" or DEPENDANT.match(field + "-") and field.count("-") == 1:
            name = next((n for n in PERSON if msg.startswith(n + " ")), None)
            field = f"{field}-{name}" if name else field
        out.setdefault(field, msg)
    return out


def validate(form: FormData) -> tuple[CaseCreate | None, dict[str, str], list[int]]:
    data, numbers = parse(form)
    try:
        return CaseCreate.model_validate(data), {}, numbers
    except ValidationError as err:
        return None, errors_by_field(err, numbers), numbers
