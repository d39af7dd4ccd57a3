"""Checks a vlaterm LeRobot v3.0 export with pyarrow only (no pandas, no lerobot) and prints one JSON object."""
import json
import struct
import sys
from pathlib import Path

import pyarrow.parquet as pq

root = Path(sys.argv[1])
info = json.loads((root / "meta/info.json").read_text())
stats = json.loads((root / "meta/stats.json").read_text())
out = {"info": info, "stats_keys": sorted(stats), "errors": []}
err = out["errors"].append

tasks_file = pq.ParquetFile(root / "meta/tasks.parquet")
pandas_meta = json.loads(tasks_file.metadata.metadata[b"pandas"])
out["tasks_index_columns"] = pandas_meta["index_columns"]
tasks = tasks_file.read().to_pylist()
out["tasks"] = {r["task"]: r["task_index"] for r in tasks}

episodes = pq.read_table(root / "meta/episodes/chunk-000/file-000.parquet")
out["episode_columns"] = episodes.column_names
episodes = episodes.to_pylist()
out["episodes"] = [{k: e[k] for k in ("episode_index", "tasks", "length", "dataset_from_index", "dataset_to_index",
                                      "data/chunk_index", "data/file_index")} for e in episodes]

rows = []
for e in episodes:
    p = root / info["data_path"].format(chunk_index=e["data/chunk_index"], file_index=e["data/file_index"])
    rows_in_file = pq.read_table(p)
    out["data_columns"] = rows_in_file.column_names
    out["data_schema"] = {f.name: str(f.type) for f in rows_in_file.schema}
    for r in rows_in_file.to_pylist():
        if r["episode_index"] == e["episode_index"]:
            rows.append(r)

fps = info["fps"]
images = [k for k, f in info["features"].items() if f["dtype"] == "image"]
for i, r in enumerate(rows):
    if r["index"] != i:
        err(f"row {i}: index {r['index']}")
    if abs(r["timestamp"] - r["frame_index"] / fps) > 1e-5:
        err(f"row {i}: timestamp {r['timestamp']} vs frame_index {r['frame_index']}")
    for k in images:
        b = r[k]["bytes"]
        if b[:8] != b"\x89PNG\r\n\x1a\n":
            err(f"row {i} {k}: not PNG")
        w, h = struct.unpack(">II", b[16:24])
        if [h, w, 3] != info["features"][k]["shape"]:
            err(f"row {i} {k}: PNG {w}x{h} vs shape {info['features'][k]['shape']}")
    if len(r["observation.state"]) != info["features"]["observation.state"]["shape"][0]:
        err(f"row {i}: state length")
for e in episodes:
    ep_rows = rows[e["dataset_from_index"]:e["dataset_to_index"]]
    if len(ep_rows) != e["length"] or any(r["episode_index"] != e["episode_index"] for r in ep_rows):
        err(f"episode {e['episode_index']}: rows do not match from/to index")
    if [r["next.done"] for r in ep_rows] != [False] * (len(ep_rows) - 1) + [True]:
        err(f"episode {e['episode_index']}: next.done not only on the last frame")
    if [r["frame_index"] for r in ep_rows] != list(range(len(ep_rows))):
        err(f"episode {e['episode_index']}: frame_index not 0..n-1")
out["frames"] = len(rows)
out["rows_sample"] = [{k: v for k, v in r.items() if k not in images} for r in rows[:3]]
out["intervention_frames"] = [r["index"] for r in rows if r["complementary_info.is_intervention"]]
out["task_per_frame"] = [r["task_index"] for r in rows]
out["stats_sample"] = {k: stats[k] for k in ("action", "timestamp", "observation.images.front") if k in stats}
print(json.dumps(out))
