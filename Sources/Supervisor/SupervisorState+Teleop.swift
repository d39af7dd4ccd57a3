// The human side: pad/keyboard commands, takeover, the deadman, lost devices, operator controls.
import RobotKit

extension SupervisorState {
    mutating func teleop(_ c: TeleopCommand, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        command = c
        commandAt = now
        staleInputLogged = false
        if !c.deadman { deadmanNeedsRelease = false }
        let canDrive = c.deadman && !deadmanNeedsRelease && !deviceLost
        switch mode {
        case .autonomy:
            // Any stick or the deadman takes over at once; motion still needs the deadman (next tick).
            if c.deadman || !c.isNeutral {
                beginHumanControl(.takeover, message: "TAKEOVER: operator has control", now: now, into: &out)
            }
        case .paused:
            if canDrive {
                beginHumanControl(runActive ? .takeover : .teleop, message: "operator has control", now: now, into: &out)
            }
        case .idle:
            if canDrive { beginHumanControl(.teleop, message: "teleop", now: now, into: &out) }
        case .teleop, .takeover, .estop:
            break
        }
        return out
    }

    /// Hands the robot to the human: the policy's work is dropped, and the pad's gripper value at this moment
    /// becomes the baseline so the gripper does not jump to wherever the trigger happens to rest (bumpless).
    mutating func beginHumanControl(_ target: OperatingMode, message: String, now: Double,
                                    into out: inout [SupervisorAction]) {
        dropPolicyWork(into: &out)
        setMode(target, into: &out)
        pausedFrom = nil
        padMoving = false
        padGripperBaseline = command?.gripper
        followPadGripper = false
        if target == .takeover {
            out.append(.alert(SupervisorAlert(exception: nil, message: message, bell: false, takeoverRequested: false, time: now)))
        } else {
            out.append(.log(message))
        }
    }

    /// TELEOP / TAKEOVER tick: motion only from a fresh command with the deadman held; on release exactly
    /// one zero command, then hold.
    mutating func teleopTick(_ s: TickSummary, now: Double, into out: inout [SupervisorAction]) {
        let intervention = mode == .takeover
        let fresh = command != nil && !deviceLost && now - commandAt <= config.inputStaleAfter
        if let c = command, fresh, c.deadman, !deadmanNeedsRelease {
            let a = padAction(c, at: s.endEffector)
            padMoving = true
            commandedGripper = a.gripper
            out.append(.send(a, source: .teleop, intervention: intervention))
            return
        }
        if command != nil, !fresh, !deviceLost, !staleInputLogged {
            staleInputLogged = true
            out.append(.log("input stale (no command for \(Int(config.inputStaleAfter * 1000)) ms): holding"))
        }
        if padMoving {
            padMoving = false
            out.append(.send(Action.hold(gripper: commandedGripper), source: .teleop, intervention: intervention))
        } else {
            out.append(.hold(reason: deadmanNeedsRelease ? "release the deadman, then press it to drive"
                                                          : "deadman released"))
        }
    }

    /// Scales a normalised pad command to a per-tick delta from where the robot is now (deltas, so taking
    /// over never jumps), keeping the end effector inside the workspace.
    mutating func padAction(_ c: TeleopCommand, at position: SIMD3<Double>) -> Action {
        func axis(_ v: Double) -> Double { v.isFinite ? min(max(v, -1), 1) : 0 }
        let speed = teleopSpeed
        let t = config.limits.maxTranslation * speed
        var d = SIMD3(axis(c.linear.x), axis(c.linear.y), axis(c.linear.z)) * t
        if let w = config.workspace, position.x.isFinite, position.y.isFinite, position.z.isFinite {
            for i in 0..<3 {
                let next = position[i] + d[i]
                if (next > w.max[i] && d[i] > 0) || (next < w.min[i] && d[i] < 0) { d[i] = 0 }
            }
        }
        var gripper = commandedGripper
        if let g = c.gripper, g.isFinite {
            if padGripperBaseline == nil { padGripperBaseline = g }
            if followPadGripper || abs(g - (padGripperBaseline ?? g)) > 0.01 {
                followPadGripper = true
                gripper = min(max(g, 0), 1)
            }
        }
        return Action(dx: d.x, dy: d.y, dz: d.z, dyaw: axis(c.yaw) * config.limits.maxYaw * speed, gripper: gripper)
    }

    /// Fraction of the step limits a full stick deflection moves per tick.
    var teleopSpeed: Double {
        if let s = speedOverride { return s }
        return config.teleopSpeeds.indices.contains(speedIndex) ? config.teleopSpeeds[speedIndex] : 0.5
    }

    mutating func inputLost(_ detail: String, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        deviceLost = true
        deadmanNeedsRelease = true
        raise(.inputDeviceLost, detail, now: now, into: &out)
        return out
    }

    mutating func inputRestored() -> [SupervisorAction] {
        deviceLost = false
        return [.log("input device back: release and press the deadman to drive")]
    }

    mutating func operatorEvent(_ e: OperatorEvent, now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        switch e {
        case .stop:
            if mode == .estop { out.append(.log("E-STOP already latched")) } else { enterStop("operator stop", now: now, into: &out) }
        case .rearm:
            if mode == .estop {
                setMode(.idle, into: &out)
                out.append(.log("re-armed: nothing moves until you start autonomy or press the deadman"))
            } else {
                out.append(.log("re-arm ignored: not stopped"))
            }
        case .speedUp, .speedDown:
            let n = config.teleopSpeeds.count
            speedOverride = nil
            speedIndex = min(max(speedIndex + (e == .speedUp ? 1 : -1), 0), max(n - 1, 0))
            if n > 0 { out.append(.log("teleop speed \(Int(config.teleopSpeeds[speedIndex] * 100)) %")) }
        case .recordToggle:
            break   // the recorder's business; any mode may be recorded
        case .markSuccess: out = endRun(.success, now: now)
        case .markFailure: out = endRun(.failure, now: now)
        case .discard: out = endRun(.discarded, now: now)
        case .takeOver:
            switch mode {
            case .autonomy, .paused:
                beginHumanControl(runActive ? .takeover : .teleop, message: "TAKEOVER: operator has control", now: now, into: &out)
            case .idle: beginHumanControl(.teleop, message: "teleop", now: now, into: &out)
            case .teleop, .takeover, .estop: out.append(.log("take over ignored in \(mode.label)"))
            }
        case .handBack, .startAutonomy:
            switch mode {
            case .estop: out.append(.log("E-STOP is latched: re-arm first"))
            case .autonomy: out.append(.log("already in autonomy"))
            case .idle, .teleop, .paused, .takeover: enterAutonomy(newRun: false, now: now, into: &out)
            }
        case .pauseToggle:
            switch mode {
            case .autonomy, .takeover:
                let from = mode
                dropPolicyWork(into: &out)
                setMode(.paused, into: &out)
                pausedFrom = from
            case .paused:
                if let r = request {
                    request = nil
                    out.append(.log("takeover request (\(r.exception.label)) acknowledged: staying paused"))
                } else if pausedFrom == .autonomy {
                    enterAutonomy(newRun: false, now: now, into: &out)
                } else if pausedFrom == .takeover {
                    beginHumanControl(.takeover, message: "operator has control", now: now, into: &out)
                } else {
                    setMode(.idle, into: &out)
                }
            case .idle, .teleop, .estop:
                out.append(.log("pause ignored in \(mode.label)"))
            }
        }
        return out
    }
}
