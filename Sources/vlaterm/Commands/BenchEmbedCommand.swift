import ArgumentParser
import Foundation
import Policy
import Tensor

/// `vlaterm bench embed`: MiniLM sentence embedding time, side by side with sentence-transformers.
struct BenchEmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Time the all-MiniLM-L6-v2 embedding of a 16-token sentence (median), optionally vs sentence-transformers.",
        discussion: """
        Embeds the same 16-token instruction many times (tokenize + BERT forward + pooling, no autodiff tape)
        and reports the median milliseconds. With --python, runs the twin Benchmarks/python/bench_embed.py
        (sentence-transformers `encode`, PyTorch CPU, --peer-threads threads) and prints the ratio
        vlaterm / sentence-transformers (target ≤ 0.5). Build with `swift build -c release` first.

        Example: .build/release/vlaterm bench embed --runs 300 --python .venv-st/bin/python --peer-threads 1 --json
        """
    )

    static let sentence = "please pick up the small red cube and put it in the blue bin"

    @Option(help: "Timed runs (after 20 warm-up runs).") var runs = 300
    @Option(help: "Threads for vlaterm (default: the inference policy, 1); with more, the encoder's linear layers are split by output columns over them, OpenBLAS at 1 thread in each.") var threads: Int?
    @Option(help: "Python with sentence-transformers + torch, to run the twin (e.g. .venv-st/bin/python; see BENCHMARKS.md).") var python: String?
    @Option(help: "Threads for the PyTorch twin.") var peerThreads = 2
    @Option(help: "Encoder folder (default: $VLATERM_TEXT_ENCODER or ~/.cache/vlaterm/all-MiniLM-L6-v2).") var encoder: String?
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Peer: Codable { var peer: String; var threads: Int; var encode_median_ms: Double; var encode_cpu_median_ms: Double; var forward_only_median_ms: Double; var tokens: Int }
    struct Report: Codable {
        var sentence: String
        var tokens: Int
        var threads: Int
        var runs: Int
        var vlaterm_median_ms: Double
        var vlaterm_cpu_median_ms: Double
        var peer: Peer?
        /// vlaterm / sentence-transformers encode (target ≤ 0.5).
        var ratio_vs_peer: Double?
    }

    func validate() throws {
        guard (1...100_000).contains(runs) else { throw ValidationError("--runs must be 1...100000") }
    }

    func run() throws {
        let n = BLASThreads.configureForInference(threads: threads)
        let enc = try loadTextEncoder(encoder)
        let tokens = enc.tokenize(Self.sentence).count
        var sink: Float = 0
        let (ms, cpu) = BenchTiming.medians(runs: runs, warmup: 20) { sink += enc.embed(Self.sentence).vector[0] }
        let peer = python.flatMap {
            BenchTiming.runPeer($0, script: "Benchmarks/python/bench_embed.py",
                                args: ["--runs", "\(runs)", "--threads", "\(peerThreads)"], as: Peer.self)
        }
        let report = Report(sentence: Self.sentence, tokens: tokens, threads: n, runs: runs, vlaterm_median_ms: ms, vlaterm_cpu_median_ms: cpu,
                            peer: peer, ratio_vs_peer: peer.map { ms / $0.encode_median_ms })
        if json { try printJSON(report); return }
        note("MiniLM embed, \(tokens) tokens, \(n) thread(s), median of \(runs): \(String(format: "%.3f", ms)) ms wall, \(String(format: "%.3f", cpu)) ms CPU (checksum \(sink.isFinite))")
        if let peer, let r = report.ratio_vs_peer {
            note("\(peer.peer), \(peer.threads) threads: encode \(String(format: "%.3f", peer.encode_median_ms)) ms wall, \(String(format: "%.3f", peer.encode_cpu_median_ms)) ms CPU, forward only \(String(format: "%.3f", peer.forward_only_median_ms)) ms")
            note("ratio vlaterm / sentence-transformers encode: \(String(format: "%.3f", r)) (target ≤ 0.5)")
        }
    }
}
