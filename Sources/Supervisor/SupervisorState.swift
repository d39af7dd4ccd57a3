// The supervisor's private state and the transitions shared by every input: mode changes, exceptions,
// takeover requests and their escalation, starting and ending autonomous runs.
import RobotKit

struct SupervisorState: Sendable {
    let config: SupervisorConfiguration
    var mode: OperatingMode = .idle
    var instruction: String?
    /// Where PAUSED returns to on pauseToggle (autonomy or takeover).
    var pausedFrom: OperatingMode?
    var request: TakeoverRequest?
    var runActive = false

    // Policy loop.
    var nextRequestId: UInt64 = 1
    /// The request awaiting a reply, and the autonomy tick whose observation it carries.
    var inFlight: (id: UInt64, deadline: Double, tick: Int)?
    /// Autonomy ticks so far (each one sent or held once).
    var autonomyTicks = 0
    var chunk: [Action] = []
    var chunkIndex = 0
    /// With `commitAfterStall`: the autonomy actions sent since the policy's last uninterrupted stretch began.
    var stallWatch: StallWatch?

    // Teleop.
    var command: TeleopCommand?
    var commandAt = -Double.infinity
    var deviceLost = false
    /// Set by a stop or a lost device: the deadman must be released before pad motion again.
    var deadmanNeedsRelease = false
    /// True after a tick that sent pad motion, so a release produces exactly one zero command.
    var padMoving = false
    /// Bumpless gripper: the pad's gripper value when the human took control; followed only once it changes.
    var padGripperBaseline: Double?
    var followPadGripper = false
    var speedIndex: Int
    /// The console's own speed setting (fraction of the limits), when it has one: takeover then moves at the speed
    /// the operator chose with +/-, not at a level of `teleopSpeeds`. Cleared by speedUp/speedDown.
    var speedOverride: Double?
    var staleInputLogged = false

    // What the robot is doing.
    var commandedGripper = 1.0
    var gripperKnown = false
    var lastPosition: SIMD3<Double>?

    // Monitors (autonomy only).
    var cameras = CameraMonitor()
    var progress = ProgressMonitor()

    init(config: SupervisorConfiguration) {
        self.config = config
        self.speedIndex = min(max(config.initialSpeedIndex, 0), max(config.teleopSpeeds.count - 1, 0))
        self.stallWatch = config.commitAfterStall.map(StallWatch.init)
    }

    // MARK: the tick

    mutating func tick(_ s: TickSummary, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        if !gripperKnown, s.gripper.isFinite {
            commandedGripper = min(max(s.gripper, 0), 1)
            gripperKnown = true
        }
        lastPosition = s.endEffector
        if let r = request, now - r.since >= config.takeoverBudget {
            let secs = fmt(config.takeoverBudget)
            enterStop("takeover request (\(r.exception.label)) unanswered for \(secs) s", now: now, into: &out)
            out.append(.alert(SupervisorAlert(exception: .takeoverUnanswered, message:
                "E-STOP: nobody answered the takeover request (\(r.exception.label)) within \(secs) s",
                bell: true, takeoverRequested: false, time: now)))
            return out
        }
        switch mode {
        case .idle: out.append(.hold(reason: "idle"))
        case .paused: out.append(.hold(reason: request.map { "paused: \($0.exception.label)" } ?? "paused"))
        case .estop: out.append(.hold(reason: "E-STOP latched; re-arm to continue"))
        case .teleop, .takeover: teleopTick(s, now: now, into: &out)
        case .autonomy: autonomyTick(s, now: now, into: &out)
        }
        return out
    }

    // MARK: shared transitions

    mutating func setMode(_ m: OperatingMode, into out: inout [SupervisorAction]) {
        guard m != mode else { return }
        out.append(.modeChanged(from: mode, to: m))
        if mode == .paused { request = nil }
        mode = m
    }

    /// Forgets any chunk and any request in flight, so no reply to it is ever executed.
    mutating func dropPolicyWork(into out: inout [SupervisorAction]) {
        if let f = inFlight { out.append(.cancelInference(id: f.id)) }
        inFlight = nil
        chunk = []
        chunkIndex = 0
        // Whatever comes next (a human driving, a hold, a new run) is not the policy's motion.
        stallWatch?.restartWindow()
    }

    /// An exception: hold (PAUSED) and ask the human to take over, unless the robot is already idle or stopped.
    /// `stepBeyondLimits` only logs: the step was clamped and the run goes on.
    mutating func raise(_ kind: SupervisorException, _ detail: String, now: Double, into out: inout [SupervisorAction]) {
        let message = "\(kind.label): \(detail)"
        guard kind.holds else {
            out.append(.log(message))
            return
        }
        let active = mode == .autonomy || mode == .teleop || mode == .takeover
        guard active || (mode == .paused && request == nil && pausedFrom != nil) else {
            out.append(.alert(SupervisorAlert(exception: kind, message: message, bell: false, takeoverRequested: false, time: now)))
            return
        }
        dropPolicyWork(into: &out)
        if mode != .paused { pausedFrom = mode == .teleop ? nil : mode }
        setMode(.paused, into: &out)
        if request == nil { request = TakeoverRequest(exception: kind, since: now) }
        padMoving = false
        out.append(.alert(SupervisorAlert(exception: kind, message: message + " — take over or hand back",
                                          bell: true, takeoverRequested: true, time: now)))
    }

    mutating func enterStop(_ reason: String, now: Double, into out: inout [SupervisorAction]) {
        dropPolicyWork(into: &out)
        if runActive {
            runActive = false
            out.append(.episodeEnded(.stopped))
        }
        setMode(.estop, into: &out)
        request = nil
        pausedFrom = nil
        padMoving = false
        deadmanNeedsRelease = true
        out.append(.stop(reason: reason))
    }

    /// Starts (or resumes, on hand-back) the policy with the current instruction.
    mutating func enterAutonomy(newRun: Bool, now: Double, into out: inout [SupervisorAction]) {
        guard let text = instruction else {
            out.append(.log("no instruction yet: type one to start autonomy"))
            return
        }
        dropPolicyWork(into: &out)
        if newRun { stallWatch?.reset() }
        if newRun && runActive { out.append(.episodeEnded(.interrupted)) }
        if newRun || !runActive { runActive = true }
        setMode(.autonomy, into: &out)
        request = nil
        pausedFrom = nil
        padMoving = false
        cameras.reset()
        progress.reset()
        out.append(.log("autonomy: \(text)"))
    }

    /// Ends the autonomous run (success, policy done, operator label) and returns to IDLE holding still.
    mutating func endRun(_ outcome: EpisodeOutcome, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        let wasRun = runActive
        runActive = false
        out.append(.episodeEnded(outcome))
        if wasRun, mode == .autonomy || mode == .takeover || mode == .paused {
            dropPolicyWork(into: &out)
            setMode(.idle, into: &out)
            pausedFrom = nil
        }
        return out
    }

    mutating func submitInstruction(_ text: String, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty else {
            out.append(.log("empty instruction ignored"))
            return out
        }
        instruction = trimmed
        if mode == .estop {
            out.append(.log("instruction kept; E-STOP is latched: re-arm, then start"))
            return out
        }
        enterAutonomy(newRun: true, now: now, into: &out)
        return out
    }
}
