import ArgumentParser
import Episodes
import Console
import Foundation
import Input
import RobotKit
import Policy
import Simulator

/// `vlaterm console` (also plain `vlaterm`): the full-screen console on the simulated robot.
struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the full-screen console on the simulated robot (the default).",
        discussion: """
        Shows the robot's cameras as live thumbnails, its state, input devices, loop timing and an event log, \
        and drives it from the keyboard: w/s a/d r/f move x/y/z, q/e yaw, g gripper, +/- speed, space stops \
        (latched; R re-arms). Press ? inside for every binding of the active keymaps, Q or Ctrl-C to quit.

        Autonomy: i, type an instruction (Ctrl-U clears the line), Enter — the built-in policy drives, any teleop \
        key or the pad's deadman + stick takes over. The scene is the seed's; to get one with what your sentence \
        names, start with it: vlaterm --instruction "put the red cube in the bin".

        --render auto picks from the terminal: truecolor (COLORTERM=truecolor/24bit) or 256 colours give \
        half-blocks; fewer than 8 colours, TERM=dumb or a non-UTF-8 locale give ascii. braille draws 2x4 dots \
        per cell.
        """
    )

    @Option(help: "Which robot: sim (the MuJoCo tabletop).") var robot = "sim"
    @Option(help: "Seed for the simulated scene layout and task.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Start with this instruction on the line; the scene has what it names.",
                               discussion: "e.g. --instruction \"put the red cube in the bin\": the table gets a red cube and one bin. Press Enter to hand it to the policy."))
    var instruction: String?
    @Option(help: "Thumbnail drawing: auto, blocks, ascii or braille.") var render = "auto"
    @Option(help: "Gamepad: auto, none or /dev/input/eventX (read by the input module).") var gamepad = "auto"
    @Option(help: "Replay an evemu recording as the gamepad.") var gamepadReplay: String?
    @Flag(help: "Take the gamepad exclusively (EVIOCGRAB) so other programs stop seeing its input.") var grab = false
    @Option(help: "Session name for recordings.") var session: String?
    @Option(help: "Policy for typed instructions: embedded, expert (the simulator's scripted expert), openpi://HOST:PORT or openvla://HOST:PORT (add +tls for wss/https).") var policy = "embedded"
    @OptionGroup(title: "Remote policy") var remote: RemotePolicyFlags
    @Option(help: "Camera resolution as WIDTHxHEIGHT (simulator renders at this size).") var cameraSize = "96x72"
    @Option(help: ConsoleAutonomy.inTickWaitHelp) var inTickWait = ConsoleAutonomy.defaultInTickWait
    @Option(help: ConsoleAutonomy.commitAfterStallHelp) var commitAfterStall = ConsoleAutonomy.defaultStallRule.window

    func validate() throws {
        guard robot == "sim" else { throw usage("--robot: only 'sim' is available (got '\(robot)')") }
        guard ConsoleAutonomy.commitAfterStallRange.contains(commitAfterStall) else { throw usage("--commit-after-stall: expected \(ConsoleAutonomy.commitAfterStallRange) actions, 0 = off (got \(commitAfterStall))") }
        // The control tick is 50 ms and keeps its rate: the wait must leave room for the rest of the tick.
        guard inTickWait.isFinite, (0...0.04).contains(inTickWait) else {
            throw usage("--in-tick-wait: expected 0…0.04 seconds, within the 50 ms tick (got \(inTickWait))")
        }
        guard RenderRequest(rawValue: render) != nil else {
            throw usage("--render: expected auto, blocks, ascii or braille (got '\(render)')")
        }
        guard parseSize(cameraSize) != nil else {
            throw usage("--camera-size: expected WIDTHxHEIGHT between 16x12 and 320x240 (got '\(cameraSize)')")
        }
        if let gamepadReplay, !FileManager.default.isReadableFile(atPath: gamepadReplay) {
            throw usage("--gamepad-replay: cannot read '\(gamepadReplay)'")
        }
    }

    /// Bad usage exits 2 (the contract), with the flag and what was expected.
    private func usage(_ message: String) -> ExitCode {
        note("vlaterm console: \(message)")
        return ExitStatus.badInput
    }

    private func parseSize(_ s: String) -> (Int, Int)? {
        let parts = s.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (16...320).contains(w), (12...240).contains(h) else { return nil }
        return (w, h)
    }

    func run() throws {
        let (cw, ch) = parseSize(cameraSize) ?? (96, 72)
        var config = SimConfig()
        config.cameraWidth = cw; config.cameraHeight = ch
        let sim: TabletopSim
        do {
            if let text = instruction {
                sim = try TabletopSim.matching(instruction: text, seed: seed, config: config)
            } else {
                sim = try TabletopSim(config: config, seed: seed)
            }
        } catch {
            note("vlaterm console: cannot start the simulator: \(error)")
            throw ExitStatus.jobFailed
        }
        let clock = MonotonicClock()
        let model = ConsoleModel(clock: clock)
        let keyboard = KeyboardSource(clock: clock)
        // Gamepad (issue 4): a live pad or an evemu replay, through keymaps/ and ~/.config/vlaterm/keymaps.
        let pad: GamepadSource?
        do {
            let library = KeymapLibrary.load(shipped: KeymapLibrary.shippedDirectory())
            for p in library.problems { note("keymap ignored: \(p)") }
            pad = try GamepadSelection(gamepad: gamepad, replay: gamepadReplay)
                .makeTeleop(library: library, grab: grab).map { GamepadSource(teleop: $0) }
        } catch {
            note("vlaterm console: \(error)")
            throw ExitStatus.badInput
        }
        let sources: [any TeleopSource] = [keyboard] + (pad.map { [$0] } ?? [])
        let robot = LockedSimRobot(sim: sim)
        let chosen: (Policy?, String?)
        do { chosen = try ConsoleAutonomy.makePolicy(policy, robot: robot, remote: remote) } catch {
            note("vlaterm console: \(error)")
            throw ExitStatus.badInput
        }
        let controller = ConsoleController(robot: robot, sources: sources, model: model,
                                           instruction: sim.episode.instruction)
        // Autonomy and supervision (issue 7); before any recording hook, which labels episodes from its events.
        let supervision = SupervisorHook(configuration: ConsoleAutonomy.configuration(for: sim, policy: policy, inTickWait: inTickWait,
                                                                                  commitAfterStall: ConsoleAutonomy.stallRule(window: commitAfterStall)), clock: clock,
                                         runner: chosen.0.map { PolicyRunner(policy: $0, clock: clock) }, unavailable: chosen.1,
                                         world: robot.worldChecks(), bell: ConsoleAutonomy.ringBell)
        if let pad { supervision.inputLost = { pad.view.status == .lost ? (pad.view.problem ?? "gamepad lost") : nil } }
        controller.hooks.append(supervision)
        if let pad { controller.hooks.append(GamepadAlertHook(source: pad, model: model)) }
        // Recording (issue 5): after the supervisor hook, so its end-of-run marks label the episode.
        var recorder: SessionRecorder?
        if let session {
            model.update { $0.session.name = session }
            do {
                let store = try SessionStore.openOrCreate(root: "sessions", name: session, robot: sim.name, cameras: sim.cameras,
                                                          fps: sim.controlRate)
                let rec = SessionRecorder(session: store)
                recorder = rec
                controller.hooks.append(RecordingHook(recorder: rec, sessionName: session, limits: sim.limits))
            } catch {
                note("vlaterm console: \(error)")
                throw ExitStatus.badInput
            }
        }
        // An episode still open at exit is closed as "interrupted"; everything queued is written first.
        defer { recorder?.close() }
        let app = ConsoleApp(controller: controller, keyboard: keyboard,
                             options: ConsoleOptions(render: RenderRequest(rawValue: render) ?? .auto))
        if let pad { app.extraHelp = [pad.help()] }
        let seed = self.seed
        app.onStart = { choice in
            model.log("console on \(sim.name), seed \(seed): \(sim.episode.instruction)")
            model.log("thumbnails: \(choice.mode.rawValue), colours: \(choice.depth.rawValue)", .dim)
            if let pad { model.log("gamepad: \(pad.teleopLabel)", .dim) }
            if let reason = chosen.1 { model.log("autonomy unavailable: \(reason)", .warn) } else {
                model.log("policy: \(supervision.policyName) — type i, an instruction, Enter", .dim)
            }
        }
        let exit: ConsoleExit
        do {
            exit = try app.run()
        } catch let e as TerminalError {
            note("vlaterm console: \(e)")
            throw ExitStatus.jobFailed
        } catch {
            note("vlaterm console: \(error)")
            throw ExitStatus.jobFailed
        }
        switch exit {
        case .quit:
            note("vlaterm: console closed after \(controller.ticks) control ticks")
        case .signal(let s):
            note("vlaterm: console closed by signal \(s)")
            throw ExitCode(128 + s)
        }
    }
}
