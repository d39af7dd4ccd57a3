import ArgumentParser
import Episodes
import Foundation
import Input
import Policy
import RobotKit
import Simulator
import Supervisor

/// `vlaterm run "INSTRUCTION"`: one supervised episode on the simulator without the TUI.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one supervised episode headless, with optional fault injection.",
        discussion: """
        Builds the tabletop simulator (the target object is taken from the instruction when it names one, e.g. \
        "red cube"), hands control to a policy under the same Supervisor and safety checks as the console, and \
        reports the outcome, every exception raised (kind, time), interventions and commands sent. With nobody at \
        the controls, an exception's takeover request escalates to a stop after --takeover-budget seconds (default 10) \
        of simulated time. Exit status: 0 when the task succeeded, 1 otherwise, 2 for bad input.

        Policies: expert (the simulator's scripted expert — privileged state, a stand-in for testing the loop), \
        embedded (the built-in model: $VLATERM_MODEL or models/default.safetensors), openpi://HOST:PORT, \
        openvla://HOST:PORT (add +tls for wss/https).

        Faults (--inject KIND@SECONDS, repeatable): drop-object (the gripper slips open for 0.3 s: a carried object \
        falls, raising object-dropped), push-object (the target is shoved sideways: on the table it slides away, raising \
        object-pushed; pinched firmly in the fingers it may not move), camera-freeze \
        (images stop changing), policy-stall (inference takes twice the deadline), policy-nan (actions become NaN), \
        gamepad-unplug (the input device disappears).

        Examples:
          vlaterm run "put the red cube in the bin" --seed 3 --json                  # the built-in model
          vlaterm run "put the red cube in the bin" --policy expert --inject policy-nan@4 --json
        """
    )

    @Argument(help: "The task in plain language.") var instruction: String
    @Option(help: "embedded (the built-in model, $VLATERM_MODEL or models/default.safetensors), expert (the simulator's scripted expert, reads privileged state), openpi://HOST:PORT or openvla://HOST:PORT.")
    var policy = "embedded"
    @Option(help: "Seed of the tabletop layout.") var seed: UInt64 = 0
    @Option(name: .customLong("inject"), help: "Fault to inject, KIND@SECONDS (repeatable).") var injections: [String] = []
    @Option(help: "Give up after this many simulated seconds.") var maxSeconds = 60.0
    @Option(help: "Seconds each inference may take before it counts as missed.") var inferenceTimeout = 1.0
    @Option(help: "Seconds a takeover request may go unanswered before the stop.") var takeoverBudget = 10.0
    @Option(help: ConsoleAutonomy.inTickWaitHelp) var inTickWait = ConsoleAutonomy.defaultInTickWait
    @Option(help: ConsoleAutonomy.commitAfterStallHelp) var commitAfterStall = ConsoleAutonomy.defaultStallRule.window
    @OptionGroup(title: "Remote policy") var remote: RemotePolicyFlags
    @Option(help: "Replay an evemu recording as the gamepad (deadman + stick takes over, as in the console).") var gamepadReplay: String?
    @Option(help: "Simulated second at which the gamepad replay starts.") var gamepadReplayStart = 0.0
    @Option(help: "Record the run as an episode of this session (steps flagged intervention while a human drove).") var record: String?
    @Option(help: "Folder holding the sessions.") var root = "sessions"
    @Flag(help: "Print one JSON object on stdout.") var json = false

    func validate() throws {
        guard maxSeconds.isFinite, maxSeconds > 0, maxSeconds <= 3600 else { throw ValidationError("--max-seconds must be in (0, 3600]") }
        guard gamepadReplayStart.isFinite, gamepadReplayStart >= 0 else { throw ValidationError("--gamepad-replay-start must be ≥ 0") }
        if let gamepadReplay, !FileManager.default.isReadableFile(atPath: gamepadReplay) {
            throw ValidationError("--gamepad-replay: cannot read '\(gamepadReplay)'")
        }
        guard takeoverBudget.isFinite, takeoverBudget > 0, takeoverBudget <= 600 else { throw ValidationError("--takeover-budget must be in (0, 600]") }
        guard inferenceTimeout.isFinite, inferenceTimeout > 0, inferenceTimeout <= 60 else { throw ValidationError("--inference-timeout must be in (0, 60]") }
        // The simulator waits while the model thinks, so a long wait only slows the run down.
        guard inTickWait.isFinite, (0...5).contains(inTickWait) else { throw ValidationError("--in-tick-wait must be in [0, 5] seconds") }
        guard ConsoleAutonomy.commitAfterStallRange.contains(commitAfterStall) else { throw ValidationError("--commit-after-stall must be in \(ConsoleAutonomy.commitAfterStallRange) actions (0 = off)") }
    }

    func run() throws {
        let faults: [InjectedFault]
        let sim: TabletopSim
        let chosen: Policy
        var pad: GamepadTeleop?
        do {
            faults = try injections.map(InjectedFault.parse)
            sim = try TabletopSim.matching(instruction: instruction, seed: seed)
            chosen = try makePolicy(sim: sim)
            if let gamepadReplay {
                let library = KeymapLibrary.load(shipped: KeymapLibrary.shippedDirectory())
                pad = try GamepadSelection(gamepad: nil, replay: gamepadReplay).makeTeleop(library: library)
            }
        } catch RunError.badInput(let m) {
            note("vlaterm run: \(m)"); throw ExitStatus.badInput
        } catch let e as PolicyError {
            note("vlaterm run: \(e)"); throw ExitStatus.badInput
        } catch {
            note("vlaterm run: \(error)"); throw ExitStatus.jobFailed
        }
        var loop = HeadlessRun(sim: sim, policy: chosen, instruction: instruction, seed: seed, faults: faults, maxSeconds: maxSeconds)
        loop.configuration = ConsoleAutonomy.configuration(for: sim, policy: policy, inTickWait: inTickWait,
                                                           commitAfterStall: ConsoleAutonomy.stallRule(window: commitAfterStall))
        // Limits, the reach box (+1 cm) and joint ranges: one definition for the console and headless runs.
        loop.configuration.inferenceTimeout = inferenceTimeout
        loop.configuration.takeoverBudget = takeoverBudget
        loop.pad = pad
        loop.padStart = gamepadReplayStart
        var recorder: SessionRecorder?
        if let record {
            do {
                let store = try SessionStore.openOrCreate(root: root, name: record, robot: sim.name, cameras: sim.cameras, fps: sim.controlRate)
                let r = SessionRecorder(session: store, capacity: 256)
                r.startEpisode(instruction: instruction, seed: seed, facts: ["source": "vlaterm run", "policy": chosen.name])
                loop.onStep = { obs, action, source, intervention in
                    r.record(obs, action: action, source: source, intervention: intervention, waitIfFull: true)
                }
                recorder = r
            } catch {
                note("vlaterm run: --record \(record): \(error)"); throw ExitStatus.badInput
            }
        }
        let report: RunReport
        do { report = try loop.run() } catch {
            note("vlaterm run: the run failed: \(error)"); throw ExitStatus.jobFailed
        }
        if let recorder {
            recorder.finishEpisode(outcome: report.success ? .success : .failure, note: "supervisor outcome: \(report.outcome)")
            recorder.drain()
            recorder.close()
            if let err = recorder.currentStats.lastError { note("vlaterm run: recording failed: \(err)"); throw ExitStatus.jobFailed }
        }
        if json { try printJSON(report) } else {
            for line in report.log { note(line) }
            note("\(report.outcome) after \(String(format: "%.1f", report.sim_seconds)) s (\(report.ticks) ticks): "
                 + "\(report.commands_sent) commands (\(report.autonomy_commands) from the policy, \(report.interventions) interventions), "
                 + "\(report.exceptions.count) exception(s), task \(report.success ? "succeeded" : "not done"), unsafe commands: \(report.unsafe_commands)")
        }
        if !report.success { throw ExitStatus.jobFailed }
    }

    /// The arm's joint ranges widened by 0.02 rad: MuJoCo's limits are soft constraints, so a joint under load
    /// may sit a hair outside its range without anything being wrong.
    static func jointLimits(_ sim: TabletopSim) -> [ClosedRange<Double>] {
        sim.jointRanges.map { ($0.lowerBound - 0.02)...($0.upperBound + 0.02) }
    }

    func makePolicy(sim: TabletopSim) throws -> Policy {
        if policy == "expert" { return ExpertPolicy(sim: sim) }
        if policy == "embedded" {
            do { return try ConsoleAutonomy.loadEmbedded(cameras: sim.cameras) } catch {
                throw RunError.badInput("--policy embedded: \(error)")
            }
        }
        guard policy.contains("://") else {
            throw RunError.badInput("--policy '\(policy)': use expert, embedded, openpi://HOST:PORT or openvla://HOST:PORT")
        }
        return try remote.makePolicy(url: policy)
    }
}
