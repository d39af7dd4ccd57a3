import Policy
import RobotKit
import XCTest

final class ChunkExecutorTests: XCTestCase {
    /// Chunk predicted at tick t: action k is [t*10 + k] so each value says who predicted it for which tick.
    func chunk(at t: Int, k: Int = 4) -> [[Double]] { (0..<k).map { [Double(t * 10 + $0)] } }

    func testReplanEveryNExecutesNActionsThenAsksAgain() {
        var ex = ChunkExecutor(mode: .replan(every: 3))
        var executed: [Double] = [], inferredAt: [Int] = []
        for t in 0..<7 {
            if ex.needsChunk { inferredAt.append(t); ex.accept(chunk(at: t)) }
            executed.append(ex.nextAction()![0])
        }
        XCTAssertEqual(inferredAt, [0, 3, 6])
        XCTAssertEqual(executed, [0, 1, 2, 30, 31, 32, 60])
    }

    func testReplanPastTheChunkEndNeedsAChunkAndNeverInventsActions() {
        var ex = ChunkExecutor(mode: .replan(every: 10))
        ex.accept(chunk(at: 0, k: 2))
        XCTAssertNotNil(ex.nextAction()); XCTAssertNotNil(ex.nextAction())
        XCTAssertTrue(ex.needsChunk)
        XCTAssertNil(ex.nextAction())
        XCTAssertEqual(ex.tick, 2, "no action, no tick")
    }

    func testTemporalEnsembleAveragesOverlappingPredictionsOldestWeighingMost() {
        let m = 0.5
        var ex = ChunkExecutor(mode: .ensemble(decay: m))
        XCTAssertTrue(ex.needsChunk)
        ex.accept(chunk(at: 0))
        XCTAssertEqual(ex.nextAction()![0], 0)                       // only chunk 0 covers tick 0
        XCTAssertTrue(ex.needsChunk)
        ex.accept(chunk(at: 1))
        // tick 1: chunk0[1] = 1 (weight 1), chunk1[0] = 10 (weight e^-0.5)
        let w = Foundation.exp(-m)
        XCTAssertEqual(ex.nextAction()![0], (1 + w * 10) / (1 + w), accuracy: 1e-9)
        ex.accept(chunk(at: 2))
        let w2 = Foundation.exp(-2 * m)
        XCTAssertEqual(ex.nextAction()![0], (2 + w * 11 + w2 * 20) / (1 + w + w2), accuracy: 1e-9)
        XCTAssertFalse(ex.needsChunk == false && ex.tick == 0)
    }

    func testEnsembleDropsChunksThatNoLongerCoverAndDecayZeroIsAPlainMean() {
        var ex = ChunkExecutor(mode: .ensemble(decay: 0))
        for t in 0..<6 {
            ex.accept(chunk(at: t, k: 2))
            let v = ex.nextAction()![0]
            // ticks ≥ 1: chunk t-1 predicts (t-1)*10+1, chunk t predicts t*10; chunk t-2 no longer covers t.
            XCTAssertEqual(v, t == 0 ? 0 : (Double((t - 1) * 10 + 1) + Double(t * 10)) / 2, accuracy: 1e-12)
        }
    }

    func testParseAndReset() {
        XCTAssertEqual(ChunkExecutor.parse("replan:4"), .replan(every: 4))
        XCTAssertEqual(ChunkExecutor.parse("ensemble:0.1"), .ensemble(decay: 0.1))
        XCTAssertNil(ChunkExecutor.parse("replan:0"))
        XCTAssertNil(ChunkExecutor.parse("ensemble:-1"))
        XCTAssertNil(ChunkExecutor.parse("bogus"))
        var ex = ChunkExecutor(mode: .replan(every: 2))
        ex.accept(chunk(at: 0)); _ = ex.nextAction()
        ex.reset()
        XCTAssertTrue(ex.needsChunk)
        XCTAssertEqual(ex.tick, 0)
        XCTAssertNil(ex.nextAction())
    }
}

import Foundation

/// `ObservationLag`: the view a chunk is predicted from, and the actions left once the ticks since have gone by.
final class ObservationLagTests: XCTestCase {
    private func observation(at t: Double) -> Observation {
        Observation(time: t, state: RobotState(jointPositions: [], jointVelocities: [], endEffector: Pose(position: .zero), gripper: 1),
                    frames: [:])
    }
    private let chunk = (0..<5).map { [Double($0)] }

    func testOneTickOfLagPredictsFromTheViewBeforeAndSkipsItsFirstAction() {
        var lag = ObservationLag(ticks: 1)
        XCTAssertNil(lag.observation, "nothing seen yet")
        lag.record(observation(at: 0))
        XCTAssertEqual(lag.observation?.time, 0)
        XCTAssertEqual(lag.aligned(chunk), chunk, "the first tick has no older view: nothing to skip")
        lag.record(observation(at: 1)); lag.record(observation(at: 2))
        XCTAssertEqual(lag.observation?.time, 1, "one tick old")
        XCTAssertEqual(lag.aligned(chunk), Array(chunk.dropFirst()), "action 0 was meant for the tick already gone")
        XCTAssertEqual(lag.aligned([[7]]), [[7]], "a one-action chunk keeps its action")
        lag.reset()
        XCTAssertNil(lag.observation)
    }

    func testNoLagUsesTheCurrentViewAndTheWholeChunk() {
        var lag = ObservationLag(ticks: 0)
        lag.record(observation(at: 0)); lag.record(observation(at: 1))
        XCTAssertEqual(lag.observation?.time, 1)
        XCTAssertEqual(lag.aligned(chunk), chunk)
    }
}

final class ChunkExecutorStallTests: XCTestCase {
    /// A chunk that goes down 4 mm, back up, and only opens the gripper (last column) from action 5 on: re-planning
    /// every 4 never reaches the opening.
    let hover: [[Double]] = (0..<10).map { k in [0, 0, k == 0 ? -0.004 : (k < 4 ? 0.004 / 3 : 0), 0, k >= 4 ? 0.6 : 0] }

    /// 10 actions of 1 cm a tick along x.
    let reach: [[Double]] = Array(repeating: [0.01, 0, 0, 0, 0], count: 10)

    func run(_ ex: inout ChunkExecutor, ticks: Int, moveFrom: Int = .max) -> (grippers: [Double], inferredAt: [Int]) {
        var grippers: [Double] = [], inferredAt: [Int] = []
        for t in 0..<ticks {
            if ex.needsChunk { inferredAt.append(t); ex.accept(t >= moveFrom ? reach : hover) }
            grippers.append(ex.nextAction()![4])
        }
        return (grippers, inferredAt)
    }

    func testAfterAStallTheNextChunkRunsWholeThenReplanningResumes() {
        var ex = ChunkExecutor(mode: .replan(every: 4), commitAfterStall: StallRule(window: 8, distance: 0.005))
        let (grippers, inferredAt) = run(&ex, ticks: 50, moveFrom: 20)
        // 8 actions (two chunks) went nowhere: the third chunk, accepted at tick 8, runs its 10 actions. They went
        // nowhere too, so the next ones (tick 18, and tick 28, the first that moves) run whole as well; after the
        // moving chunk's 10 actions re-planning cuts at 4 again (ticks 38, 42, 46).
        XCTAssertEqual(inferredAt, [0, 4, 8, 18, 28, 38, 42, 46])
        XCTAssertEqual(Array(grippers[8..<18]), hover.map { $0[4] }, "the whole plan, release included")
        XCTAssertEqual(ex.stallCommits, 3)
        ex.reset()
        XCTAssertEqual(ex.stallCommits, 0)
    }

    func testWithoutTheRuleTheReleaseNeverHappens() {
        var ex = ChunkExecutor(mode: .replan(every: 4))
        let (grippers, inferredAt) = run(&ex, ticks: 30)
        XCTAssertEqual(inferredAt, Array(stride(from: 0, to: 30, by: 4)))
        XCTAssertEqual(grippers.max(), 0)
        XCTAssertEqual(ex.stallCommits, 0)

        var ensemble = ChunkExecutor(mode: .ensemble(decay: 0), commitAfterStall: StallRule(window: 2))
        for _ in 0..<6 { if ensemble.needsChunk { ensemble.accept(hover) }; _ = ensemble.nextAction() }
        XCTAssertEqual(ensemble.stallCommits, 0, "ensembling predicts every tick; the rule is for re-planning")
    }
}
