import RobotKit
@testable import Supervisor

/// Drives a supervisor with a manual clock and a synthetic observation whose cameras deliver a new,
/// different frame every tick unless the test freezes or stalls them.
struct Harness {
    let clock: ManualClock
    var sup: Supervisor
    var dt = 0.1
    var position = SIMD3<Double>(0.4, 0, 0.2)
    var gripper = 1.0
    var cameraSequence: UInt64 = 0
    var cameraHash: UInt64 = 1000
    var cameraStalled = false
    var cameraFrozen = false
    var contactForce: Double?
    var objectIncident: ObjectIncident?
    var joints: [Double] = [0, 0, 0]
    var sent: [Action] = []

    init(_ config: SupervisorConfiguration = SupervisorConfiguration()) {
        clock = ManualClock(100)
        sup = Supervisor(configuration: config, clock: clock)
    }

    var now: Double { clock.now() }

    var summary: TickSummary {
        TickSummary(cameras: [CameraStamp(name: "front", sequence: cameraSequence, contentHash: cameraHash)],
                    endEffector: position, gripper: gripper, jointPositions: joints,
                    contactForce: contactForce, objectIncident: objectIncident)
    }

    /// Advances time by one period, moves the cameras on, asks for a chunk at the tick's start when configured, ticks, and applies any sent action to the "robot".
    @discardableResult
    mutating func tick() -> [SupervisorAction] {
        clock.advance(by: dt)
        if !cameraStalled { cameraSequence += 1 }
        if !cameraStalled && !cameraFrozen { cameraHash &+= 7 }
        // With an in-tick reply wait the request goes out first (the test answers it between ticks: a late reply).
        let out = (sup.configuration.inTickReplyWait != nil ? sup.requestAtTickStart() : []) + sup.tick(summary)
        for a in out { if case .send(let act, _, _) = a { sent.append(act); position += SIMD3(act.dx, act.dy, act.dz); gripper = act.gripper } }
        return out
    }

    mutating func ticks(_ n: Int) -> [[SupervisorAction]] { (0..<n).map { _ in tick() } }

    /// Starts autonomy and answers the first request with `rows`; returns the request id.
    @discardableResult
    mutating func startAutonomy(_ rows: [[Double]] = [[0.01, 0, 0, 0, 0.5], [0.01, 0, 0, 0, 0.5]]) -> UInt64 {
        _ = sup.submitInstruction("put the red cube in the bin")
        let out = tick()
        guard let id = out.requestIds.first else { return 0 }
        _ = sup.policyReply(requestId: id, actions: rows)
        return id
    }
}

extension Array where Element == SupervisorAction {
    var sends: [(Action, CommandSource, Bool)] {
        compactMap { if case .send(let a, let s, let i) = $0 { (a, s, i) } else { nil } }
    }
    var requestIds: [UInt64] { compactMap { if case .requestInference(let id, _, _) = $0 { id } else { nil } } }
    var alerts: [SupervisorAlert] { compactMap { if case .alert(let a) = $0 { a } else { nil } } }
    var logs: [String] { compactMap { if case .log(let s) = $0 { s } else { nil } } }
    var hasStop: Bool { contains { if case .stop = $0 { true } else { false } } }
    var holds: Int { filter { if case .hold = $0 { true } else { false } }.count }
    var outcomes: [EpisodeOutcome] { compactMap { if case .episodeEnded(let o) = $0 { o } else { nil } } }
    var takeoverRequested: Bool { alerts.contains { $0.takeoverRequested } }
    /// Number of motion decisions (send, hold, stop) — exactly one per tick.
    var motionDecisions: Int {
        filter { switch $0 { case .send, .hold, .stop: true; default: false } }.count
    }
}
