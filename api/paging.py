"""How a list route pages: ``?offset=&limit=`` (at most 200 rows a page, from at most a
million rows in: the work queue reads the rows before its page), and a page of a whole table
with the table's count."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query
from sqlmodel import Session, SQLModel, func, select

Row = TypeVar("Row", bound=SQLModel)


class Page:
    """The rows after ``offset``, at most ``limit`` of them."""

    def __init__(
        self,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> None:
        self.offset, self.limit = offset, limit

    def of_table(self, session: Session, table: type[Row], *order_by: Any) -> tuple[list[Row], int]:
        """This page of the table's rows in that order, and how many rows the table holds."""
        rows = session.exec(
            select(table).order_by(*order_by).offset(self.offset).limit(self.limit)
        ).all()
        return list(rows), session.exec(select(func.count()).select_from(table)).one()


PageDep = Annotated[Page, Depends()]
