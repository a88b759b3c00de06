"""Monitoring visits after return: reported with the indicators, added, or ended early."""

from __future__ import annotations

from typing import Any

from models import decisions as inputs
from models import schemas_aftercare as aftercare_schemas
from models import schemas_protection as protection_schemas
from models.enums import TaskKind
from models.payloads import CaseState
from workflows import aftercare_checks as ac
from workflows import minors
from workflows.decision import Decision, Field, Form, Offer
from workflows.phases.arrival import since, since_text
from workflows.phases.common import FAR, REASON, STAFF_OR_PARTNER, SUPERVISORS


def _indicator_fields(state: CaseState) -> tuple[Field, ...]:
    scoring = state.policy.aftercare.scoring
    scale = tuple((str(n), str(n)) for n in range(scoring.scale_max, -1, -1))
    return tuple(
        Field(f"ind-{i.key}", f"{i.question} (0–{scoring.scale_max})", "select", scale,
              blank="rate")
        for i in scoring.indicators
    )


def _parse_monitoring(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "indicators": {k[4:]: v for k, v in form.items() if k.startswith("ind-")},
    }
    if form.get("held_on", "").strip():
        body["held_on"] = form["held_on"].strip()
    return body


def _visit_offers(state: CaseState) -> list[Offer]:
    visits = state.monitoring.open_visits()
    return [Offer(suffix=f"visit {visits[0].number}, due {visits[0].due_on}")] if visits else []


REPORT_MONITORING = Decision(
    update="report_monitoring", path="/cases/{case_id}/monitoring/reports",
    roles=STAFF_OR_PARTNER, action="report a monitoring visit", input=inputs.ReportMonitoringInput,
    check=ac.monitoring_report, body=aftercare_schemas.MonitoringReportIn,
    doc="Report the next open monitoring visit's indicators; the workflow scores them.",
    answers=(TaskKind.REPORT_MONITORING_VISIT,),
    form=Form(
        "monitoring-report", "Report a monitoring visit",
        lambda st, actor, today, o: inputs.ReportMonitoringInput(
            actor=actor, held_on=st.arrival.confirmed_on or today,
            indicators={i.key: 0 for i in st.policy.aftercare.scoring.indicators}),
        fields=(Field("held_on", "Visit held on", "date", default=since_text),),
        more_fields=_indicator_fields, parse=_parse_monitoring, offers=_visit_offers,
        probe_day=since, button="Report visit",
    ),
)

ADD_VISIT = Decision(
    update="add_monitoring_visit", path="/cases/{case_id}/monitoring/visits",
    roles=SUPERVISORS, action="add a monitoring visit", input=inputs.AddVisitInput,
    check=ac.add_visit, body=aftercare_schemas.ExtraVisitIn,
    doc="Add an extra monitoring visit (supervisor, with a reason).",
    form=Form(
        "monitoring-visit", "Add a monitoring visit",
        lambda st, actor, today, o: inputs.AddVisitInput(actor=actor, due_on=today + FAR, reason="-"),
        fields=(Field("due_on", "Due on", "date"), REASON),
        button="Add visit",
    ),
)

END_MONITORING = Decision(
    update="end_monitoring", path="/cases/{case_id}/monitoring/end", roles=SUPERVISORS,
    action="end monitoring early", input=inputs.EndMonitoringInput, check=ac.end_monitoring,
    body=aftercare_schemas.EndMonitoringIn, doc="End monitoring early (supervisor, with a reason).",
    form=Form(
        "monitoring-end", "End monitoring early", sample={"reason": "-"},
        fields=(REASON,), button="End monitoring",
    ),
)

def _follow_up_offers(state: CaseState) -> list[Offer]:
    return [Offer(fixed={"member_id": f.member_id, "kind": f.kind.value},
                  suffix=f"{f.kind.value.replace('_', ' ')} {f.number}, due {f.due_on}")
            for f in state.minors.open_follow_ups()[:1]]


REPORT_MINOR_FOLLOW_UP = Decision(
    update="report_minor_follow_up", path="/cases/{case_id}/minors/follow-ups",
    roles=STAFF_OR_PARTNER, action="report a minor's follow-up",
    input=inputs.MinorFollowUpInput, check=minors.check_follow_up,
    body=protection_schemas.MinorFollowUpIn,
    doc="Report the family tracing or a best-interests follow-up of an unaccompanied minor as "
        "done (what was found goes in a case note).",
    answers=(TaskKind.MINOR_FOLLOW_UP,),
    form=Form(
        "minor-follow-up", "Report a minor's follow-up",
        lambda st, actor, today, o: inputs.MinorFollowUpInput(
            actor=actor, member_id=o.fixed["member_id"], kind=o.fixed["kind"],
            done_on=since(st, today)),
        fields=(Field("member_id", "Child", "hidden"), Field("kind", "Follow-up", "hidden"),
                Field("done_on", "Done on", "date", default=since_text)),
        offers=_follow_up_offers, probe_day=since, button="Report follow-up",
    ),
)

DECISIONS = (REPORT_MONITORING, ADD_VISIT, END_MONITORING, REPORT_MINOR_FOLLOW_UP)
