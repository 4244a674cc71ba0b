"""A table of records held as columns: what a `Case` keeps of each of its tables.

A case of 100,000 households holds about half a million records. As pydantic objects they cost well over a
kilobyte each (their field dict, the set of fields given, the object), and every layer that reads them loops
over them field by field. `Records` keeps one tuple per field instead, with repeated texts (grids, items, the
households needs belong to) shared, and makes a record only when one is asked for. It is a read-only sequence
of its model's records, so code written for a tuple of records works unchanged; code that reads a whole table
reads its columns (`column`), which is what keeps reading, solving and explaining a large case fast.

The columns are trusted: they come from records pydantic validated, or from the file readers, which check
every cell by the same field rules before they build a table. Building one from anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar, get_args, overload

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import core_schema

R = TypeVar("R", bound=BaseModel)


class Records(Sequence[R], Generic[R]):
    """The records of one table, column by column; a record is built when indexed or iterated."""

    __slots__ = ("_columns", "_fields", "_n", "model")

    def __init__(self, model: type[R], columns: Mapping[str, Sequence[Any]]) -> None:
        """`columns` holds one sequence per field of `model`, all of one length, of values already valid."""
        fields = tuple(model.model_fields)
        if set(columns) != set(fields):
            raise ValueError(f"columns {sorted(columns)} are not the fields of {model.__name__}: {sorted(fields)}")
        lengths = {len(columns[f]) for f in fields}
        if len(lengths) > 1:
            raise ValueError(f"the columns of {model.__name__} differ in length: {sorted(lengths)}")
        self.model = model
        self._fields = fields
        self._columns = {f: tuple(columns[f]) for f in fields}
        self._n = lengths.pop() if lengths else 0

    @classmethod
    def of(cls, model: type[R], records: Iterable[R]) -> Records[R]:
        """The table of `records`, which must be instances of `model`."""
        fields = tuple(model.model_fields)
        return cls.from_tuples(model, (tuple(r.__dict__[f] for f in fields) for r in records))

    @classmethod
    def from_tuples(cls, model: type[R], rows: Iterable[Sequence[Any]]) -> Records[R]:
        """The table of `rows`, each the values of one record in `model`'s field order, already valid."""
        fields = tuple(model.model_fields)
        columns = tuple(zip(*rows, strict=True)) or ((),) * len(fields)
        return cls(model, dict(zip(fields, columns, strict=True)))

    @classmethod
    def taken(cls, model: type[R], rows: Iterable[R | Mapping[str, Any]]) -> Records[R]:
        """`rows` as a table of `model`, as a model's `Records` field takes them: a `Records` of `model` as it is,
        records of `model` as they are, anything else validated by `model` first (what `model_copy` needs, which
        pydantic does not validate)."""
        if isinstance(rows, Records) and rows.model is model:
            return rows
        return cls.of(model, (r if isinstance(r, model) else model.model_validate(r) for r in rows))

    def take(self, rows: Iterable[int]) -> Records[R]:
        """The table of the rows at `rows`, in that order (picked in C: `itemgetter` over each column)."""
        at = list(rows)
        if len(at) < 2:
            return Records(self.model, {f: [c[i] for i in at] for f, c in self._columns.items()})
        pick = itemgetter(*at)
        return Records(self.model, {f: pick(c) for f, c in self._columns.items()})

    def extended(self, records: Iterable[R]) -> Records[R]:
        """The table with `records` (instances of its model) after its rows, without making a record of its own."""
        more = Records.of(self.model, records)
        return Records(self.model, {f: c + more.column(f) for f, c in self._columns.items()})

    def column(self, name: str) -> tuple[Any, ...]:
        """Every value of one field, in row order."""
        return self._columns[name]

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> R: ...
    @overload
    def __getitem__(self, i: slice) -> Records[R]: ...
    def __getitem__(self, i: int | slice) -> R | Records[R]:
        if isinstance(i, slice):
            return Records(self.model, {f: c[i] for f, c in self._columns.items()})
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(f"{self.model.__name__} row {i} is out of range ({self._n} rows)")
        return self._record({f: c[i] for f, c in self._columns.items()})

    def __iter__(self) -> Iterator[R]:
        fields, make = self._fields, self._record
        for values in zip(*self._columns.values(), strict=True):
            yield make(dict(zip(fields, values, strict=True)))

    def _record(self, values: dict[str, Any]) -> R:
        """A record of valid values without validating them again (what `model_construct` does, at a quarter of
        its cost: it would look up every field's default first)."""
        record = self.model.__new__(self.model)
        object.__setattr__(record, "__dict__", values)
        object.__setattr__(record, "__pydantic_fields_set__", set(self._fields))
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Records):
            return self.model is other.model and self._columns == other._columns
        if isinstance(other, tuple | list):
            return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.model, *self._columns.values()))

    def __add__(self, other: Iterable[R]) -> tuple[R, ...]:
        return (*self, *other)

    def __radd__(self, other: Iterable[R]) -> tuple[R, ...]:
        return (*other, *self)

    def __repr__(self) -> str:
        return f"Records[{self.model.__name__}]({self._n} rows)"

    def __getstate__(self) -> tuple[type[R], dict[str, tuple[Any, ...]]]:
        return self.model, self._columns

    def __setstate__(self, state: tuple[type[R], dict[str, tuple[Any, ...]]]) -> None:
        model, columns = state
        self.model, self._fields, self._columns = model, tuple(columns), columns
        self._n = len(next(iter(columns.values()), ()))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """As a model's field: a `Records` of the right model is taken as it is; anything else is validated as a
        tuple of records (errors at `field[row].name`, as for a tuple) and then held as columns. It dumps as a
        tuple of records."""
        (model,) = get_args(source)
        rows = handler.generate_schema(tuple[model, ...])  # type: ignore[valid-type]

        def validate(value: Any, rows_of: core_schema.ValidatorFunctionWrapHandler) -> Records[Any]:
            if isinstance(value, Records) and value.model is model:
                return value
            return cls.of(model, rows_of(value))

        return core_schema.no_info_wrap_validator_function(
            validate,
            rows,
            serialization=core_schema.wrap_serializer_function_ser_schema(
                lambda value, dump: dump(tuple(value)), schema=rows
            ),
        )
