"""The returnee's bank account for a case, checked as the bank would (schwifty)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator
from schwifty import BIC, IBAN
from sqlmodel import Session

from core.db import write_transaction
from models.payments import BankAccount
from models.tables import utcnow


class BankAccountIn(BaseModel):
    """An IBAN with its check digits and the bank's BIC; a wrong one is refused naming it."""

    model_config = ConfigDict(extra="forbid")

    iban: str = Field(min_length=1, max_length=42)
    bic: str = Field(min_length=1, max_length=11)
    holder: str = Field(min_length=1, max_length=70)

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        try:
            return IBAN(value).compact
        except ValueError as err:
            raise ValueError(f"not a valid IBAN: {err}") from err

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str) -> str:
        try:
            return str(BIC(value))
        except ValueError as err:
            raise ValueError(f"not a valid BIC: {err}") from err


class BankAccountPublic(BaseModel):
    case_id: str
    iban: str
    bic: str
    holder: str
    updated_by: str
    updated_at: datetime


def save_account(session: Session, case_id: str, data: BankAccountIn, actor_id: str) -> BankAccount:
    """Record or correct the account (a returned transfer is retried to the corrected one)."""
    with write_transaction(session):
        account = session.get(BankAccount, case_id)
        if account is None:
            account = BankAccount(case_id=case_id, updated_by=actor_id, **data.model_dump())
        else:
            account.sqlmodel_update({**data.model_dump(), "updated_by": actor_id,
                                     "updated_at": utcnow()})
        session.add(account)
        session.commit()
    session.refresh(account)
    return account
