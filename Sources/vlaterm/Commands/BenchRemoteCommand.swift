import ArgumentParser
import Foundation
import Policy
import RobotKit

/// `vlaterm bench remote`: the openpi client's cost on top of a raw websocket echo, on loopback.
struct BenchRemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Time an openpi round trip on loopback against a raw websocket echo of the same size (medians).",
        discussion: """
        Starts two loopback servers in-process: one echoes websocket messages back (cut to the size of an openpi \
        reply, so both exchanges move the same bytes each way), one answers every observation \
        with a canned openpi reply (a 10x7 float32 action chunk) without looking at it. The observation is the \
        default LIBERO layout built from two 96x72 cameras resized to 224x224, a state vector and a prompt. \
        overhead = openpi infer round trip - raw echo round trip; encode/decode are the client's msgpack work alone.

        Build with `swift build -c release` first. Example: .build/release/vlaterm bench remote --requests 500 --json
        """
    )

    @Option(help: "Round trips timed per kind (after 10 warm-ups).")
    var requests = 300

    @Flag(help: "Print one JSON object on stdout instead of text on stderr.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(requests) else { throw ValidationError("--requests must be 1...100000") }
    }

    func run() throws {
        var frames: [String: Frame] = [:]
        for (i, name) in ["front", "wrist"].enumerated() {
            frames[name] = Frame(width: 96, height: 72, pixels: (0..<(96 * 72 * 3)).map { UInt8(truncatingIfNeeded: $0 * (i + 3)) })
        }
        let state = RobotState(jointPositions: [0, 0.3, -0.2, 0, 0, 0], jointVelocities: [0, 0, 0, 0, 0, 0],
                               endEffector: Pose(position: SIMD3(0.4, 0, 0.2)), gripper: 1)
        let r: RemoteLoopbackBenchmark.Result
        do {
            r = try RemoteLoopbackBenchmark.run(requests: requests, observation: Observation(time: 0, state: state, frames: frames))
        } catch {
            note("vlaterm bench remote: \(error)")
            throw ExitStatus.jobFailed
        }
        if json { try printJSON(r); return }
        note("observation message: \(r.observation_bytes) bytes, reply \(r.reply_bytes) bytes; medians over \(r.requests) round trips")
        note(String(format: "raw websocket echo: %.3f ms   openpi infer: %.3f ms   overhead: %.3f ms (encode %.3f ms, decode %.3f ms)",
                    r.echo_rtt_median_ms, r.openpi_infer_median_ms, r.openpi_overhead_median_ms, r.encode_median_ms, r.decode_median_ms))
    }
}
