#!/usr/bin/env python3
"""Python twin of `vlaterm bench tensor`: the same linear layer and the same two small networks' training
steps (forward + backward + AdamW) in PyTorch CPU with a fixed thread count. Prints one JSON object.

    .venv-ref/bin/python Benchmarks/python/bench_tensor.py --runs 50 --threads 2
"""
import argparse
import json
import statistics
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)

    def medians(fn, runs, warmup=5):
        """(wall, process CPU) median ms per call."""
        for _ in range(warmup):
            fn()
        ts, cs = [], []
        for _ in range(runs):
            c0 = time.process_time(); t0 = time.perf_counter(); fn()
            ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
        return statistics.median(ts), statistics.median(cs)

    def median_ms(fn, runs, warmup=5):
        return medians(fn, runs, warmup)[0]

    results = {}
    # Linear forward: x (128, 384) -> (128, 1536), as one MiniLM FFN layer over 128 tokens.
    x = torch.randn(128, 384); lin = nn.Linear(384, 1536)
    with torch.inference_mode():
        results["linear_128x384x1536_ms"] = median_ms(lambda: lin(x), a.runs * 10)
    # Square sgemm 512^3.
    A = torch.randn(512, 512); B = torch.randn(512, 512)
    results["sgemm_512_ms"] = median_ms(lambda: A @ B, a.runs * 4)

    # MLP training step: 64 -> 256 -> 256 -> 8, ReLU, batch 64, L1 loss, AdamW.
    mlp = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 8))
    opt = torch.optim.AdamW(mlp.parameters(), lr=1e-3)
    xm = torch.randn(64, 64); ym = torch.randn(64, 8)

    def mlp_step():
        opt.zero_grad(set_to_none=True)
        F.l1_loss(mlp(xm), ym).backward()
        opt.step()
    results["mlp_train_step_ms"], results["mlp_train_step_cpu_ms"] = medians(mlp_step, a.runs * 4)

    # Conv net training step: (32, 3, 64, 64) -> conv5 s2 (16) -> relu -> conv3 s2 (32) -> relu -> conv3 (32)
    # -> spatial softmax (64 keypoint coords) -> linear 128 -> relu -> linear 14, L1 loss, AdamW.
    class ConvNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 16, 5, stride=2, padding=2)
            self.c2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
            self.c3 = nn.Conv2d(32, 32, 3, stride=1, padding=1)
            self.l1 = nn.Linear(64, 128)
            self.l2 = nn.Linear(128, 14)

        def forward(self, x):
            f = self.c3(F.relu(self.c2(F.relu(self.c1(x)))))
            b, c, h, w = f.shape
            p = F.softmax(f.reshape(b, c, h * w), dim=-1).reshape(b, c, h, w)
            xs = torch.linspace(-1, 1, w); ys = torch.linspace(-1, 1, h)
            kx = (p.sum(2) * xs).sum(-1); ky = (p.sum(3) * ys).sum(-1)
            k = torch.stack([kx, ky], dim=-1).reshape(b, c * 2)
            return self.l2(F.relu(self.l1(k)))
    net = ConvNet()
    copt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    xc = torch.randn(32, 3, 64, 64); yc = torch.randn(32, 14)

    def conv_step():
        copt.zero_grad(set_to_none=True)
        F.l1_loss(net(xc), yc).backward()
        copt.step()
    results["conv_train_step_ms"], results["conv_train_step_cpu_ms"] = medians(conv_step, a.runs)
    results.update({"peer": "torch " + torch.__version__, "threads": a.threads, "runs": a.runs})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
