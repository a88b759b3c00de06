"""The border guard and the migration office by e-mail: the departure notice reaches the
configured addresses once per case, authority and departure date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from temporalio.testing import ActivityEnvironment

from activities.authorities import AuthorityActivities
from activities.authorities_email import EmailAuthorities
from models.enums import LocationType
from models.external import Authority, AuthorityNotice
from tests.activities.mail_cases import OFFICE, case_with_household
from tests.smtp import SmtpServer, smtp_server  # noqa: F401

ADDRESSES = {
    Authority.BORDER_GUARD: ["departures@border.test"],
    Authority.MIGRATION_OFFICE: ["notices@migration.test", "duty@migration.test"],
}


async def test_the_notice_is_mailed_once_to_each_authority(
    engine: Engine, smtp_server: SmtpServer  # noqa: F811
) -> None:
    case, _ = case_with_household(engine)
    acts = AuthorityActivities(EmailAuthorities(engine, smtp_server.client(), OFFICE, ADDRESSES))
    notice = AuthorityNotice(
        case_id=case.id, authority=Authority.BORDER_GUARD, planned_departure=date(2026, 12, 20),
        travellers=3, location_type=LocationType.DETENTION_CENTRE,
    )
    env = ActivityEnvironment()
    result = await env.run(acts.notify_authority, notice)
    assert result.reference == f"{case.reference}/BG-2026-12-20"
    assert await env.run(acts.notify_authority, notice) == result  # a retry mails nothing
    migration = notice.model_copy(update={"authority": Authority.MIGRATION_OFFICE})
    await env.run(acts.notify_authority, migration)

    to_border, to_migration = smtp_server.inbox.received
    assert to_border.rcpt_tos == ["departures@border.test"]
    assert sorted(to_migration.rcpt_tos) == ["duty@migration.test", "notices@migration.test"]
    body = to_border.body
    for expected in (case.reference, result.reference, "2026-12-20", "detention centre",
                     "ბერიძე, ნინო", "Петров, Иван", "Beridze, Luka",
                     "Valsts robežsardzi", "State Border Guard"):
        assert expected in body, expected
    assert case.reference in to_border.subject

    # A new departure date is a new notice.
    moved = notice.model_copy(update={"planned_departure": date(2026, 12, 27)})
    assert (await env.run(acts.notify_authority, moved)).reference.endswith("BG-2026-12-27")
    assert len(smtp_server.inbox.received) == 3
