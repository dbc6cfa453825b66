"""Querysets compiled to SQL once per process, then run with new values.

Why it exists: Django compiles a queryset's SQL again on every evaluation,
and for an uncached article that was most of the cost of its three queries
(issue 18; the profile is in README "Benchmarks"). The SQL depends
only on the code (the models and the queryset's shape), never on content, so
nothing here needs invalidating: a ``CompiledQuery`` builds its queryset once
per database alias with stand-in values, keeps the SQL and how
Django turns its rows into instances (the same ``from_db``, related
populators and converters ``ModelIterable`` uses), and each call runs that
SQL with the values at hand. The query is an ordinary one on the connection:
query counts (``CaptureQueriesContext``), execute wrappers and the statement
timeout see it as before.

Only what ``ModelIterable`` does for a plain queryset is kept: model
instances, ``select_related``, ``only``/``defer``; no annotations, no
``prefetch_related``, no ``values()``, and no "known related objects" (an
instance read through a related manager does not get its parent set). A
queryset outside that is refused when it is first compiled. The values are
integers (ids), each used once in the SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins for the values while compiling: ids no row has.
STAND_INS = tuple(-987_654_301 - number for number in range(8))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # per parameter: which value goes there, or None (a constant)
    converters: list[tuple[int, list, Any]]  # (column, converters, expression)
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list


class CompiledQuery:
    """``build(*ids)``'s queryset, compiled once; ``query(*ids)`` runs it.

    ``build`` must return the same shape of queryset for any ids (only the
    ids differ), as a queryset built from code does.
    """

    def __init__(self, model: type[Model], build: Callable[..., QuerySet]):
        self.model = model
        self.build = build
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, *ids: int) -> list[Model]:
        using = router.db_for_read(self.model)
        connection = connections[using]
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using, len(ids))
        params = [
            constant if slot is None else int(ids[slot])
            for constant, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        instances = []
        for fetched in rows:
            row = list(fetched) if compiled.converters else fetched
            # What SQLCompiler.apply_converters does (from_db_value...).
            for column, converters, expression in compiled.converters:
                value = row[column]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[column] = value
            instance = compiled.model.from_db(
                using, compiled.init_list, row[compiled.start : compiled.end]
            )
            for populator in compiled.populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def _compile(self, using: str, count: int) -> _Compiled:
        stand_ins = STAND_INS[:count]
        queryset = self.build(*stand_ins)
        if (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset.query.annotation_select
            or queryset.query.combinator
        ):
            raise ImproperlyConfigured(
                f"CompiledQuery runs plain model querysets only: {queryset.query}"
            )
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = tuple(
            stand_ins.index(param)
            if isinstance(param, int) and param in stand_ins
            else None
            for param in params
        )
        used = sorted(slot for slot in slots if slot is not None)
        if used != list(range(count)):
            raise ImproperlyConfigured(
                f"CompiledQuery: each id must appear once in the SQL: {sql} {params}"
            )
        select, klass_info = compiler.select, compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=[
                (column, converters, expression)
                for column, (converters, expression) in compiler.get_converters(
                    [column[0] for column in select[: compiler.col_count]]
                ).items()
            ],
            model=klass_info["model"],
            start=start,
            end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, using),
        )
