import ArgumentParser
import Foundation
import RobotKit
import Tensor

/// `vlaterm bench tensor`: the engine's sgemm/linear and small training steps, side by side with PyTorch.
struct BenchTensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Time sgemm/linear and MLP / conv-net training steps (medians), optionally vs PyTorch.",
        discussion: """
        Measures: a 512³ sgemm; a linear layer (128, 384) → (128, 1536); one training step (forward, backward,
        AdamW) of an MLP 64→256→256→8 at batch 64; and of a conv net at batch 32 on 3×64×64 images
        (conv5/2 16 → relu → conv3/2 32 → relu → conv3 32 → spatial softmax → linear 128 → relu → linear 14,
        L1 loss). With --python, runs Benchmarks/python/bench_tensor.py (the same layers in PyTorch CPU) and
        prints ratios vlaterm / PyTorch (target ≤ 1.0 for training steps).

        Example: .build/release/vlaterm bench tensor --threads 2 --python .venv-ref/bin/python --json
        """
    )

    @Option(help: "Timed runs of the conv step (the cheaper cases run 4–10× more).") var runs = 50
    @Option(help: "Threads: OpenBLAS threads when given (default: the training policy, 2 kernel threads over 1-thread OpenBLAS).") var threads: Int?
    @Option(help: "Python with torch, to run the twin (e.g. .venv-ref/bin/python).") var python: String?
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Times: Codable {
        var sgemm_512_ms: Double
        var linear_128x384x1536_ms: Double
        var mlp_train_step_ms: Double
        var conv_train_step_ms: Double
        var mlp_train_step_cpu_ms: Double
        var conv_train_step_cpu_ms: Double
    }
    struct Peer: Codable {
        var peer: String
        var threads: Int
        var sgemm_512_ms: Double, linear_128x384x1536_ms: Double, mlp_train_step_ms: Double, conv_train_step_ms: Double
        var mlp_train_step_cpu_ms: Double, conv_train_step_cpu_ms: Double
    }
    struct Report: Codable { var threads: Int; var runs: Int; var vlaterm: Times; var peer: Peer?; var ratios: [String: Double]? }

    func validate() throws {
        guard (1...10_000).contains(runs) else { throw ValidationError("--runs must be 1...10000") }
    }

    func run() throws {
        var n = BLASThreads.configureForTraining()
        // An explicit count goes to OpenBLAS (so the sgemm rows measure its threading); with more than one BLAS
        // thread the engine's own kernels stay on one thread (KernelThreads), with one they follow the count too.
        if let threads { KernelThreads.set(threads); n = BLASThreads.set(threads) }
        var rng = SeededGenerator(seed: 1)  // fast and deterministic: setup cost stays out of the way
        func randn(_ shape: [Int]) -> Tensor { Tensor.normal(shape, std: 1, using: &rng, requiresGrad: false) }

        let a = randn([512, 512]), b = randn([512, 512])
        let sgemm = BenchTiming.medianMs(runs: runs * 4) { _ = withNoGrad { a.matmul(b) } }
        let x = randn([128, 384]), w = randn([1536, 384]), bias = randn([1536])
        let linear = BenchTiming.medianMs(runs: runs * 10) { _ = withNoGrad { x.linear(weight: w, bias: bias) } }

        let mlp = MLP(&rng), xm = randn([64, 64]), ym = randn([64, 8])
        let (mlpStep, mlpCPU) = BenchTiming.medians(runs: runs * 4) { mlp.step(xm, ym) }
        let conv = ConvNet(&rng), xc = randn([32, 3, 64, 64]), yc = randn([32, 14])
        let (convStep, convCPU) = BenchTiming.medians(runs: runs) { conv.step(xc, yc) }

        let mine = Times(sgemm_512_ms: sgemm, linear_128x384x1536_ms: linear, mlp_train_step_ms: mlpStep, conv_train_step_ms: convStep,
                         mlp_train_step_cpu_ms: mlpCPU, conv_train_step_cpu_ms: convCPU)
        let peer = python.flatMap {
            BenchTiming.runPeer($0, script: "Benchmarks/python/bench_tensor.py", args: ["--runs", "\(runs)", "--threads", "\(n)"], as: Peer.self)
        }
        let ratios = peer.map { p in
            ["sgemm_512": sgemm / p.sgemm_512_ms, "linear_128x384x1536": linear / p.linear_128x384x1536_ms,
             "mlp_train_step": mlpStep / p.mlp_train_step_ms, "conv_train_step": convStep / p.conv_train_step_ms,
             "mlp_train_step_cpu": mlpCPU / p.mlp_train_step_cpu_ms, "conv_train_step_cpu": convCPU / p.conv_train_step_cpu_ms]
        }
        let report = Report(threads: n, runs: runs, vlaterm: mine, peer: peer, ratios: ratios)
        if json { try printJSON(report); return }
        func f(_ v: Double) -> String { String(format: "%8.3f ms", v) }
        note("tensor engine, \(n) BLAS thread(s), medians:")
        let rows: [(String, Double, Double?)] = [
            ("sgemm 512³", sgemm, peer?.sgemm_512_ms), ("linear 128×384→1536", linear, peer?.linear_128x384x1536_ms),
            ("MLP train step (b64)", mlpStep, peer?.mlp_train_step_ms), ("conv train step (b32)", convStep, peer?.conv_train_step_ms),
        ]
        let cpuRows: [(String, Double, Double?)] = [
            ("MLP step, CPU time", mlpCPU, peer?.mlp_train_step_cpu_ms), ("conv step, CPU time", convCPU, peer?.conv_train_step_cpu_ms),
        ]
        for (name, v, p) in rows + cpuRows {
            note("  \(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(f(v))" + (p.map { "   torch \(f($0))   ratio \(String(format: "%.2f", v / $0))" } ?? ""))
        }
    }

    /// 64 → 256 → 256 → 8 with ReLU, L1 loss, AdamW.
    final class MLP {
        let params: [Tensor]
        let opt: Adam
        init(_ rng: inout some RandomNumberGenerator) {
            params = [(256, 64), (256, 256), (8, 256)].flatMap { (o, i) in
                [Tensor.kaimingUniform([o, i], fanIn: i, using: &rng), Tensor.kaimingUniform([o], fanIn: i, using: &rng)]
            }
            opt = Adam.adamW(params, lr: 1e-3)
        }
        func step(_ x: Tensor, _ y: Tensor) {
            opt.zeroGrad()
            let h1 = x.linear(weight: params[0], bias: params[1]).relu()
            let h2 = h1.linear(weight: params[2], bias: params[3]).relu()
            l1Loss(h2.linear(weight: params[4], bias: params[5]), y).backward()
            opt.update()
        }
    }

    /// The conv net described in the discussion (same as the PyTorch twin).
    final class ConvNet {
        let c1w, c1b, c2w, c2b, c3w, c3b, l1w, l1b, l2w, l2b: Tensor
        let opt: Adam
        init(_ rng: inout some RandomNumberGenerator) {
            func k(_ s: [Int], _ fan: Int) -> Tensor { Tensor.kaimingUniform(s, fanIn: fan, using: &rng) }
            c1w = k([16, 3, 5, 5], 75); c1b = k([16], 75)
            c2w = k([32, 16, 3, 3], 144); c2b = k([32], 144)
            c3w = k([32, 32, 3, 3], 288); c3b = k([32], 288)
            l1w = k([128, 64], 64); l1b = k([128], 64)
            l2w = k([14, 128], 128); l2b = k([14], 128)
            opt = Adam.adamW([c1w, c1b, c2w, c2b, c3w, c3b, l1w, l1b, l2w, l2b], lr: 1e-3)
        }
        func step(_ x: Tensor, _ y: Tensor) {
            opt.zeroGrad()
            let f1 = x.conv2d(weight: c1w, bias: c1b, stride: 2, padding: 2).relu()     // (B, 16, 32, 32)
            let f2 = f1.conv2d(weight: c2w, bias: c2b, stride: 2, padding: 1).relu()    // (B, 32, 16, 16)
            let f3 = f2.conv2d(weight: c3w, bias: c3b, stride: 1, padding: 1)           // (B, 32, 16, 16)
            let kp = f3.spatialSoftmax().reshaped([x.shape[0], 64])                    // (B, 64)
            let out = kp.linear(weight: l1w, bias: l1b).relu().linear(weight: l2w, bias: l2b)
            l1Loss(out, y).backward()
            opt.update()
        }
    }
}

