"""A fund's projects in a year side by side: each counted over the part of the year inside
its period, with the totals (counts summed; money summed per currency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, select

from api.report_counts import Window
from api.reports import build_report
from models.enums import Fund
from models.schemas_reports import PortfolioReport, PortfolioRow, Spending
from models.tables import Project

COUNTS = ("persons_returned", "cases_returned", "cases_opened", "persons_reintegrated",
          "outreach_persons_reached", "referrals")


def fund_projects(session: Session, fund: Fund, year: int) -> list[Project]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return list(session.exec(
        select(Project).where(Project.fund == fund)
        .where(col(Project.period_start) <= last, col(Project.period_end) >= first)
        .order_by(col(Project.code))
    ).all())


def portfolio(session: Session, fund: Fund, year: int) -> PortfolioReport:
    rows: list[PortfolioRow] = []
    for project in fund_projects(session, fund, year):
        window = Window(start=max(date(year, 1, 1), project.period_start),
                        end=min(date(year, 12, 31), project.period_end))
        r = build_report(session, project, window)
        rows.append(PortfolioRow(
            project_id=project.id, project_code=project.code, project_title=project.title,
            start=window.start or project.period_start, end=window.end,
            currency=project.currency, total_budget=project.total_budget,
            persons_returned=r.persons_returned, cases_returned=r.cases_returned,
            cases_opened=r.cases_opened, persons_reintegrated=r.persons_reintegrated,
            outreach_persons_reached=r.outreach.persons_reached,
            referrals=int(r.reintegration_outcomes.referrals["total"]),
            spending_total=r.spending_total,
        ))
    budget: dict[str, Decimal] = {}
    spent: dict[str, Spending] = {}
    for row in rows:
        budget[row.currency] = budget.get(row.currency, Decimal("0.00")) + row.total_budget
        s = spent.setdefault(row.currency, Spending(
            total=Decimal("0.00"), eu_share=Decimal("0.00"), national_share=Decimal("0.00")))
        s.total += row.spending_total.total
        s.eu_share += row.spending_total.eu_share
        s.national_share += row.spending_total.national_share
    return PortfolioReport(
        fund=fund.value, year=year, projects=rows,
        totals={name: sum(getattr(r, name) for r in rows) for name in COUNTS},
        budget_by_currency=budget, spending_by_currency=spent,
    )
