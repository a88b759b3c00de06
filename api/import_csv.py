"""Reading an import file: the CSV's lines grouped by case, and each case validated whole.

Nothing here touches the database; ``api/import_service.py`` stores what passes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from models.schemas_import import (
    CASE_COLUMNS,
    PERSON_COLUMNS,
    REQUIRED_COLUMNS,
    ImportCase,
    ImportPerson,
)

MAX_CASE_LINES = 21  # a principal and at most 20 dependants, as POST /cases allows
class ImportFileRefused(Exception):
    """The file as a whole cannot be read (encoding, header); nothing is imported."""


@dataclass
class Group:
    external_ref: str | None
    lines: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)


def read_groups(content: bytes) -> list[Group]:
    """The file's lines grouped by external_ref, in the order of their first line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFileRefused(f"the file is not UTF-8 text: {err}") from err
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise ImportFileRefused("the file is empty: a header line is needed")
    unknown = [h for h in header if h not in PERSON_COLUMNS + CASE_COLUMNS]
    missing = [h for h in REQUIRED_COLUMNS if h not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        if unknown:
            problems.append(f"unknown columns: {', '.join(unknown)}")
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        raise ImportFileRefused("; ".join(problems))
    reader.fieldnames = header
    groups: dict[str, Group] = {}
    anonymous: list[Group] = []
    for row in reader:
        if None in row:
            extra = Group(external_ref=None, lines=[(reader.line_num, {"__extra__": "x"})])
            anonymous.append(extra)
            continue
        values = {k: (v.strip() or None) if v is not None else None for k, v in row.items()}
        if not any(values.values()):
            continue  # an empty line
        ref = values.get("external_ref")
        if ref is None:
            anonymous.append(Group(external_ref=None, lines=[(reader.line_num, values)]))
            continue
        groups.setdefault(ref, Group(external_ref=ref)).lines.append((reader.line_num, values))
    ordered = sorted([*groups.values(), *anonymous], key=lambda g: g.lines[0][0])
    return ordered


def _errors(line: int, err: ValidationError) -> list[str]:
    out = []
    for e in err.errors(include_url=False, include_context=False):
        where = ".".join(str(part) for part in e["loc"])
        msg = e["msg"].removeprefix("Value error, ")
        out.append(f"line {line}: {where}: {msg}" if where else f"line {line}: {msg}")
    return out


def _pick(values: dict[str, str | None], columns: Iterable[str]) -> dict[str, Any]:
    return {c: values[c] for c in columns if values.get(c) is not None}


def validate(group: Group) -> tuple[ImportCase | None, list[tuple[int, ImportPerson]], list[str]]:
    """The case and its people, or the reasons the case is refused."""
    reasons: list[str] = []
    people: list[tuple[int, ImportPerson]] = []
    case: ImportCase | None = None
    if group.external_ref is None:
        line, values = group.lines[0]
        if "__extra__" in values:
            return None, [], [f"line {line}: more values than columns"]
        return None, [], [f"line {line}: external_ref: required (it identifies the case)"]
    if len(group.external_ref) > 100:
        reasons.append(f"line {group.lines[0][0]}: external_ref: at most 100 characters")
    if len(group.lines) > MAX_CASE_LINES:
        reasons.append(f"line {group.lines[0][0]}: more than {MAX_CASE_LINES} people in a case")
    principals = [line for line, v in group.lines if v.get("relationship") == "principal"]
    if len(principals) != 1:
        where = ", ".join(map(str, principals)) or "none"
        reasons.append(f"line {group.lines[0][0]}: a case needs exactly one principal "
                       f"line (found: {where})")
    for line, values in group.lines:
        person = _pick(values, PERSON_COLUMNS[1:])
        if "vulnerabilities" in person:
            person["vulnerabilities"] = [v.strip() for v in person["vulnerabilities"].split(";")
                                         if v.strip()]
        try:
            people.append((line, ImportPerson.model_validate(person)))
        except ValidationError as err:
            reasons += _errors(line, err)
        case_values = _pick(values, CASE_COLUMNS)
        if values.get("relationship") == "principal" and len(principals) == 1:
            try:
                case = ImportCase.model_validate(case_values)
            except ValidationError as err:
                reasons += _errors(line, err)
        elif case_values:
            reasons.append(f"line {line}: {', '.join(case_values)}: the case's columns go on "
                           "the principal's line only")
    return (case if not reasons else None), people, reasons


