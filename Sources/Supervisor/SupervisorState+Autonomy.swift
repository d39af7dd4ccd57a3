// The policy side: the autonomy tick, inference requests with deadlines, and replies.
import RobotKit

extension SupervisorState {
    /// AUTONOMY tick: observation checks, deadline check, then the next checked action of the chunk (or hold),
    /// then a new inference request when the chunk is (nearly) used up and none is in flight.
    mutating func autonomyTick(_ s: TickSummary, now: Double, into out: inout [SupervisorAction]) {
        defer { autonomyTicks += 1 }
        if let (kind, detail) = observationProblem(s, now: now) {
            raise(kind, detail, now: now, into: &out)
            out.append(.hold(reason: kind.label))
            return
        }
        if let f = inFlight, now > f.deadline {
            let ms = Int((config.inferenceTimeout * 1000).rounded())
            raise(.missedDeadline, "request \(f.id) not answered within \(ms) ms; its reply will be dropped",
                  now: now, into: &out)
            out.append(.hold(reason: SupervisorException.missedDeadline.label))
            return
        }
        if chunkIndex < chunk.count {
            let proposed = chunk[chunkIndex]
            let a = config.limits.clamp(proposed)
            if let w = config.workspace, !w.contains(s.endEffector + SIMD3(a.dx, a.dy, a.dz)) {
                raise(.workspaceBounds, "step \(chunkIndex) would leave the workspace from \(fmt(s.endEffector))",
                      now: now, into: &out)
                out.append(.hold(reason: SupervisorException.workspaceBounds.label))
                return
            }
            if a != proposed {
                raise(.stepBeyondLimits, "step \(chunkIndex) \(fmt(proposed.vector)) → \(fmt(a.vector))", now: now, into: &out)
            }
            chunkIndex += 1
            stallWatch?.record(a.vector)
            commandedGripper = a.gripper
            out.append(.send(a, source: .autonomy, intervention: false))
        } else {
            out.append(.hold(reason: "waiting for the policy"))
        }
        if config.inTickReplyWait == nil, inFlight == nil, chunk.count - chunkIndex <= max(config.requestAhead, 0) {
            requestChunk(now: now, into: &out)
        }
    }

    /// With `inTickReplyWait`: at the start of an autonomy tick whose chunk is used up, the request for a new one,
    /// carrying this tick's observation (`autonomyTick` then sends its first action if the reply came in time).
    mutating func requestAtTickStart(now: Double) -> [SupervisorAction] {
        var out: [SupervisorAction] = []
        if config.inTickReplyWait != nil, mode == .autonomy, inFlight == nil, chunkIndex >= chunk.count {
            requestChunk(now: now, into: &out)
        }
        return out
    }

    private mutating func requestChunk(now: Double, into out: inout [SupervisorAction]) {
        let id = nextRequestId
        nextRequestId += 1
        let deadline = now + config.inferenceTimeout
        inFlight = (id, deadline, autonomyTicks)
        out.append(.requestInference(id: id, instruction: instruction ?? "", deadline: deadline))
    }

    /// The first problem with this tick's observation, if any (autonomy only: the policy needs fresh frames
    /// and a robot inside its limits; a human driving can see for themselves).
    mutating func observationProblem(_ s: TickSummary, now: Double) -> (SupervisorException, String)? {
        if let problem = cameras.update(s.cameras, staleAfter: config.staleCameraTicks, frozenAfter: config.frozenCameraTicks) {
            return problem
        }
        let p = s.endEffector
        if !(p.x.isFinite && p.y.isFinite && p.z.isFinite) {
            return (.workspaceBounds, "end-effector position is not finite")
        }
        if let w = config.workspace, !w.contains(p) {
            return (.workspaceBounds, "end effector at \(fmt(p)) outside \(fmt(w.min))…\(fmt(w.max))")
        }
        if let limits = config.jointLimits {
            for (i, (q, range)) in zip(s.jointPositions, limits).enumerated() where !range.contains(q) {
                return (.jointLimits, "joint \(i) at \(fmt(q)) rad outside \(fmt(range.lowerBound))…\(fmt(range.upperBound))")
            }
        }
        // Before the contact force: a shoved or dropped object often hits the arm next, and the cause is what the
        // operator needs to read.
        if let incident = s.objectIncident {
            return (incident.kind == .dropped ? .objectDropped : .objectPushed, incident.detail)
        }
        if let f = s.contactForce, !(f <= config.maxContactForce) {
            return (.contactForce, "contact force \(fmt(f)) N above \(fmt(config.maxContactForce)) N")
        }
        let idle = progress.update(position: p, gripper: s.gripper, now: now, epsilon: config.progressEpsilon)
        if idle >= config.noProgressAfter {
            return (.noProgress, "no end-effector or gripper movement for \(Int(idle.rounded())) s")
        }
        return nil
    }

    mutating func policyReply(id: UInt64, rows: [[Double]], done: Bool, now: Double) -> [SupervisorAction] {
        guard mode == .autonomy, let f = inFlight, f.id == id else {
            return [.log("dropped reply to request \(id): not the request in flight (superseded, cancelled or late)")]
        }
        var out: [SupervisorAction] = []
        inFlight = nil
        if now > f.deadline {
            let ms = Int(((now - f.deadline) * 1000).rounded())
            raise(.missedDeadline, "reply to request \(id) arrived \(ms) ms after its deadline; dropped", now: now, into: &out)
            return out
        }
        if done { return endRun(.policyDone, now: now) }
        switch ActionGuard.check(rows, config: config) {
        case .failure(let problem):
            raise(problem.kind, "request \(id): \(problem.detail); chunk rejected", now: now, into: &out)
        case .success(let actions):
            // Action i of a chunk is meant for the i-th tick from its observation; the ticks that already went by
            // while it was computed are skipped (the robot did something else in them), so the chunk stays in time.
            let skip = config.alignChunksToObservation ? min(max(autonomyTicks - f.tick, 0), actions.count - 1) : 0
            let rest = actions.dropFirst(skip)
            var n = config.actionsPerChunk.map { min(max($0, 1), rest.count) } ?? rest.count
            if n < rest.count, stallWatch?.takeStall() == true {
                n = rest.count
                out.append(.log("request \(id): the last \(config.commitAfterStall?.window ?? 0) actions went nowhere; "
                                + "executing the whole chunk (\(n) actions) before asking again"))
            }
            chunk = Array(rest.prefix(n))
            chunkIndex = 0
        }
        return out
    }

    mutating func policyError(id: UInt64, kind: SupervisorException, message: String, now: Double) -> [SupervisorAction] {
        guard mode == .autonomy, let f = inFlight, f.id == id else {
            return [.log("dropped error for request \(id) (not in flight): \(message)")]
        }
        var out: [SupervisorAction] = []
        inFlight = nil
        raise(kind, "request \(id): \(message)", now: now, into: &out)
        return out
    }
}

/// Short numbers for log lines.
func fmt(_ v: Double) -> String {
    guard v.isFinite else { return "\(v)" }
    let r = (v * 1000).rounded() / 1000
    return "\(r)"
}
func fmt(_ v: SIMD3<Double>) -> String { "(\(fmt(v.x)), \(fmt(v.y)), \(fmt(v.z)))" }
func fmt(_ v: [Double]) -> String { "[" + v.map(fmt).joined(separator: ", ") + "]" }
