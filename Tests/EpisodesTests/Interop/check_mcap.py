"""Reads a vlaterm episode with the reference Python `mcap` reader and prints one JSON object.

Checks made here (the Swift test asserts on the JSON): the linear StreamReader with CRC validation
(chunk CRCs and the DataEnd data-section CRC), the seeking reader's summary (schemas, channels,
statistics, chunk indexes), the footer's summary CRC, every MessageIndex entry pointing at a message
with that log time, and protobuf decoding of every message through the descriptors embedded in the file.
"""
import json
import struct
import sys
import zlib

from mcap.reader import make_reader
from mcap.records import Chunk, DataEnd, Footer, MessageIndex
from mcap.stream_reader import StreamReader, breakup_chunk
from mcap_protobuf.decoder import DecoderFactory

path = sys.argv[1]
out = {}

# 1. Linear pass with CRC validation.
records = {}
chunk_messages = {}
with open(path, "rb") as f:
    for rec in StreamReader(f, validate_crcs=True).records:
        records[type(rec).__name__] = records.get(type(rec).__name__, 0) + 1
out["records"] = records

# 2. Summary through the seeking reader, metadata, decoded messages.
with open(path, "rb") as f:
    reader = make_reader(f, validate_crcs=True, decoder_factories=[DecoderFactory()])
    summary = reader.get_summary()
    out["schemas"] = sorted(s.name for s in summary.schemas.values())
    out["schema_encodings"] = sorted({s.encoding for s in summary.schemas.values()})
    out["topics"] = sorted(c.topic for c in summary.channels.values())
    out["message_count"] = summary.statistics.message_count
    out["chunk_count"] = summary.statistics.chunk_count
    out["chunk_indexes"] = len(summary.chunk_indexes)
    out["metadata_count"] = summary.statistics.metadata_count
    out["metadata"] = {m.name: dict(m.metadata) for m in reader.iter_metadata()}
    decoded = {}
    for schema, channel, message, proto in reader.iter_decoded_messages(log_time_order=True):
        d = decoded.setdefault(channel.topic, {"count": 0, "first": None, "last": None, "sequences": []})
        d["count"] += 1
        d["sequences"].append(message.sequence)
        if schema.name == "foxglove.CompressedImage":
            v = {"format": proto.format, "frame_id": proto.frame_id, "bytes": len(proto.data),
                 "jpeg_magic": proto.data[:2].hex(), "stamp": proto.timestamp.seconds * 10**9 + proto.timestamp.nanos,
                 "log_time": message.log_time}
        elif schema.name == "vlaterm.RobotState":
            v = {"joint_positions": list(proto.joint_positions), "ee_position": list(proto.ee_position),
                 "ee_orientation_wxyz": list(proto.ee_orientation_wxyz), "gripper": proto.gripper}
        elif schema.name == "vlaterm.ActionSent":
            v = {"dx": proto.dx, "dy": proto.dy, "dz": proto.dz, "dyaw": proto.dyaw, "gripper": proto.gripper}
        elif schema.name == "vlaterm.ControlSource":
            v = {"source": proto.source, "intervention": proto.intervention}
        else:
            v = {"text": proto.text}
        d["last"] = v
        if d["first"] is None:
            d["first"] = v
    for d in decoded.values():
        d["sequences_in_order"] = d["sequences"] == sorted(d["sequences"])
        del d["sequences"]
    out["decoded"] = decoded

# 3. Footer summary CRC and message indexes, by hand from the raw bytes.
data = open(path, "rb").read()
footer_at = len(data) - 8 - (1 + 8 + 20)
assert data[footer_at] == 0x02, "footer opcode"
summary_start, summary_offset_start, summary_crc = struct.unpack_from("<QQI", data, footer_at + 9)
out["summary_crc_ok"] = zlib.crc32(data[summary_start:footer_at + 9 + 16]) == summary_crc
index_ok = True
checked = 0
for ci in summary.chunk_indexes:
    chunk_bytes = data[ci.chunk_start_offset:ci.chunk_start_offset + ci.chunk_length]
    assert chunk_bytes[0] == 0x06
    with open(path, "rb") as f:
        f.seek(ci.chunk_start_offset)
        chunk = next(iter(StreamReader(f, skip_magic=True, emit_chunks=True).records))
    assert isinstance(chunk, Chunk)
    from mcap.stream_reader import get_chunk_data_stream
    stream, _ = get_chunk_data_stream(chunk, validate_crc=True)
    raw = stream.read(chunk.uncompressed_size)
    for channel_id, offset in ci.message_index_offsets.items():
        with open(path, "rb") as f:
            f.seek(offset)
            mi = next(iter(StreamReader(f, skip_magic=True).records))
        if not isinstance(mi, MessageIndex) or mi.channel_id != channel_id:
            index_ok = False
            continue
        for log_time, rec_offset in mi.records:
            op = raw[rec_offset]
            (ch,) = struct.unpack_from("<H", raw, rec_offset + 9)
            (lt,) = struct.unpack_from("<Q", raw, rec_offset + 9 + 2 + 4)
            index_ok &= op == 0x05 and ch == channel_id and lt == log_time
            checked += 1
out["message_index_ok"] = index_ok
out["message_index_entries"] = checked
print(json.dumps(out))
