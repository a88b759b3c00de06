"""The pure rules behind later findings and household changes: steps follow the flags (done
ones stay), the unaccompanied-minor flag follows ages, and the finding's check."""

from __future__ import annotations

from datetime import date

import pytest
from temporalio.exceptions import ApplicationError

from models.enums import Relationship, Role, Sex, Stage, StepKind, Vulnerability
from models.household_changes import RecordFindingInput
from models.payloads import Actor, Traveller, VulnerabilityStep
from tests.workflows.test_rules import state
from workflows import rules
from workflows.phases.vulnerability import check_finding

TODAY = date(2026, 3, 1)
CW = Actor(id="cw", role=Role.CASEWORKER)
T = Vulnerability.TRAFFICKING_VICTIM


def traveller(member_id: str, *flags: Vulnerability, minor: bool = False,
              relationship: Relationship = Relationship.PRINCIPAL) -> Traveller:
    return Traveller(member_id=member_id, relationship=relationship, sex=Sex.FEMALE,
                     is_minor=minor, nationality="GE", vulnerabilities=list(flags))


def test_steps_follow_the_flags_and_what_is_done_stays() -> None:
    done = VulnerabilityStep(member_id="a", kind=StepKind.FIT_TO_TRAVEL, done=True)
    open_ = VulnerabilityStep(member_id="a", kind=StepKind.ESCORT_DECISION)
    steps = rules.sync_steps([done, open_], [traveller("a", T)])
    assert [(s.kind, s.done) for s in steps] == [
        (StepKind.FIT_TO_TRAVEL, True),
        (StepKind.RISK_ASSESSMENT, False), (StepKind.SPECIALISED_REFERRAL, False)]
    # A step still needed keeps its progress; none is added twice.
    again = rules.sync_steps(steps, [traveller("a", T)])
    assert again == steps


def test_a_minor_without_an_adult_is_unaccompanied_and_stops_being_with_one() -> None:
    boy = traveller("boy", minor=True)
    household = [boy]
    rules.unaccompanied_flags(household)
    assert boy.vulnerabilities == [Vulnerability.UNACCOMPANIED_MINOR]
    household.append(traveller("mum", relationship=Relationship.SPOUSE))
    rules.unaccompanied_flags(household)
    assert boy.vulnerabilities == []


@pytest.mark.parametrize(("flags", "found", "reason", "refusal"), [
    ((), True, None, None),
    ((T,), True, "x", "already recorded"),
    ((), False, "x", "is not recorded"),
    ((T,), False, None, "needs a reason"),
    ((T,), False, "no indicators after all", None),
])
def test_a_finding_adds_a_new_flag_or_withdraws_a_recorded_one_with_a_reason(
    flags: tuple[Vulnerability, ...], found: bool, reason: str | None, refusal: str | None,
) -> None:
    s = state(stage=Stage.VULNERABILITY, household=[traveller("a", *flags)])
    data = RecordFindingInput(actor=CW, member_id="a", vulnerability=T, found=found,
                              reason=reason)
    if refusal is None:
        check_finding(s, data, TODAY)
        return
    with pytest.raises(ApplicationError, match=refusal):
        check_finding(s, data, TODAY)


@pytest.mark.parametrize(("stage", "member", "flag", "refusal"), [
    (Stage.DEPARTED, "a", T, "stage 'departed'"),
    (Stage.INTAKE, "nobody", T, "does not travel"),
    (Stage.INTAKE, "a", Vulnerability.UNACCOMPANIED_MINOR, "follows from the household's ages"),
])
def test_a_finding_is_refused_after_departure_for_a_stranger_or_for_a_derived_flag(
    stage: Stage, member: str, flag: Vulnerability, refusal: str,
) -> None:
    s = state(stage=stage, household=[traveller("a")])
    data = RecordFindingInput(actor=CW, member_id=member, vulnerability=flag, found=True)
    with pytest.raises(ApplicationError, match=refusal):
        check_finding(s, data, TODAY)
