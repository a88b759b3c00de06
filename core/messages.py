"""Extract the interface's messages, update the catalogues, check that none is missing or stale.

    python -m core.messages            # extract + update every catalogue + check (make messages)
    python -m core.messages --check    # check only: exit 1 when a catalogue is incomplete

Where messages come from (babel.cfg says the same for pybabel):

- the web pages and e-mails (Jinja2 templates: ``{% trans %}``, ``_()``, ``ngettext``);
- Python code: ``_()``, ``gettext``, ``ngettext`` and the no-op marker ``N_()`` (core/i18n.py);
- the decision declarations (workflows/phases/*.py): a ``Field``'s label, a ``Form``'s title
  and button, read from the source by ``extract_declarations`` so the workflow code imports
  nothing of Babel and its strings stay plain (the page translates them when it renders);
- the enumerations the pages show (``|human|t``): their values, humanised.

After ``make messages`` a new English message is in every catalogue with an empty
translation, and the check lists it; translate it in ``core/locale/<lang>/LC_MESSAGES/
messages.po`` and run the command again until it reports nothing.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# The actions refusals name (workflows/checks.py: "cannot record consent: ..."), translated
# with the refusal (api/web/templating.py refusal_text).
REFUSAL_ACTIONS = {"stage": (3,), "require_stage": (3,), "require_four_eyes": (3,),
                   "require_role": (3,),
                   # and the subjects of reminders (workflows/effects.py notify)
                   "notify": (3,), "remind_partner": (2,),
                   "remind_partner_and_caseworker": (2,)}

# The same in the decisions' declarations (workflows/phases), read by extract_declarations:
# the function and the (1-based) position of its action.
DECLARED_ACTIONS = {"stage": 3, "require_stage": 3, "require_four_eyes": 3, "require_role": 3,
                    "_pending": 3}

# The enumerations whose values the pages show through `|human|t`.
SHOWN_ENUMS = (
    "Stage", "CaseStatus", "Role", "Sex", "Relationship", "Vulnerability", "StepKind",
    "DocumentStatus", "DocumentChoice", "GrantStatus", "BookingStatus", "AssistanceKind",
    "ClosureReason", "ClearanceKind", "NoShowChoice", "ComponentKind", "TimelineKind",
    "LegalSituation", "LocationType", "ServiceKind", "ReferralChannel", "ReferralOutcome",
    "ConsentStatus", "HandoverTo", "PartnerAnswer", "CostCategory", "ActivityType", "StuckReason", "Severity", "MinorFollowUpKind",
    "Fund", "OutreachKind",
)

# (directory, glob, method) as in babel.cfg.
SOURCES: list[tuple[str, list[tuple[str, str]]]] = [
    ("api", [("templates/**.html", "jinja2"), ("**.py", "python")]),
    ("activities", [("templates/**.html", "jinja2"), ("**.py", "python")]),
    ("core", [("**.py", "python")]),
    ("workflows", [("phases/**.py", "core.messages:extract_declarations"),
                   ("decision.py", "core.messages:extract_declarations"),
                   ("task_rules.py", "core.messages:extract_declarations"),
                   ("**.py", "python")]),
    ("models", [("enums.py", "core.messages:extract_enums"),
                ("enums_work.py", "core.messages:extract_enums"),
                ("document_kinds.py", "core.messages:extract_enums"),
                ("protection.py", "core.messages:extract_enums"),
                ("consent.py", "core.messages:extract_enums"),
                ("reintegration.py", "core.messages:extract_enums"),
                ("report_data.py", "core.messages:extract_enums")]),
]
OPTIONS = {"jinja2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return node.value
    return None


def extract_declarations(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """A decision's form: ``Field(name, label, ...)``, ``Form(key, title, ..., button=...)``,
    ``approval(key, title, ...)``; only literal strings (an f-string label is built from
    the policy at run time and stays as written)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        # A select's choices: (("true", "Yes"), ("false", "No")), declared once or inline.
        if isinstance(node, ast.Tuple) and node.elts and all(
            isinstance(p, ast.Tuple) and len(p.elts) == 2 and _literal(p.elts[0])
            and _literal(p.elts[1]) for p in node.elts
        ):
            for pair in node.elts:
                yield pair.lineno, None, str(_literal(pair.elts[1])), []
        # An open task (task_rules.py): what to do, and what the case waits for.
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Open":
            for arg in node.args[1:3]:
                if text := _literal(arg):
                    yield node.lineno, None, text, []
        # A form's default wording (decision.py: ``button: str = "Record"``).
        if (isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "button"
                and (text := _literal(node.value))):
            yield node.lineno, None, text, []
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        found: list[str | None] = []
        # The action a refusal names ("cannot {action}: ..."): a decision's ``action=``, the
        # action given to a stage or role check (translated with the refusal).
        found += [_literal(k.value) for k in node.keywords if k.arg == "action"]
        if name in DECLARED_ACTIONS and len(node.args) >= DECLARED_ACTIONS[name]:
            found.append(_literal(node.args[DECLARED_ACTIONS[name] - 1]))
        if name in ("Field", "Form", "choice_form") and len(node.args) >= 2:
            found.append(_literal(node.args[1]))
        if name in ("Field", "Form", "approval"):
            found += [_literal(k.value) for k in node.keywords
                      if k.arg in ("button", "title", "label", "blank")]
            found += [_literal(k.value.elts[1]) for k in node.keywords
                      if k.arg == "form" and isinstance(k.value, ast.Tuple)]
        for text in found:
            if text:
                yield node.lineno, None, text, []


def extract_enums(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """The values of the enumerations the pages show, as ``|human`` writes them, and the
    labels of a ``*_LABELS`` dictionary (what the pages call a document's kind)."""
    tree = ast.parse(fileobj.read())
    for node in tree.body:
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if getattr(target, "id", "").endswith("_LABELS") and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                if text := _literal(value):
                    yield value.lineno, None, text, []
        if isinstance(node, ast.ClassDef) and node.name in SHOWN_ENUMS:
            for item in node.body:
                if isinstance(item, ast.Assign):
                    value = _literal(item.value)
                    if value:
                        yield item.lineno, None, value.replace("_", " "), []


def extract() -> Catalog:
    """Every message of the interface, in English (the template catalogue)."""
    template = Catalog(project="Homeward", fuzzy=False)
    for directory, method_map in SOURCES:
        keywords = KEYWORDS | (REFUSAL_ACTIONS if directory == "workflows" else {})
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / directory, method_map, OPTIONS, keywords=keywords
        ):
            template.add(message, None, [(f"{directory}/{filename}", lineno)],
                         auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="Homeward", fuzzy=False)
    with path.open("rb") as f:
        return read_po(f, locale=language)


def update(template: Catalog) -> None:
    """Each catalogue gets the new messages (untranslated) and loses the ones gone."""
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False, sort_output=False,
                     include_previous=False)


def _key(m: Any) -> str:
    """A message's id, with its context when it has one (``level|community``): the same
    English word in two contexts is two messages to translate."""
    key = m.id if isinstance(m.id, str) else m.id[0]
    return f"{m.context}|{key}" if m.context else key


def problems(template: Catalog) -> list[str]:
    """What a translator still has to do: missing, untranslated, fuzzy or stale messages."""
    out: list[str] = []
    wanted = {_key(m): m for m in template if m.id}
    for language in LANGUAGES:
        if language == DEFAULT:
            continue
        catalog = read(language)
        have = {_key(m): m for m in catalog if m.id}
        for key in wanted:
            m = have.get(key)
            if m is None:
                out.append(f"{language}: missing {key!r}")
            elif m.fuzzy:
                out.append(f"{language}: fuzzy {key!r}")
            elif (not m.string) or (isinstance(m.string, tuple) and not all(m.string)):
                out.append(f"{language}: untranslated {key!r}")
        for key in have.keys() - wanted.keys():
            out.append(f"{language}: stale {key!r}")
        for key in catalog.obsolete:
            out.append(f"{language}: obsolete {key!r}")
    return out


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" not in argv:
        update(template)
    todo = problems(template)
    for line in todo:
        print(line)
    print(f"{len(template)} messages; {len(todo)} to translate or remove", file=sys.stderr)
    return 1 if todo else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
