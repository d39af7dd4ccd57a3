// `vlaterm bench policy`: the embedded VLA's forward per chunk and training step, beside a PyTorch twin.
import ArgumentParser
import Foundation
import Policy
import RobotKit
import Tensor

struct BenchPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Time the embedded VLA: forward per chunk (1 thread) and a training step (2 threads), vs PyTorch.",
        discussion: """
        Builds the default architecture (2 cameras at 96x72, FiLM conv stack, spatial softmax, MLP, chunk head) and
        reports the median milliseconds of one forward per action chunk with the inference thread setting (1 BLAS
        thread; target ≤ 5 ms) and of one training step (forward + L1 + backward + AdamW) at --batch with the training
        setting (2 threads: the engine splits the batch, OpenBLAS runs 1 thread), as wall and as process CPU time.
        With --python it runs Benchmarks/python/bench_policy.py (the same network in PyTorch, same threads and batch)
        and prints the ratios (target for the training step: ≤ 1.0). On a shared machine compare the CPU ratio.
        Build with `swift build -c release` first.

        Example: .build/release/vlaterm bench policy --python .venv-ref/bin/python --json
        """)

    @Option(help: "Forward passes timed.") var forwards = 200
    @Option(help: "Training steps timed.") var steps = 20
    @Option(help: "Training batch size.") var batch = 32
    @Option(help: "Python with torch for the twin (e.g. .venv-ref/bin/python); omit to skip it.") var python: String?
    @OptionGroup var arch: ArchitectureOptions
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Report: Encodable {
        var parameters: Int, batch: Int, chunk: Int
        var forward_chunk_ms: Double, forward_threads: Int
        var train_step_ms: Double, train_threads: Int
        /// CPU time of all the process's threads per step (median): on a shared machine wall time also counts
        /// waiting for a core, this does not.
        var train_step_cpu_ms: Double
        var torch_forward_chunk_ms: Double?, torch_train_step_ms: Double?, torch_train_step_cpu_ms: Double?
        var ratio_forward: Double?, ratio_train_step: Double?
        /// The training step's CPU-time ratio: on a machine where another job holds a core, the fairer figure.
        var ratio_train_step_cpu: Double?
    }

    func run() throws {
        guard (1...100_000).contains(forwards), (1...10_000).contains(steps), (1...1024).contains(batch) else {
            note("vlaterm bench policy: --forwards 1...100000, --steps 1...10000, --batch 1...1024"); throw ExitStatus.badInput
        }
        let config = VLAConfig(architecture: try arch.architecture())
        let net = VLANetwork(config: config, seed: 1)
        var rng = SeededGenerator(seed: 2)
        func randomImages(_ b: Int) -> [Tensor] {
            config.cameras.map { _ in Tensor(shape: [b, 3, config.imageHeight, config.imageWidth],
                                             data: (0..<(b * 3 * config.imageHeight * config.imageWidth)).map { _ in Float.random(in: -0.5...0.5, using: &rng) }) }
        }
        let text1 = Tensor(shape: [1, 384], data: (0..<384).map { _ in Float.random(in: -0.1...0.1, using: &rng) })
        let images1 = randomImages(1)
        let clock = MonotonicClock()

        let fwdThreads = BLASThreads.configureForInference()
        var fwd: [Double] = []
        for i in 0..<(forwards + 10) {
            let t0 = clock.now()
            _ = withNoGrad { net.forward(images: images1, proprio: Tensor(shape: [1, 5]), text: text1) }
            if i >= 10 { fwd.append((clock.now() - t0) * 1000) }
        }

        let trainThreads = BLASThreads.configureForTraining()
        let images = randomImages(batch)
        let text = Tensor(shape: [batch, 384], data: (0..<(batch * 384)).map { _ in Float.random(in: -0.1...0.1, using: &rng) })
        let proprio = Tensor(shape: [batch, 5], data: (0..<(batch * 5)).map { _ in Float.random(in: -1...1, using: &rng) })
        let target = Tensor(shape: [batch, config.chunkSize * 5], data: (0..<(batch * config.chunkSize * 5)).map { _ in Float.random(in: -1...1, using: &rng) })
        let auxWidth = 3 * config.architecture.auxiliaryPoints
        let auxTarget = Tensor(shape: [batch, max(auxWidth, 1)], data: (0..<(batch * max(auxWidth, 1))).map { _ in Float.random(in: -1...1, using: &rng) })
        let opt = Adam.adamW(net.orderedParameters.map(\.1), lr: 1e-3, weightDecay: 1e-4)
        var train: [Double] = [], trainCPU: [Double] = []
        for i in 0..<(steps + 2) {
            let t0 = clock.now(), c0 = BenchTiming.processCPUms()
            opt.zeroGrad()
            let (actions, aux) = net.forwardWithAuxiliary(images: images, proprio: proprio, text: text)
            var loss = l1Loss(actions, target)
            if let aux { loss = loss + l1Loss(aux, auxTarget) }   // the twin trains its auxiliary head too
            loss.backward()
            opt.update()
            if i >= 2 { train.append((clock.now() - t0) * 1000); trainCPU.append(BenchTiming.processCPUms() - c0) }
        }
        var report = Report(parameters: net.parameterCount, batch: batch, chunk: config.chunkSize,
                            forward_chunk_ms: median(fwd), forward_threads: fwdThreads,
                            train_step_ms: median(train), train_threads: trainThreads, train_step_cpu_ms: median(trainCPU))
        if let python {
            let twin = try runTwin(python)
            report.torch_forward_chunk_ms = twin["forward_chunk_ms"]
            report.torch_train_step_ms = twin["train_step_ms"]
            report.torch_train_step_cpu_ms = twin["train_step_cpu_ms"]
            report.ratio_train_step_cpu = twin["train_step_cpu_ms"].map { report.train_step_cpu_ms / $0 }
            report.ratio_forward = twin["forward_chunk_ms"].map { report.forward_chunk_ms / $0 }
            report.ratio_train_step = twin["train_step_ms"].map { report.train_step_ms / $0 }
        }
        note(String(format: "policy forward per chunk: %.2f ms median (%d thread)   training step (batch %d): %.1f ms median, %.1f ms CPU (%d threads)",
                    report.forward_chunk_ms, fwdThreads, batch, report.train_step_ms, report.train_step_cpu_ms, trainThreads))
        if let f = report.torch_forward_chunk_ms, let t = report.torch_train_step_ms {
            note(String(format: "PyTorch twin: forward %.2f ms (ratio %.2f)   training step %.1f ms, %.1f ms CPU (ratio %.2f, CPU %.2f)",
                        f, report.ratio_forward ?? 0, t, report.torch_train_step_cpu_ms ?? 0, report.ratio_train_step ?? 0,
                        report.ratio_train_step_cpu ?? 0))
        }
        if json { try printJSON(report) }
    }

    /// Runs the PyTorch twin with the same sizes; its forward uses 1 thread (our inference setting) and its
    /// training step 2 threads, each in its own process so the thread setting is clean.
    private func runTwin(_ python: String) throws -> [String: Double] {
        func call(_ threads: Int) throws -> [String: Any] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["Benchmarks/python/bench_policy.py", "--threads", "\(threads)", "--batch", "\(batch)",
                           "--runs", "\(max(5, steps))",
                           "--conv-channels", arch.convChannels, "--conv-kernels", arch.convKernels,
                           "--conv-strides", arch.convStrides, "--hidden", "\(arch.hidden)",
                           "--keypoints", "\(arch.keypoints)", "--text-keypoints", "\(arch.textKeypoints)",
                           "--keypoint-gain", "\(arch.keypointGain)", "--auxiliary-points", arch.auxiliary == "on" ? "2" : "0"]
            let pipe = Pipe()
            p.standardOutput = pipe
            do { try p.run() } catch { note("vlaterm bench policy: cannot run \(python): \(error)"); throw ExitStatus.badInput }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0, let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                note("vlaterm bench policy: the PyTorch twin failed (is torch installed in \(python)'s environment?)")
                throw ExitStatus.jobFailed
            }
            return obj
        }
        let one = try call(1), two = try call(2)
        var out: [String: Double] = [:]
        out["forward_chunk_ms"] = one["forward_chunk_ms"] as? Double
        out["train_step_ms"] = two["train_step_ms"] as? Double
        out["train_step_cpu_ms"] = two["train_step_cpu_ms"] as? Double
        return out
    }

    private func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
