import Foundation
import XCTest
import RobotKit
@testable import Policy

/// A policy scripted by the test: answers with a chunk whose first value is the request id, can throw,
/// can advance the manual clock (to simulate slow inference), and can block until the test opens its gate.
final class ScriptedPolicy: Policy {
    let name = "scripted"
    let chunkSize = 2
    let clock: ManualClock
    var secondsPerInference = 0.0
    var failWith: PolicyError?
    let gate = DispatchSemaphore(value: 0)
    var blockUntilGateOpens = false
    let started = DispatchSemaphore(value: 0)
    private(set) var resets = 0

    init(clock: ManualClock) { self.clock = clock }
    func reset() { resets += 1 }
    func infer(_ request: PolicyRequest) throws -> ActionChunk {
        started.signal()
        if blockUntilGateOpens { gate.wait() }
        clock.advance(by: secondsPerInference)
        if let failWith { throw failWith }
        return ActionChunk(actions: [[Double(request.id), 0, 0, 0, 1], [0, 0, 0, 0, 1]])
    }
}

func makeRequest(_ id: UInt64, deadline: Double) -> PolicyRequest {
    let state = RobotState(jointPositions: [], jointVelocities: [], endEffector: Pose(position: .zero), gripper: 1)
    return PolicyRequest(id: id, observation: Observation(time: 0, state: state, frames: [:]),
                         instruction: "pick", deadline: deadline)
}

final class PolicyRunnerTests: XCTestCase {
    /// Waits (on the runner's condition variable, not a sleep) until `count` replies have arrived.
    func collect(_ runner: PolicyRunner, count: Int) -> [PolicyReply] {
        var out: [PolicyReply] = []
        var attempts = 0
        while out.count < count && attempts < 200 {
            out += runner.waitForReplies(timeout: 0.5)
            attempts += 1
        }
        return out
    }

    func testReplyCarriesTheRequestIdAndChunk() {
        let clock = ManualClock(10)
        let runner = PolicyRunner(policy: ScriptedPolicy(clock: clock), clock: clock)
        runner.submit(makeRequest(7, deadline: 11))
        let replies = collect(runner, count: 1)
        XCTAssertEqual(replies.count, 1)
        guard case .chunk(let id, let chunk, _) = replies.first else { return XCTFail("expected a chunk, got \(replies)") }
        XCTAssertEqual(id, 7)
        XCTAssertEqual(chunk.actions.first?.first, 7)
        XCTAssertEqual(chunk.horizon, 2)
    }

    func testAReplyFinishedAfterItsDeadlineIsAMissNotAChunk() {
        let clock = ManualClock(10)
        let policy = ScriptedPolicy(clock: clock)
        policy.secondsPerInference = 0.5
        let runner = PolicyRunner(policy: policy, clock: clock)
        runner.submit(makeRequest(1, deadline: 10.2))
        let replies = collect(runner, count: 1)
        guard case .failed(1, .deadlineMissed, _) = replies.first else { return XCTFail("got \(replies)") }
    }

    func testPolicyErrorsComeBackTaggedWithTheId() {
        let clock = ManualClock(0)
        let policy = ScriptedPolicy(clock: clock)
        policy.failWith = .server("Traceback: boom")
        let runner = PolicyRunner(policy: policy, clock: clock)
        runner.submit(makeRequest(3, deadline: 1))
        XCTAssertEqual(collect(runner, count: 1), [.failed(id: 3, .server("Traceback: boom"), finishedAt: 0)])
    }

    func testANewerRequestSupersedesOneThatHasNotStarted() {
        let clock = ManualClock(0)
        let policy = ScriptedPolicy(clock: clock)
        policy.blockUntilGateOpens = true
        let runner = PolicyRunner(policy: policy, clock: clock)
        runner.submit(makeRequest(1, deadline: 5))
        policy.started.wait()                     // request 1 is inside infer
        runner.submit(makeRequest(2, deadline: 5))
        runner.submit(makeRequest(3, deadline: 5)) // replaces 2 before it starts
        policy.gate.signal(); policy.gate.signal()
        let replies = collect(runner, count: 3)
        XCTAssertEqual(replies.map(\.id).sorted(), [1, 2, 3])
        for r in replies {
            switch r {
            case .chunk(let id, _, _): XCTAssertTrue(id == 1 || id == 3, "request \(id) should not have run")
            case .failed(let id, let e, _):
                XCTAssertEqual(id, 2)
                guard case .deadlineMissed = e else { return XCTFail("\(e)") }
            }
        }
        runner.shutdown()
    }

    func testResetRunsOnTheWorkerBeforeTheNextRequest() {
        let clock = ManualClock(0)
        let policy = ScriptedPolicy(clock: clock)
        let runner = PolicyRunner(policy: policy, clock: clock)
        runner.reset()
        runner.submit(makeRequest(1, deadline: 5))
        _ = collect(runner, count: 1)
        XCTAssertEqual(policy.resets, 1)
    }
}
