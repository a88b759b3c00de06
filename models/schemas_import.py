"""API schemas of the import of existing cases from CSV. Never tables.

One CSV line per person; the lines of one case share its ``external_ref`` and the case's
own columns are filled on the principal's line only (see README, "Importing existing cases").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.enums import ClosureReason, CostCategory, Relationship, Stage
from models.schemas import CaseBase, PersonIn

COMPLETED = "completed"  # a closure reason the after-arrival phase adds; stored as none till then
ImportCost = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PERSON_COLUMNS = (
    "external_ref", "relationship", "given_name", "family_name", "date_of_birth", "sex",
    "nationality", "passport_number", "passport_valid_until", "vulnerabilities",
)
COST_COLUMNS = tuple(f"cost_{c.value}" for c in CostCategory)
CASE_COLUMNS = (
    "country_of_origin", "legal_situation", "location_type", "location_name",
    "return_decision_date", "voluntary_departure_deadline", "preferred_language",
    "destination_city", "intake_date", "stage", "consent_signed_on", "departure_date",
    "arrival_date", "reintegration_date", "closure_date", "closure_reason", *COST_COLUMNS,
    "cost_currency",
)
REQUIRED_COLUMNS = ("external_ref", "relationship", "given_name", "family_name",
                    "date_of_birth", "sex", "nationality", "country_of_origin",
                    "legal_situation", "location_type", "intake_date")
# The column whose date a cost is booked on (document fee and other: see cost_dates).
COST_DAY = {
    CostCategory.TICKET: "departure_date",
    CostCategory.ESCORT: "departure_date",
    CostCategory.CASH_GRANT: "departure_date",
    CostCategory.POST_ARRIVAL: "arrival_date",
    CostCategory.REINTEGRATION: "reintegration_date",
}
STAGES = list(Stage)
DEPARTED_STAGES = STAGES[STAGES.index(Stage.DEPARTED):]
# Ongoing cases imported here were handed over and arrived (they need a partner and a date).
AFTER_ARRIVAL_STAGES = (Stage.REINTEGRATION, Stage.MONITORING, Stage.CLOSURE)


class ImportPerson(PersonIn):
    relationship: Relationship


class ImportCase(CaseBase):
    """The case's columns of the principal's line, checked as a whole."""

    model_config = ConfigDict(extra="forbid")

    intake_date: date
    stage: Stage | None = Field(default=None, description="Where an ongoing case is now")
    consent_signed_on: date | None = None
    departure_date: date | None = None
    arrival_date: date | None = None
    reintegration_date: date | None = None
    closure_date: date | None = None
    closure_reason: str | None = None
    cost_ticket: ImportCost | None = None
    cost_escort: ImportCost | None = None
    cost_document_fee: ImportCost | None = None
    cost_cash_grant: ImportCost | None = None
    cost_post_arrival: ImportCost | None = None
    cost_reintegration: ImportCost | None = None
    cost_other: ImportCost | None = None
    cost_currency: str | None = Field(
        default=None, pattern="^[A-Z]{3}$",
        description="ISO 4217 code of the cost amounts; it must be the project's currency",
    )

    @property
    def has_costs(self) -> bool:
        return any(getattr(self, column) is not None for column in COST_COLUMNS)

    @property
    def closed(self) -> bool:
        return self.closure_date is not None

    def cost_dates(self) -> dict[CostCategory, date | None]:
        """The day each category of cost is booked on: the event that caused it."""
        last = self.closure_date or self.departure_date or self.intake_date
        return {
            CostCategory.TICKET: self.departure_date,
            CostCategory.ESCORT: self.departure_date,
            CostCategory.CASH_GRANT: self.departure_date,
            CostCategory.DOCUMENT_FEE: self.departure_date or last,
            CostCategory.POST_ARRIVAL: self.arrival_date,
            CostCategory.REINTEGRATION: self.reintegration_date,
            CostCategory.OTHER: last,
        }

    @model_validator(mode="after")
    def _consistent(self) -> ImportCase:
        today = date.today()
        order = [("intake_date", self.intake_date), ("departure_date", self.departure_date),
                 ("arrival_date", self.arrival_date),
                 ("reintegration_date", self.reintegration_date)]
        given = [(n, d) for n, d in order if d is not None]
        for (first, a), (then, b) in pairwise(given):
            if b < a:
                raise ValueError(f"{then} {b} is before {first} {a}")
        for name, day in [*given, ("closure_date", self.closure_date),
                          ("consent_signed_on", self.consent_signed_on)]:
            if day is not None and day > today:
                raise ValueError(f"{name} {day} is in the future")
        if (self.arrival_date or self.reintegration_date) and self.departure_date is None:
            raise ValueError("arrival_date and reintegration_date need a departure_date")
        if self.closure_date is not None:
            if given and self.closure_date < given[-1][1]:
                raise ValueError(f"closure_date {self.closure_date} is before {given[-1][0]}")
            if self.stage not in (None, Stage.CLOSED):
                raise ValueError("a case with a closure_date is closed: leave stage empty")
            reason = self.closure_reason or COMPLETED
            known = [COMPLETED, *(r.value for r in ClosureReason if r.value != COMPLETED)]
            if reason not in known:
                raise ValueError(f"closure_reason {reason!r} is not one of {', '.join(known)}")
            if reason == COMPLETED and self.departure_date is None:
                raise ValueError("a completed case needs a departure_date; "
                                 "give the closure_reason of a case that never left")
        else:
            if self.closure_reason:
                raise ValueError("closure_reason needs a closure_date")
            if self.stage in (None, Stage.CLOSED):
                raise ValueError("an ongoing case (no closure_date) needs its stage")
            arrived = self.stage in AFTER_ARRIVAL_STAGES
            if arrived and self.arrival_date is None:
                raise ValueError(f"stage {self.stage} needs an arrival_date")
            if self.stage in (Stage.DEPARTED, Stage.ARRIVAL) and self.arrival_date is not None:
                raise ValueError(
                    f"stage {self.stage} is before the arrival is confirmed: no arrival_date "
                    "(a case that arrived is in reintegration, monitoring or closure)"
                )
            departed = self.stage in DEPARTED_STAGES
            if departed and self.departure_date is None:
                raise ValueError(f"stage {self.stage} needs a departure_date")
            if not departed and self.departure_date is not None:
                raise ValueError(f"stage {self.stage} is before departure: no departure_date")
            after_consent = STAGES.index(self.stage) > STAGES.index(Stage.CONSENT)
            if after_consent and self.consent_signed_on is None:
                raise ValueError(f"stage {self.stage} needs consent_signed_on")
        for category, day in self.cost_dates().items():
            if getattr(self, f"cost_{category.value}") is not None and day is None:
                raise ValueError(
                    f"cost_{category.value} is booked on the {COST_DAY[category]}, which is empty"
                )
        return self


class ImportedCase(BaseModel):
    line: int = Field(description="The line of the case's principal")
    external_ref: str
    case_id: str
    reference: str
    closed: bool = Field(description="Stored as history; no workflow runs")
    stage: Stage
    project_id: str = Field(
        description="The case's project: for a case imported before, maybe another project"
    )


class RefusedCase(BaseModel):
    lines: list[int] = Field(description="Every line of the refused case (1 is the header)")
    external_ref: str | None
    reasons: list[str] = Field(description="'line N: column: what is wrong', one per problem")


class ImportReport(BaseModel):
    imported: list[ImportedCase]
    already_imported: list[ImportedCase] = Field(
        description="Cases of this file imported before (same external_ref): left unchanged"
    )
    refused: list[RefusedCase]
