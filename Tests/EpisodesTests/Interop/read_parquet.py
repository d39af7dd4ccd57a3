"""Reads Parquet files with pyarrow and prints one JSON object: schema, row counts, metadata, values.

Binary cells are reported as {"len": n, "hex8": first 8 bytes}; floats as Python floats.
"""
import json
import sys

import pyarrow.parquet as pq


def plain(v):
    if isinstance(v, bytes):
        return {"len": len(v), "hex8": v[:8].hex()}
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


out = {}
for path in sys.argv[1:]:
    f = pq.ParquetFile(path)
    table = f.read()
    md = f.metadata
    kv = {k.decode(): v.decode() for k, v in (md.metadata or {}).items()}
    out[path] = {
        "num_rows": md.num_rows,
        "schema": {field.name: str(field.type) for field in table.schema},
        "columns": table.column_names,
        "metadata": kv,
        "rows": [plain(r) for r in table.to_pylist()],
    }
print(json.dumps(out))
