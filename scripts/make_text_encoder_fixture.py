#!/usr/bin/env python3
"""Writes Tests/PolicyTests/Fixtures/minilm_reference.json: token ids and embeddings of all-MiniLM-L6-v2
as computed by the real sentence-transformers, so the Swift tests can compare without PyTorch.

Run once (needs sentence-transformers + torch, which vlaterm itself never needs):
    python3 -m venv .venv-ref && .venv-ref/bin/pip install sentence-transformers torch
    .venv-ref/bin/python scripts/make_text_encoder_fixture.py
The model is loaded offline from the same folder vlaterm uses (VLATERM_TEXT_ENCODER or
~/.cache/vlaterm/all-MiniLM-L6-v2, filled by scripts/setup.sh).
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

MODEL_DIR = os.environ.get("VLATERM_TEXT_ENCODER", os.path.expanduser("~/.cache/vlaterm/all-MiniLM-L6-v2"))
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "PolicyTests", "Fixtures", "minilm_reference.json")

LONG = " ".join(
    f"step {i}: move the gripper above the red cube, lower it slowly, close the fingers and lift." for i in range(40)
)

SENTENCES = [
    "pick up the red cube and put it in the bin",
    "Put the GREEN block into the bowl.",
    "grab the crimson cube and drop it in the bin",
    "move the arm 15 cm to the left, then stop!",
    "Stack the blue cube on top of the yellow one; don't knock it over...",
    "place the mug (the white one) on the tray",
    "Déposez le cube rouge dans la boîte, s'il vous plaît.",
    "naïve café crème brûlée — Ångström résumé",
    "ROBOT: push the button #3 @ 10:45 & wait 2.5s",
    "pick up the 🍎 and place it next to the 📦",
    "把红色方块放进盒子里",
    "赤いキューブを箱に入れてください",
    "빨간 큐브를 상자에 넣어",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "grab the thingamajigwhosit near the flibbertigibbet",
    "a" * 120 + " is a very long word",
    "tabs\tand\nnewlines   and    spaces",
    "",
    "   ",
    "hello\u0000world\u200bzero width",
    "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX!",
    "x = 3.14159; y = 2e-5; z = 1,000,000",
    "It's the robot's job—isn't it?—to \"fetch\" the 'tool'.",
    "Ελληνικά και русский текст",
    "open the drawer",
    LONG,
]


def main() -> int:
    torch.set_num_threads(2)
    model = SentenceTransformer(MODEL_DIR, device="cpu")
    cases = []
    for s in SENTENCES:
        ids = model.tokenize([s])["input_ids"][0].tolist()
        emb = model.encode([s], convert_to_numpy=True, normalize_embeddings=True)[0]
        cases.append({"text": s, "ids": ids, "embedding": [round(float(v), 8) for v in emb]})
    doc = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_seq_length": model.max_seq_length,
        "generator": "scripts/make_text_encoder_fixture.py",
        "sentence_transformers": __import__("sentence_transformers").__version__,
        "torch": torch.__version__,
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}; longest {max(len(c['ids']) for c in cases)} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
