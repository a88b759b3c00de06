"""After intake: a later finding (a vulnerability found, or found no longer to apply), a
corrected person, a member joining or leaving the travelling household, before departure.

Each change re-derives what follows from the household, as a new case derives it at start:
the unaccompanied-minor flag, the vulnerability steps (what blocks departure,
``rules.departure_blockers``) and a grant still only proposed. The finding is a declared
decision (its check in ``phases/vulnerability.py``); correcting, adding and removing a member
are internal updates the API service sends after checking the personal data (their pure
checks are here, for the validators).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.enums import GrantStatus, Relationship, Vulnerability
from models.household_changes import (
    AddTravellerInput,
    RecordFindingInput,
    RemoveTravellerInput,
    UpdateTravellerInput,
)
from models.payloads import CaseState
from models.policy import grant_lines
from workflows import rules
from workflows.refusals import refusal
from workflows.run import CaseRun

UNACCOMPANIED = Vulnerability.UNACCOMPANIED_MINOR


def check_update(state: CaseState, data: UpdateTravellerInput, today: date) -> None:
    rules.require_role(data.actor, rules.STAFF, "correct a person's data")
    rules.require_stage(state, rules.BEFORE_DEPARTURE, "correct the facts the case decides on")
    rules.member_of(state, data.member_id)


def check_add(state: CaseState, data: AddTravellerInput, today: date) -> None:
    rules.require_role(data.actor, rules.STAFF, "add a household member")
    rules.require_stage(state, rules.BEFORE_DEPARTURE, "add a household member")
    if data.traveller.relationship == Relationship.PRINCIPAL:
        raise refusal("one_principal_applicant")
    if UNACCOMPANIED in data.traveller.vulnerabilities:
        raise refusal("unaccompanied_from_ages")
    # The same member again (the API retrying after its database write failed) is accepted
    # and changes nothing (add_traveller).


def check_remove(state: CaseState, data: RemoveTravellerInput, today: date) -> None:
    rules.require_role(data.actor, rules.STAFF, "remove a household member")
    rules.require_stage(state, rules.BEFORE_DEPARTURE, "remove a household member")
    gone = all(m.member_id != data.member_id for m in state.household)
    if gone:
        return  # removed already (a retry): remove_traveller changes nothing
    if rules.member_of(state, data.member_id).relationship == Relationship.PRINCIPAL:
        raise refusal("principal_cannot_leave")


def record_finding(case: CaseRun, data: RecordFindingInput) -> CaseState:
    member = rules.member_of(case.state, data.member_id)
    if data.found:
        member.vulnerabilities.append(data.vulnerability)
        what = f"later finding: {data.vulnerability} for member {member.member_id}"
    else:
        member.vulnerabilities.remove(data.vulnerability)
        what = f"finding withdrawn: {data.vulnerability} no longer applies to {member.member_id}"
    case.decided(data.actor, what, data.reason)
    _follow(case, changed=True)
    return case.state


def update_traveller(case: CaseRun, data: UpdateTravellerInput) -> CaseState:
    member = rules.member_of(case.state, data.member_id)
    facts = {
        "sex": data.sex, "nationality": data.nationality, "is_minor": data.is_minor,
        "passport_valid_until": data.passport_valid_until,
    }
    if all(getattr(member, name) == value for name, value in facts.items()):
        return case.state  # these facts already: the API's retry after a failed write
    # Names only in the field list, never values: the timeline is no place for personal data.
    corrected = ", ".join(data.fields) or "facts"
    case.decided(data.actor, f"member {member.member_id} corrected: {corrected}", data.reason)
    for name, value in facts.items():
        setattr(member, name, value)
    _follow(case)
    return case.state


def add_traveller(case: CaseRun, data: AddTravellerInput) -> CaseState:
    traveller = data.traveller.model_copy(deep=True)
    if any(m.member_id == traveller.member_id for m in case.state.household):
        return case.state  # added already: the API's retry after a failed database write
    case.state.household.append(traveller)
    case.decided(data.actor, f"member {traveller.member_id} joined the household", data.reason)
    _follow(case, changed=bool(traveller.vulnerabilities))
    return case.state


def remove_traveller(case: CaseRun, data: RemoveTravellerInput) -> CaseState:
    state = case.state
    if all(m.member_id != data.member_id for m in state.household):
        return state  # removed already: the API's retry after a failed database write
    state.household = [m for m in state.household if m.member_id != data.member_id]
    docs = state.documents
    docs.member_ids = [m for m in docs.member_ids if m != data.member_id]
    case.decided(data.actor, f"member {data.member_id} left the household", data.reason)
    _follow(case)
    return state


def _follow(case: CaseRun, *, changed: bool = False) -> None:
    """What follows from the household: flags, steps, a proposed grant; then touch()."""
    state = case.state
    before = {m.member_id: list(m.vulnerabilities) for m in state.household}
    rules.unaccompanied_flags(state.household)
    after = {m.member_id: list(m.vulnerabilities) for m in state.household}
    if changed or before != after:
        state.vulnerabilities_changed = True
    state.steps = rules.sync_steps(state.steps, state.household)
    _regrant(case)
    case.touch()


def _regrant(case: CaseRun) -> None:
    """A grant not yet approved follows the household; an approved one stands."""
    state = case.state
    grant = state.grant
    if grant is None or grant.status != GrantStatus.PROPOSED:
        return
    lines = grant_lines(
        state.policy.grant, [(m.member_id, m.is_minor, m.vulnerabilities) for m in state.household]
    )
    amount = sum((line.total for line in lines), Decimal(0))
    if lines == grant.lines:
        return
    grant.lines, grant.amount = lines, amount
    case.decided(None, f"proposed cash grant recomputed: {amount} {grant.currency}")

