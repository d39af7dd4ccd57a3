// One control tick of the console: poll the input sources, decide mode and action, send it to the robot,
// observe, publish to the model. Runs on the control thread only (the robot is touched nowhere else).
//
// Others extend a tick through `ConsoleTickHook`: the supervisor (autonomy, takeover, guards), the episode
// recorder, policy timing. The built-in mode logic here is deliberately small: stop latches, re-arm
// unlatches, teleop while a human commands motion.
import Foundation
import RobotKit
import TerminalUI

/// What a tick is deciding; hooks may read and change it.
public struct TickContext {
    public let now: Double
    public var mode: OperatingMode
    public var recording: Bool
    /// Operator events not handled yet; a hook removes the ones it handles.
    public var events: [OperatorEvent]
    /// The human command chosen this tick (first source with its deadman held), if any.
    public var command: TeleopCommand?
    /// The action that will be sent.
    public var action: Action
    public var instruction: String
    /// The operator's speed setting (+/-), a fraction of the robot's step limits; takeover drives at it too.
    public internal(set) var speedScale: Double = 0.5
    /// A banner alert (takeover request, INPUT LOST, …); nil clears it.
    public var alert: String?
    /// Lines to append to the event log.
    public var log: [LogLine] = []
    /// Session/episode counters for the display.
    public var session: SessionInfo
}

public protocol ConsoleTickHook: AnyObject {
    /// Before the action goes to the robot: may change mode, action, alert; consume events.
    func beforeSend(_ ctx: inout TickContext) throws
    /// After the robot stepped, with what it observed.
    func afterSend(_ ctx: TickContext, observation: Observation) throws
    /// An optional sidebar panel.
    func panel() -> PanelContent?
}

extension ConsoleTickHook {
    public func afterSend(_ ctx: TickContext, observation: Observation) throws {}
    public func panel() -> PanelContent? { nil }
}

public final class ConsoleController {
    public let robot: any Robot
    public var sources: [any TeleopSource]
    public var hooks: [any ConsoleTickHook] = []
    public let model: ConsoleModel

    public private(set) var mode: OperatingMode = .idle
    public private(set) var recording = false
    public private(set) var speedScale = 0.5
    public private(set) var gripperTarget: Double
    public private(set) var instruction: String
    public private(set) var session = SessionInfo()
    private var alert: String?
    private var lastMotion = -Double.infinity
    private var lastGripper: [ObjectIdentifier: Double?] = [:]
    private var gripperChange: Double?
    /// Set by a stop and by a re-arm: motion resumes only after the human command has been neutral once,
    /// so a key or stick held through the stop never restarts motion by itself.
    private var needNeutral = false
    private var warnedStopped = -Double.infinity
    public static let speedLevels: [Double] = [0.1, 0.25, 0.5, 0.75, 1.0]
    /// Seconds without a human command before TELEOP falls back to IDLE.
    public static let teleopIdleAfter = 1.5

    // Loop timing: tick start times over the last second, and the mean time spent inside a tick.
    private var tickStarts: [Double] = []
    private var tickCost = 0.0
    public private(set) var ticks = 0

    public init(robot: any Robot, sources: [any TeleopSource], model: ConsoleModel, instruction: String = "") {
        self.robot = robot; self.sources = sources; self.model = model; self.instruction = instruction
        gripperTarget = robot.state().gripper
        let cams = robot.cameras.map { CameraThumbnail(name: $0.name, frame: nil) }
        model.update { s in
            s.robotName = robot.name; s.cameras = cams
            s.instruction = InstructionLine(text: instruction); s.speedScale = self.speedScale
        }
    }

    /// One control tick. Throws what the robot throws (the console then restores the terminal and reports it).
    public func tick() throws {
        let now = model.clock.now()
        tickStarts.append(now)
        tickStarts.removeAll { $0 <= now - 1 + 1e-6 }

        var events: [OperatorEvent] = []
        var command: TeleopCommand?, idleCommand: TeleopCommand?
        gripperChange = nil
        for src in sources {
            let p = src.poll(now: now)
            events += p.events
            guard let c = p.command else { continue }
            if c.deadman && !c.isNeutral { command = command ?? c } else if c.deadman { idleCommand = idleCommand ?? c }
            // A gripper target counts when it changes (a source reporting the same target every tick
            // must not fight another source's change).
            let id = ObjectIdentifier(src)
            if let g = c.gripper, lastGripper[id] != g { gripperChange = g }
            lastGripper[id] = c.gripper
        }
        command = command ?? idleCommand
        for r in model.takeRequests() {
            switch r {
            case .operatorEvent(let e): events.append(e)
            case .instruction(let text):
                instruction = text
                model.log("instruction: \(text)")
                events.append(.startAutonomy)
            }
        }

        var ctx = TickContext(now: now, mode: mode, recording: recording, events: [], command: command,
                              action: .hold(gripper: gripperTarget), instruction: instruction, speedScale: speedScale,
                              alert: alert, session: session)
        ctx.events = handleBuiltInEvents(events, &ctx)
        ctx.speedScale = speedScale
        decideTeleop(&ctx)
        for h in hooks { try h.beforeSend(&ctx) }
        for e in ctx.events { ctx.log.append(LogLine(time: model.elapsed, text: "\(e.rawValue): not available in this build", role: .dim)) }

        let action = robot.limits.clamp(ctx.action)
        try robot.send(action)
        let obs = try robot.observe(time: now)
        for h in hooks { try h.afterSend(ctx, observation: obs) }

        mode = ctx.mode; recording = ctx.recording; alert = ctx.alert; instruction = ctx.instruction
        session = ctx.session
        gripperTarget = action.gripper
        publish(ctx, obs, now: now)
        ticks += 1
        tickCost = tickCost == 0 ? model.clock.now() - now : 0.9 * tickCost + 0.1 * (model.clock.now() - now)
    }

    /// Stop, re-arm, pause and speed are handled here; the rest is left for hooks.
    private func handleBuiltInEvents(_ events: [OperatorEvent], _ ctx: inout TickContext) -> [OperatorEvent] {
        var rest: [OperatorEvent] = []
        for e in events {
            switch e {
            case .stop:
                if ctx.mode != .estop { ctx.log.append(LogLine(time: model.elapsed, text: "E-STOP latched: R re-arms", role: .bad)) }
                ctx.mode = .estop
            case .rearm:
                if ctx.mode == .estop {
                    ctx.mode = .idle
                    ctx.log.append(LogLine(time: model.elapsed, text: "re-armed: idle, nothing moves until commanded", role: .good))
                }
            case .pauseToggle where ctx.mode != .estop && ctx.mode != .autonomy && ctx.mode != .takeover:
                ctx.mode = ctx.mode == .paused ? .idle : .paused
                ctx.log.append(LogLine(time: model.elapsed, text: ctx.mode == .paused ? "paused" : "resumed"))
            case .speedUp, .speedDown:
                let levels = ConsoleController.speedLevels
                let i = levels.lastIndex { $0 <= speedScale + 1e-9 } ?? 0
                speedScale = levels[min(max(i + (e == .speedUp ? 1 : -1), 0), levels.count - 1)]
                ctx.log.append(LogLine(time: model.elapsed, text: "speed \(Int(speedScale * 100))%"))
            default:
                rest.append(e)
            }
        }
        return rest
    }

    /// IDLE ↔ TELEOP from the human command; stopped or paused robots hold.
    private func decideTeleop(_ ctx: inout TickContext) {
        var moving = ctx.command.map { $0.deadman && !$0.isNeutral } ?? false
        if ctx.mode == .estop { needNeutral = true }
        if needNeutral && ctx.mode != .estop {
            if moving {
                moving = false
                if ctx.now - warnedStopped > 3 {
                    warnedStopped = ctx.now
                    ctx.log.append(LogLine(time: model.elapsed, text: "release the motion keys/stick first", role: .warn))
                }
            } else { needNeutral = false }
        }
        switch ctx.mode {
        case .estop, .paused:
            if moving && ctx.now - warnedStopped > 3 {
                warnedStopped = ctx.now
                ctx.log.append(LogLine(time: model.elapsed, text: ctx.mode == .estop ? "stopped: press R to re-arm" : "paused: press p to resume", role: .warn))
            }
            ctx.action = .hold(gripper: gripperTarget)
        case .idle, .teleop:
            if let g = gripperChange { ctx.action.gripper = g }
            if let c = ctx.command {
                if moving && !needNeutral {
                    let lim = robot.limits, s = speedScale
                    ctx.action.dx = c.linear.x * lim.maxTranslation * s
                    ctx.action.dy = c.linear.y * lim.maxTranslation * s
                    ctx.action.dz = c.linear.z * lim.maxTranslation * s
                    ctx.action.dyaw = c.yaw * lim.maxYaw * s
                    lastMotion = ctx.now
                    if ctx.mode == .idle { ctx.log.append(LogLine(time: model.elapsed, text: "teleop", role: .good)) }
                    ctx.mode = .teleop
                }
            }
            if ctx.mode == .teleop && ctx.now - lastMotion > ConsoleController.teleopIdleAfter { ctx.mode = .idle }
        case .autonomy, .takeover:
            break       // owned by the supervisor hook
        }
    }

    private func publish(_ ctx: TickContext, _ obs: Observation, now: Double) {
        for l in ctx.log { model.log(l.text, l.role) }
        let frames = robot.cameras.map { CameraThumbnail(name: $0.name, frame: obs.frames[$0.name]) }
        let devices = sources.map { $0.status() }
        let panels = sources.compactMap { $0.panel() } + hooks.compactMap { $0.panel() }
        // Rate from the spacing of the ticks in the last second (counting them would read 21 Hz at 20).
        let achieved = tickStarts.count >= 2 ? Double(tickStarts.count - 1) / max(1e-9, tickStarts[tickStarts.count - 1] - tickStarts[0]) : 0
        let cost = tickCost * 1000
        let rate = robot.controlRate
        model.update { s in
            s.mode = ctx.mode; s.recording = ctx.recording; s.alert = ctx.alert
            s.state = obs.state; s.cameras = frames; s.devices = devices
            s.teleop = ctx.command ?? TeleopCommand(); s.speedScale = speedScale; s.gripperTarget = ctx.action.gripper
            s.session = ctx.session; s.extraPanels = panels
            s.timing.controlTarget = rate; s.timing.controlAchieved = achieved; s.timing.tickMillis = cost
            if !s.instruction.editing { s.instruction.text = ctx.instruction }
        }
    }
}
