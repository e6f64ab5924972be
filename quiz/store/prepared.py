"""Statements compiled once for the engine's dialect and run straight through the driver.

For the review loop's hot path: SQLAlchemy's per-call work costs more than SQLite's own. Values
go through the column types' own bind processors, so rows read back exactly as ORM-written ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


class Prepared:
    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        self.order = list(compiled.positiontup or [])
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def params(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        processed = {
            name: (self.processors[name](value) if name in self.processors and value is not None else value)
            for name, value in values.items()
        }
        if self.positional:
            return tuple(processed[name] for name in self.order)
        return processed
