"""Messages of the exchange between installations, signed as another installation signs
them, for the tests of the inbound half (api/exchange_inbox.py) and its proposals."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from activities.exchange_outbox import signed_headers
from api.exchange_inbox import receive
from core.settings import Settings
from models.exchange import Envelope, MessageType

SECRET = "a-secret-both-installations-share"


def signed(envelope: Envelope, *, sender: str = "GE-homeward", secret: str = SECRET,
           age: int = 0) -> tuple[dict[str, str], bytes]:
    body = envelope.model_dump_json().encode()
    headers = signed_headers(secret, sender, envelope.message_id, body,
                             timestamp=str(int(time.time()) - age))
    return {k.lower(): v for k, v in headers.items()}, body


PERSON = {"given_name": "Nino", "family_name": "Beridze", "date_of_birth": "1990-04-01",
          "sex": "female", "relationship": "principal", "vulnerabilities": ["single_parent"]}
CONSENT = {"share_with_partner": True, "declaration_signed_on": "2026-11-01"}


def proposal_message(type_: MessageType, sequence: int, **package: Any) -> Envelope:
    """A message of version 2 from GE-homeward about its case remote-case, before departure."""
    body = {"package": {"kind": "proposal", "case_id": "remote-case", "reference": "GE-7",
                        "country_of_origin": "LV", "destination_city": "Riga",
                        "preferred_language": "lv", "household": [PERSON],
                        "needs": {"wants_to_do": "open a bakery", "skills": "baker",
                                  "health": "", "housing": "with her sister"}} | package,
            "consent": CONSENT}
    return Envelope(exchange_version="2", message_id=f"m-{type_}-{sequence}", type=type_,
                    sender="GE-homeward", conversation_id="remote-case", sequence=sequence,
                    sent_at=datetime.now(UTC), body=body)


async def received(engine: Engine, client: Any, settings: Settings, envelope: Envelope
                   ) -> str:
    headers, body = signed(envelope)
    return str((await receive(engine, client, settings, headers, body))["status"])


def withdrawn_message(sequence: int, reason: str = "another_partner") -> Envelope:
    return Envelope(exchange_version="2", message_id=f"m-withdrawn-{sequence}",
                    type=MessageType.WITHDRAWN, sender="GE-homeward",
                    conversation_id="remote-case", sequence=sequence,
                    sent_at=datetime.now(UTC), body={"reason": reason})
