#!/usr/bin/env python3
"""PyTorch twin of `vlaterm bench policy`: the embedded VLA's architecture (per-camera conv stack with FiLM
from a 384-D instruction embedding, 1x1 keypoint maps with a gain and instruction-query attention maps, each
through spatial softmax, text projection, MLP, action-chunk head and auxiliary grasp/place-point head) with
the same sizes, timed for one forward per chunk (batch 1, no grad) and one training step (forward + L1 loss +
backward + AdamW) on the same batch size. CPU, fixed thread count. Prints one JSON object.

    .venv-ref/bin/python Benchmarks/python/bench_policy.py --threads 2 --batch 32 --runs 30
"""
import argparse
import json
import statistics
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--chunk", type=int, default=10)
    ap.add_argument("--conv-channels", default="16,32,32")
    ap.add_argument("--conv-kernels", default="5,3,3")
    ap.add_argument("--conv-strides", default="2,2,1")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--keypoints", type=int, default=16)
    ap.add_argument("--text-keypoints", type=int, default=8)
    ap.add_argument("--keypoint-gain", type=float, default=10)
    ap.add_argument("--auxiliary-points", type=int, default=2)
    a = ap.parse_args()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    ints = lambda s: [int(v) for v in s.split(",")]
    channels, kernels, strides = ints(a.conv_channels), ints(a.conv_kernels), ints(a.conv_strides)
    cams, text_dim, text_proj, hidden, proprio, act = 2, 384, 64, a.hidden, 5, 5

    class SpatialSoftmax(nn.Module):
        def forward(self, x):
            b, c, h, w = x.shape
            p = F.softmax(x.reshape(b, c, h * w), dim=-1).reshape(b, c, h, w)
            xs = torch.linspace(-1, 1, w); ys = torch.linspace(-1, 1, h)
            ex = (p.sum(2) * xs).sum(-1); ey = (p.sum(3) * ys).sum(-1)
            return torch.stack([ex, ey], -1).reshape(b, c * 2)

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            ins = [3] + channels[:-1]
            self.convs = nn.ModuleList(nn.Conv2d(i, o, k, s, k // 2) for i, o, k, s in zip(ins, channels, kernels, strides))
            self.films = nn.ModuleList(nn.Linear(text_dim, 2 * o) for o in channels)
            self.ss = SpatialSoftmax()
            c = channels[-1]
            self.keypoints = nn.Conv2d(c, a.keypoints, 1) if a.keypoints > 0 else None
            self.query = nn.Linear(text_dim, a.text_keypoints * c) if a.text_keypoints > 0 else None

        def forward(self, img, text):
            x = img
            for conv, film in zip(self.convs, self.films):
                x = conv(x)
                g, b = film(text).chunk(2, dim=1)
                x = F.relu(x * (1 + g[:, :, None, None]) + b[:, :, None, None])
            parts = []
            if self.query is not None:
                q = self.query(text).reshape(x.shape[0], a.text_keypoints, x.shape[1])
                parts.append(self.ss(torch.einsum("bqc,bchw->bqhw", q, x) * a.keypoint_gain))
            parts.append(self.ss(self.keypoints(x) * a.keypoint_gain if self.keypoints is not None else x))
            return torch.cat(parts, 1)

    class VLA(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoders = nn.ModuleList(Encoder() for _ in range(cams))
            self.text = nn.Linear(text_dim, text_proj)
            per_cam = 2 * (a.keypoints if a.keypoints > 0 else channels[-1]) + 2 * a.text_keypoints
            width = cams * per_cam + proprio + text_proj
            self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
            self.head = nn.Linear(hidden, a.chunk * act)
            self.aux = nn.Linear(hidden, 3 * a.auxiliary_points) if a.auxiliary_points > 0 else None

        def forward(self, imgs, prop, text):
            parts = [e(i, text) for e, i in zip(self.encoders, imgs)]
            h = self.mlp(torch.cat(parts + [prop, F.relu(self.text(text))], 1))
            return self.head(h), (self.aux(h) if self.aux is not None else None)

    def median_ms(fn, runs, warmup=3):
        """Median wall and process-CPU milliseconds per call."""
        for _ in range(warmup):
            fn()
        ts, cs = [], []
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
        return statistics.median(ts), statistics.median(cs)

    model = VLA()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    b = a.batch
    imgs = [torch.rand(b, 3, 72, 96) - 0.5 for _ in range(cams)]
    prop = torch.randn(b, proprio); text = torch.randn(b, text_dim); target = torch.randn(b, a.chunk * act)
    aux_target = torch.randn(b, 3 * max(a.auxiliary_points, 1))

    def step():
        opt.zero_grad(set_to_none=True)
        actions, aux = model(imgs, prop, text)
        loss = F.l1_loss(actions, target)
        if aux is not None:
            loss = loss + F.l1_loss(aux, aux_target[:, :aux.shape[1]])
        loss.backward()
        opt.step()

    imgs1 = [i[:1] for i in imgs]
    with torch.inference_mode():
        fwd, _ = median_ms(lambda: model(imgs1, prop[:1], text[:1]), a.runs * 5)
    train, train_cpu = median_ms(step, a.runs)
    print(json.dumps({
        "torch": torch.__version__, "threads": a.threads, "batch": b, "chunk": a.chunk,
        "parameters": sum(p.numel() for p in model.parameters()),
        "forward_chunk_ms": fwd, "train_step_ms": train, "train_step_cpu_ms": train_cpu,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
