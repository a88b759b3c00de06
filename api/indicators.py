"""Common indicators computed from the report's figures, each with its definition and source,
and those Homeward cannot compute with the reason.

AMIF: Regulation (EU) 2021/1147 establishing the Asylum, Migration and Integration Fund,
Annex VIII (output and result indicators referred to in Article 33(1)), specific objective 3
(countering irregular migration, effective, safe and dignified return and readmission).
EMN: European Migration Network, Guidelines for Monitoring and Evaluation of AVR(R)
Programmes (Return Expert Group, January 2016), the suggested core monitoring indicators.
The EMN codes below are Homeward's labels, not numbers of the guidelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.i18n import N_
from models.schemas_reports import (
    Indicator,
    IndicatorNotComputed,
    OutreachFigures,
    ReintegrationOutcomes,
    Spending,
)

AMIF = "AMIF 2021-2027 (Regulation (EU) 2021/1147)"
AMIF_SOURCE = ("Regulation (EU) 2021/1147, Annex VIII, specific objective 3 (return), {which}; "
               "OJ L 251, 15.7.2021, p. 1, "
               "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32021R1147")
EMN = "EMN core AVR(R) indicators (2016)"
# The units the page shows after a value (translated there; the API keeps these).
UNITS = (N_("persons"), N_("cases"), N_("days"))
EMN_SOURCE = ("European Migration Network, Guidelines for Monitoring and Evaluation of AVR(R) "
              "Programmes, January 2016, section 5 (suggested core monitoring indicators), "
              "https://migrantprotection.iom.int/en/resources/guideline/"
              "guidelines-monitoring-and-evaluation-avrr-programmes")


@dataclass(frozen=True)
class Figures:
    """What the indicators are computed from (the report's own figures)."""

    persons_returned: int
    persons_reintegrated: int
    training_participants: int
    average_days_intake_to_departure: float | None
    cases_withdrawn_or_absconded: int
    cases_opened: int
    spending_total: Spending
    outreach: OutreachFigures
    outcomes: ReintegrationOutcomes


def compute(f: Figures) -> tuple[list[Indicator], list[IndicatorNotComputed]]:
    cost = (
        float((f.spending_total.total / f.persons_returned).quantize(Decimal("0.01")))
        if f.persons_returned else None
    )
    share_12 = f.outcomes.share_above_threshold_at_12_months.get("overall")
    computed = [
        Indicator(
            code="AMIF-O.3.1", framework=AMIF,
            name=N_("Number of participants in training activities"),
            definition="Participants in the training activities the project held in the period.",
            source=AMIF_SOURCE.format(which="output indicator 1"),
            value=f.training_participants, unit="persons",
            computed_from="project activities of type training: participants",
        ),
        Indicator(
            code="AMIF-O.3.3", framework=AMIF,
            name=N_("Number of returnees who received re-integration assistance"),
            definition="Returnees whose first reintegration assistance was delivered in the "
            "period (each member of the household who travelled).",
            source=AMIF_SOURCE.format(which="output indicator 3"),
            value=f.persons_reintegrated, unit="persons",
            computed_from="persons_reintegrated",
        ),
        Indicator(
            code="AMIF-R.3.6", framework=AMIF,
            name=N_("Number of returnees who have voluntarily returned"),
            definition="Persons who departed in the period under the project's assisted "
            "voluntary return (every return Homeward organises is voluntary).",
            source=AMIF_SOURCE.format(which="result indicator 6"),
            value=f.persons_returned, unit="persons", computed_from="persons_returned",
        ),
        Indicator(
            code="EMN-returnees", framework=EMN,
            name=N_("Number of persons assisted to return voluntarily (by sex, age, country of "
                    "return, vulnerability)"),
            definition="Persons who departed in the period; the breakdowns are the report's "
            "persons_returned_by_* tables.",
            source=EMN_SOURCE, value=f.persons_returned, unit="persons",
            computed_from="persons_returned and its breakdowns",
        ),
        Indicator(
            code="EMN-outreach", framework=EMN,
            name=N_("Number of persons reached by information and counselling on AVR(R)"),
            definition="Persons reached by information sessions and counselling contacts in "
            "the period, with or without a case (by nationality, sex and age band in the "
            "outreach section).",
            source=EMN_SOURCE, value=f.outreach.persons_reached, unit="persons",
            computed_from="outreach.persons_reached",
        ),
        Indicator(
            code="EMN-applications", framework=EMN,
            name=N_("Number of applications for AVR(R)"),
            definition="Cases opened in the period (one per household that applied).",
            source=EMN_SOURCE, value=f.cases_opened, unit="cases",
            computed_from="cases_opened",
        ),
        Indicator(
            code="EMN-drop-outs", framework=EMN,
            name=N_("Number of applicants who did not depart (withdrew or absconded)"),
            definition="Cases closed in the period as withdrawn or absconded.",
            source=EMN_SOURCE, value=f.cases_withdrawn_or_absconded, unit="cases",
            computed_from="cases_closed_by_reason: withdrawn + absconded",
        ),
        Indicator(
            code="EMN-time-to-departure", framework=EMN,
            name=N_("Average time from application to departure"),
            definition="Days from the case's opening to its departure, averaged over the "
            "households that departed in the period.",
            source=EMN_SOURCE, value=f.average_days_intake_to_departure, unit="days",
            computed_from="average_days_intake_to_departure",
        ),
        Indicator(
            code="EMN-reintegration", framework=EMN,
            name=N_("Number of returnees who received reintegration assistance"),
            definition="As AMIF-O.3.3; the components delivered by category and level are in "
            "the reintegration outcomes section.",
            source=EMN_SOURCE, value=f.persons_reintegrated, unit="persons",
            computed_from="persons_reintegrated",
        ),
        Indicator(
            code="EMN-cost-per-returnee", framework=EMN,
            name=N_("Average cost per returnee"),
            definition="The period's spending (every category) divided by the persons who "
            "returned in the period.",
            source=EMN_SOURCE, value=cost, unit="currency",
            computed_from="spending_total.total / persons_returned",
        ),
        Indicator(
            code="EMN-sustainability", framework=EMN,
            name=N_("Sustainability of reintegration at 12 months"),
            definition=f"Share of the 12-month monitoring visits reported in the period whose "
            f"overall sustainability score is at or above "
            f"{f.outcomes.sustainability_threshold}.",
            source=EMN_SOURCE, value=share_12, unit="%",
            computed_from="reintegration_outcomes.share_above_threshold_at_12_months.overall",
        ),
    ]
    missing = [
        IndicatorNotComputed(
            code="AMIF-O.3.2", framework=AMIF,
            name=N_("Number of items of equipment purchased, including ICT systems"),
            source=AMIF_SOURCE.format(which="output indicator 2"),
            reason=N_("Homeward books costs of cases (tickets, grants, reintegration...), not "
            "purchases of equipment or IT systems."),
        ),
        IndicatorNotComputed(
            code="AMIF-O.3.4/O.3.5", framework=AMIF,
            name=N_("Number of places in detention centres created / refurbished"),
            source=AMIF_SOURCE.format(which="output indicators 4 and 5"),
            reason=N_("Detention capacity is not part of an assisted voluntary return case."),
        ),
        IndicatorNotComputed(
            code="AMIF-R.3.7", framework=AMIF,
            name=N_("Number of returnees who were removed"),
            source=AMIF_SOURCE.format(which="result indicator 7"),
            reason=N_("Homeward organises voluntary returns only; forced removals are recorded "
            "by the authorities' systems."),
        ),
        IndicatorNotComputed(
            code="AMIF-R.3.8", framework=AMIF,
            name=N_("Number of returnees subject to alternatives to detention"),
            source=AMIF_SOURCE.format(which="result indicator 8"),
            reason=N_("Alternatives to detention are decided by the authorities and not recorded "
            "on the case."),
        ),
        IndicatorNotComputed(
            code="EMN-re-migration", framework=EMN,
            name=N_("Returnees who re-migrated or re-applied after return"),
            source=EMN_SOURCE,
            reason=N_("Monitoring ends at the last visit; a later departure from the country of "
            "return is not known to Homeward."),
        ),
        IndicatorNotComputed(
            code="EMN-satisfaction", framework=EMN,
            name=N_("Returnees' satisfaction with the assistance"),
            source=EMN_SOURCE,
            reason=N_("No satisfaction survey is recorded; monitoring visits score sustainability, "
            "not satisfaction."),
        ),
        IndicatorNotComputed(
            code="EMN-campaign-reach", framework=EMN,
            name=N_("Persons reached by information campaigns (mass media)"),
            source=EMN_SOURCE,
            reason=N_("Campaigns are recorded as activities without an audience count; only "
            "sessions and counselling contacts count persons reached."),
        ),
    ]
    return computed, missing
