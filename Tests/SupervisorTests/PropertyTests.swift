import Foundation
import XCTest
import RobotKit
@testable import Supervisor

/// A tiny property-testing harness: seeded random event sequences, an oracle that watches every output,
/// and a failure message carrying the seed and the event index so any failure replays exactly.
struct Gen {
    var rng: SeededGenerator
    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func double(_ r: ClosedRange<Double>) -> Double { Double.random(in: r, using: &rng) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }
}

enum Event: CustomStringConvertible {
    case tick(dt: Double), teleop(TeleopCommand), lost, restored, op(OperatorEvent), instruction
    case reply(id: UInt64, rows: [[Double]], done: Bool, wellFormed: Bool), error(id: UInt64), success
    case report(SupervisorException), camera(stalled: Bool, frozen: Bool)
    var description: String {
        switch self {
        case .tick(let dt): "tick(\(dt))"
        case .teleop(let c): "teleop(deadman: \(c.deadman), neutral: \(c.isNeutral))"
        case .reply(let id, let rows, let done, let ok): "reply(\(id), \(rows.count) rows, done: \(done), ok: \(ok))"
        case .lost: "lost"
        case .restored: "restored"
        case .op(let e): "op(\(e))"
        case .instruction: "instruction"
        case .error(let id): "error(\(id))"
        case .success: "success"
        case .report(let k): "report(\(k))"
        case .camera(let s, let f): "camera(stalled: \(s), frozen: \(f))"
        }
    }
}

final class PropertyTests: XCTestCase {
    static let sequences = 1500
    static let eventsPerSequence = 200

    /// Rows tagged with their request id in the gripper (id / 100000, always inside 0…1), so any action the
    /// supervisor sends for the policy can be traced back to the reply it came from.
    func rows(for id: UInt64, _ g: inout Gen, config: SupervisorConfiguration) -> (rows: [[Double]], wellFormed: Bool) {
        let n = g.int(1...6)
        let tag = Double(id) / 100_000
        // Some chunks barely move (±1 mm a step), so the commit after a stall gets exercised too.
        let bound = g.chance(0.3) ? 0.001 : config.limits.maxTranslation * config.rejectFactor
        var rows = (0..<n).map { _ in
            [g.double(-bound...bound), g.double(-bound...bound), g.double(-bound...bound),
             g.double(-config.limits.maxYaw * 5...config.limits.maxYaw * 5), tag]
        }
        switch g.int(0...9) {
        case 0: rows[g.int(0...(n - 1))][g.int(0...4)] = g.pick([.nan, .infinity, -.infinity]); return (rows, false)
        case 1: rows[g.int(0...(n - 1))].append(0); return (rows, false)
        case 2: rows[g.int(0...(n - 1))][g.int(0...3)] = g.pick([1.0, -3.0, 100.0]); return (rows, false)
        case 3: return ([], false)
        default: return (rows, true)
        }
    }

    func nextEvent(_ g: inout Gen, h: Harness, requested: [UInt64], config: SupervisorConfiguration) -> Event {
        // In autonomy, pad input is rarer so runs last long enough for chunks to be executed.
        if h.sup.mode == .autonomy && g.chance(0.8) {
            if let last = requested.last, g.chance(0.35) {
                var gg = g
                let (r, ok) = rows(for: last, &gg, config: config)
                g = gg
                return .reply(id: last, rows: r, done: g.chance(0.01), wellFormed: ok)
            }
            return .tick(dt: g.chance(0.95) ? 0.1 : g.pick([0.3, 1.2]))
        }
        switch g.int(0...99) {
        case 0..<45:
            return .tick(dt: g.chance(0.9) ? 0.1 : g.pick([0.05, 0.3, 1.2, 3.0, 6.0]))
        case 45..<62:
            let axes = g.chance(0.5) ? SIMD3<Double>.zero : SIMD3(g.double(-1...1), g.double(-1...1), g.chance(0.05) ? .nan : g.double(-1...1))
            return .teleop(TeleopCommand(linear: axes, yaw: g.chance(0.3) ? g.double(-1...1) : 0,
                                         gripper: g.chance(0.5) ? g.double(0...1) : nil, deadman: g.chance(0.6)))
        case 62..<64: return g.chance(0.5) ? .lost : .restored
        case 64..<72: return .op(g.pick(OperatorEvent.allCases))
        case 72..<76: return .instruction
        case 76..<90:
            let id: UInt64
            if let last = requested.last, g.chance(0.6) { id = last }
            else if !requested.isEmpty, g.chance(0.7) { id = g.pick(requested) }
            else { id = UInt64(g.int(0...400)) }
            var gg = g
            let (r, ok) = rows(for: id, &gg, config: config)
            g = gg
            return .reply(id: id, rows: r, done: g.chance(0.03), wellFormed: ok)
        case 90..<93: return .error(id: requested.last ?? 0)
        case 93..<94: return .success
        case 94..<96: return .report(g.pick(SupervisorException.allCases))
        default: return .camera(stalled: g.chance(0.15), frozen: g.chance(0.15))
        }
    }

    func testSafetyPromisesHoldOverRandomEventSequences() {
        var violations: [String] = []
        for seed in 0..<UInt64(Self.sequences) where violations.count < 5 {
            if let v = runSequence(seed: seed) { violations.append(v) }
        }
        XCTAssertTrue(violations.isEmpty, violations.joined(separator: "\n"))
    }

    /// Returns a description of the first violated property, or nil.
    /// PROP_TRACE=SEED prints that sequence's events and outputs.
    let trace = ProcessInfo.processInfo.environment["PROP_TRACE"].flatMap { UInt64($0) }

    func runSequence(seed: UInt64) -> String? {
        var g = Gen(seed: seed &* 0x9E37_79B9 &+ 17)
        var config = SupervisorConfiguration()
        config.actionsPerChunk = g.pick([nil, 1, 3])
        config.requestAhead = g.int(0...2)
        config.inTickReplyWait = g.chance(0.3) ? 0.02 : nil
        config.commitAfterStall = g.chance(0.3) ? StallRule(window: g.pick([1, 2, 5])) : nil
        var h = Harness(config)
        h.joints = []
        // Oracle state.
        var requested: [UInt64] = []
        var deadlines: [UInt64: Double] = [:]
        var cancelled = Set<UInt64>()
        var answered = Set<UInt64>()
        var validChunks: [UInt64: Int] = [:]       // id → rows that may be sent
        var sentFromChunk: [UInt64: Int] = [:]
        var latest: TeleopCommand?
        var latestAt = -Double.infinity
        var deviceLost = false
        var stopped = false                          // a stop was emitted and no explicit start since
        var releasedSinceStop = true               // false from a stop until the deadman is seen released
        var zeroStreak = 0
        var takeoverPending = false                  // a pad event took over; the next tick must not be autonomy

        for step in 0..<Self.eventsPerSequence {
            let event = nextEvent(&g, h: h, requested: requested, config: config)
            var where_: String { "seed \(seed) step \(step) \(event)" }
            let modeBefore = h.sup.mode
            let pendingBefore = h.sup.pendingTakeover
            var out: [SupervisorAction] = []
            switch event {
            case .tick(let dt):
                h.dt = dt
                out = h.tick()
            case .teleop(let c):
                out = h.sup.teleop(c)
                latest = c; latestAt = h.now
                if !c.deadman { releasedSinceStop = true }
                if modeBefore == .autonomy && (c.deadman || !c.isNeutral) {
                    guard h.sup.mode == .takeover else { return "P7: pad input in autonomy did not take over at \(where_)" }
                    takeoverPending = true
                }
            case .lost: out = h.sup.inputDeviceLost("unplugged"); deviceLost = true
            case .restored: out = h.sup.inputDeviceRestored(); deviceLost = false
            case .op(let e): out = h.sup.operatorEvent(e)
            case .instruction: out = h.sup.submitInstruction("pick up the cube")
            case .reply(let id, let rows, let done, let ok):
                let valid = ok && !done && modeBefore == .autonomy && requested.last == id && !cancelled.contains(id)
                    && !answered.contains(id) && h.now <= (deadlines[id] ?? -1)
                out = h.sup.policyReply(requestId: id, actions: rows, done: done)
                if requested.contains(id) { answered.insert(id) }
                if valid { validChunks[id] = rows.count }
            case .error(let id):
                out = h.sup.policyError(requestId: id, message: "boom")
                if requested.contains(id) { answered.insert(id) }
            case .success: out = h.sup.taskSucceeded()
            case .report(let k): out = h.sup.report(k, detail: "injected")
            case .camera(let s, let f): h.cameraStalled = s; h.cameraFrozen = f
            }
            if trace == seed { print(step, event, h.sup.mode, out) }
            let isTick: Bool = { if case .tick = event { true } else { false } }()

            for a in out {
                switch a {
                case .requestInference(let id, _, let deadline):
                    requested.append(id); deadlines[id] = deadline
                case .cancelInference(let id): cancelled.insert(id)
                case .stop: stopped = true; releasedSinceStop = false
                case .modeChanged(let from, let to):
                    if from == .estop && to != .idle { return "P1: left E-STOP to \(to) at \(where_)" }
                    if from == .estop, case .op(.rearm) = event {} else if from == .estop { return "P1: left E-STOP without rearm at \(where_)" }
                    if to == .autonomy {
                        switch event {
                        case .instruction, .op(.handBack), .op(.startAutonomy), .op(.pauseToggle): break
                        default: return "P7: entered autonomy without an explicit action at \(where_)"
                        }
                    }
                    if to == .autonomy || to == .teleop || to == .takeover { if from != .estop { stopped = false } }
                default: break
                }
            }

            // Exactly one motion decision per tick; none from other inputs (except an operator stop).
            if isTick && out.motionDecisions != 1 { return "one motion decision per tick violated at \(where_): \(out)" }
            if !isTick && !out.sends.isEmpty { return "a send outside a tick at \(where_)" }

            var zeroThisTick = false
            for (a, source, intervention) in out.sends {
                // P4: everything sent is finite and inside the per-tick limits.
                if !a.isFinite || !config.limits.contains(a) { return "P4: unsafe action \(a) at \(where_)" }
                if stopped { return "P1: motion command after a stop before an explicit start at \(where_)" }
                switch source {
                case .autonomy:
                    if takeoverPending { return "P7: policy action on the tick after a takeover at \(where_)" }
                    if intervention { return "autonomy step flagged intervention at \(where_)" }
                    // P5: the action traces back to an in-time reply to the request in flight.
                    let id = UInt64((a.gripper * 100_000).rounded())
                    guard let allowed = validChunks[id] else { return "P5: sent an action from a dropped reply (id \(id)) at \(where_)" }
                    sentFromChunk[id, default: 0] += 1
                    if sentFromChunk[id, default: 0] > allowed { return "P5: more actions than the chunk had at \(where_)" }
                case .teleop:
                    let fresh = latest != nil && h.now - latestAt <= config.inputStaleAfter && !deviceLost
                    if !a.isZeroMotion {
                        // P2: pad motion only from a fresh command with the deadman held.
                        guard fresh, latest?.deadman == true else { return "P2: pad motion without a fresh deadman at \(where_)" }
                        if !releasedSinceStop { return "P1: pad motion after a stop without a fresh deadman press at \(where_)" }
                    } else if !(fresh && latest?.deadman == true) {
                        zeroThisTick = true
                    }
                    if intervention != (h.sup.mode == .takeover) { return "intervention flag wrong at \(where_)" }
                case .none:
                    return "send with source none at \(where_)"
                }
            }
            if isTick {
                zeroStreak = zeroThisTick ? zeroStreak + 1 : 0
                if zeroStreak > 1 { return "P2: more than one zero command after release at \(where_)" }
                takeoverPending = false
            }

            // P7: an unanswered takeover request ends in a stop within the budget (checked at the tick).
            if isTick, let p = pendingBefore, h.now - p.since >= config.takeoverBudget {
                if !(out.hasStop && h.sup.mode == .estop) { return "P7: takeover request overdue without a stop at \(where_)" }
            }
            if out.takeoverRequested && h.sup.pendingTakeover == nil && h.sup.mode != .estop {
                return "takeover requested but not pending at \(where_)"
            }
            if h.sup.mode == .estop && !out.sends.isEmpty { return "P1: motion in E-STOP at \(where_)" }
        }
        return nil
    }

    /// The property harness itself must be able to fail: a supervisor that sends a policy action after a stop
    /// would be caught. Here we check the oracle sees the sends it should by counting them over a run.
    func testTheGeneratorExercisesEveryKindOfSend() {
        var autonomy = 0, teleop = 0, stops = 0, takeovers = 0, rejections = 0
        for seed in 0..<200 as Range<UInt64> {
            var g = Gen(seed: seed)
            var h = Harness()
            h.joints = []
            var requested: [UInt64] = []
            for _ in 0..<200 {
                let e = nextEvent(&g, h: h, requested: requested, config: h.sup.configuration)
                var out: [SupervisorAction] = []
                switch e {
                case .tick(let dt): h.dt = dt; out = h.tick()
                case .teleop(let c): out = h.sup.teleop(c)
                case .op(let o): out = h.sup.operatorEvent(o)
                case .instruction: out = h.sup.submitInstruction("x")
                case .reply(let id, let rows, let done, _): out = h.sup.policyReply(requestId: id, actions: rows, done: done)
                default: break
                }
                requested += out.requestIds
                autonomy += out.sends.filter { $0.1 == .autonomy }.count
                teleop += out.sends.filter { $0.1 == .teleop && !$0.0.isZeroMotion }.count
                stops += out.hasStop ? 1 : 0
                takeovers += out.contains(where: { if case .modeChanged(_, .takeover) = $0 { true } else { false } }) ? 1 : 0
                rejections += out.alerts.filter { [.nonFiniteAction, .wrongShapeAction, .outOfRangeAction].contains($0.exception) }.count
            }
        }
        print("generator coverage: autonomy \(autonomy) teleop \(teleop) stops \(stops) takeovers \(takeovers) rejections \(rejections)")
        XCTAssertGreaterThan(autonomy, 500)
        XCTAssertGreaterThan(teleop, 500)
        XCTAssertGreaterThan(stops, 100)
        XCTAssertGreaterThan(takeovers, 100)
        XCTAssertGreaterThan(rejections, 50)
    }
}
