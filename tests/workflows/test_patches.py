"""The patch register (workflows/patches.py) matches the code and the recorded histories."""

from __future__ import annotations

import re
from pathlib import Path

from workflows import patches

ROOT = Path(__file__).parents[2]
HISTORIES = Path(__file__).parent / "histories"
CONSTANTS = {
    name: value for name, value in vars(patches).items() if name.isupper() and isinstance(value, str)
}
CALL = re.compile(r"workflow\.(?:patched|deprecate_patch)\(\s*([^)]*?)\s*\)")


def _calls() -> list[tuple[Path, str]]:
    found = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        found += [(path, arg) for arg in CALL.findall(path.read_text())]
    return found


def test_every_patch_call_names_a_registered_constant() -> None:
    calls = _calls()
    assert calls
    for path, arg in calls:
        assert arg.startswith("patches."), f"{path.name}: workflow.patched({arg}) is no constant"
        assert arg.removeprefix("patches.") in CONSTANTS, f"{path.name}: {arg} is not registered"


def test_every_registered_patch_is_used_and_has_its_history() -> None:
    used = {CONSTANTS[arg.removeprefix("patches.")] for _, arg in _calls()}
    registered = [p.id for p in patches.REGISTER]
    assert sorted(registered) == sorted(set(CONSTANTS.values())) == sorted(used)
    for patch in patches.REGISTER:
        assert (HISTORIES / patch.history).is_file(), f"{patch.id}: {patch.history} is missing"
        assert patch.why and patch.retire_when
