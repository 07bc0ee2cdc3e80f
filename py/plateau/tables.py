"""Result tables as Arrow IPC streams, built from the layouts in ``schemas/tables.json``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa

from .schemas import table_layout

_TYPES = {"int32": pa.int32(), "float64": pa.float64(), "utf8": pa.string()}


def arrow_schema(name: str) -> pa.Schema:
    return pa.schema(
        [pa.field(c["name"], _TYPES[c["type"]], nullable=bool(c.get("nullable", False))) for c in table_layout(name)]
    )


def build_table(name: str, rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """Rows → a table with exactly the layout's columns; a missing or extra column is an error."""
    schema = arrow_schema(name)
    want = set(schema.names)
    for i, row in enumerate(rows):
        extra, missing = set(row) - want, want - set(row)
        if extra or missing:
            raise ValueError(f"table {name!r} row {i}: extra {sorted(extra)}, missing {sorted(missing)}")
    columns = {f.name: pa.array([row[f.name] for row in rows], type=f.type) for f in schema}
    return pa.Table.from_pydict(columns, schema=schema)


def to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()
