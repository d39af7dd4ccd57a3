#!/usr/bin/env python3
"""Python twin of `vlaterm bench embed`: sentence-transformers all-MiniLM-L6-v2 on the same 16-token
sentence, PyTorch CPU with a fixed thread count. Prints one JSON object on stdout.

    .venv-st/bin/python Benchmarks/python/bench_embed.py --runs 300 --threads 1
(needs sentence-transformers + torch: see scripts/make_text_encoder_fixture.py; vlaterm itself never does)
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SENTENCE = "please pick up the small red cube and put it in the blue bin"  # 16 tokens with [CLS]/[SEP]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", default=os.environ.get("VLATERM_TEXT_ENCODER", os.path.expanduser("~/.cache/vlaterm/all-MiniLM-L6-v2")))
    a = ap.parse_args()
    import torch
    from sentence_transformers import SentenceTransformer
    torch.set_num_threads(a.threads)
    model = SentenceTransformer(a.model, device="cpu")
    tokens = len(model.tokenize([SENTENCE])["input_ids"][0])

    def encode():
        return model.encode(SENTENCE, normalize_embeddings=True, show_progress_bar=False)

    def forward_only(features):
        with torch.inference_mode():
            return model(features)["sentence_embedding"]

    for _ in range(20):
        encode()
    times, cpu = [], []
    for _ in range(a.runs):
        c0 = time.process_time(); t0 = time.perf_counter(); encode()
        times.append((time.perf_counter() - t0) * 1000); cpu.append((time.process_time() - c0) * 1000)
    features = model.tokenize([SENTENCE])
    for _ in range(20):
        forward_only(features)
    fwd = []
    for _ in range(a.runs):
        t0 = time.perf_counter(); forward_only(features); fwd.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "peer": "sentence-transformers " + __import__("sentence_transformers").__version__ + ", torch " + torch.__version__,
        "threads": a.threads, "runs": a.runs, "tokens": tokens,
        "encode_median_ms": statistics.median(times),
        "encode_cpu_median_ms": statistics.median(cpu),
        "forward_only_median_ms": statistics.median(fwd),
    }))


if __name__ == "__main__":
    main()
