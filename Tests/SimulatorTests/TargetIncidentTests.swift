import RobotKit
import XCTest
@testable import Simulator

/// The simulator's "dropped in transit" and "pushed" predicates (`TabletopSim.targetIncident`), on the real MuJoCo
/// scene driven by the scripted expert, plus the thresholds of `TargetWatch` on synthetic measurements.
final class TargetIncidentTests: XCTestCase {
    /// Runs the expert until `phase` (or a tick budget), collecting incidents.
    func drive(_ sim: TabletopSim, _ expert: inout ScriptedExpert, until phase: ScriptedExpert.Phase,
               ticks: Int = 400, incidents: inout [ObjectIncident]) throws {
        for _ in 0..<ticks where expert.phase != phase {
            try sim.send(expert.action(for: sim))
            if let i = sim.targetIncident { incidents.append(i) }
        }
        XCTAssertEqual(expert.phase, phase, "the expert reached \(phase)")
    }

    func testACleanPickAndPlaceRaisesNoIncident() throws {
        for seed: UInt64 in [0, 1, 2, 3] {
            let sim = try TabletopSim(seed: seed)
            var expert = ScriptedExpert(), incidents: [ObjectIncident] = []
            try drive(sim, &expert, until: .done, incidents: &incidents)
            for _ in 0..<40 { try sim.send(.hold(gripper: 1)); if let i = sim.targetIncident { incidents.append(i) } }
            XCTAssertTrue(sim.isSuccess(), "seed \(seed)")
            XCTAssertEqual(incidents, [], "seed \(seed): placing in the bin is neither a drop nor a push")
        }
    }

    func testOpeningTheGripperWhileCarryingIsADrop() throws {
        let sim = try TabletopSim(seed: 0)
        var expert = ScriptedExpert(), incidents: [ObjectIncident] = []
        try drive(sim, &expert, until: .carry, incidents: &incidents)
        for _ in 0..<3 { try sim.send(expert.action(for: sim)) }     // carried a few ticks
        XCTAssertTrue(sim.isTargetHeld())
        for _ in 0..<6 { try sim.send(.hold(gripper: 1)); if let i = sim.targetIncident { incidents.append(i) } }
        XCTAssertEqual(incidents.first?.kind, .dropped, "\(incidents)")
        XCTAssertEqual(incidents.filter { $0.kind == .dropped }.count, 1, "reported once")
        XCTAssertTrue(incidents.first?.detail.contains(sim.episode.target) ?? false)
    }

    func testAShoveOnTheTableIsAPushAndReportedOnce() throws {
        let sim = try TabletopSim(seed: 0)
        for _ in 0..<5 { try sim.send(.hold(gripper: 1)); XCTAssertNil(sim.targetIncident, "at rest: nothing") }
        XCTAssertTrue(sim.push(object: sim.episode.target, velocity: SIMD3(0, 1.5, 0.2)))
        var incidents: [ObjectIncident] = []
        for _ in 0..<40 { try sim.send(.hold(gripper: 1)); if let i = sim.targetIncident { incidents.append(i) } }
        XCTAssertEqual(incidents.map(\.kind), [.pushed], "\(incidents)")
    }

    func testThresholds() {
        var w = TargetWatch()
        let p = SIMD3(0.4, 0.0, 0.02)
        func tick(_ q: SIMD3<Double>, speed: Double = 0, held: Bool = false, grasped: Bool = false) -> ObjectIncident? {
            w.update(name: "red cube", position: q, speed: speed, held: held, grasped: grasped, goal: SIMD3(0.4, 0.3, 0.06))
        }
        for _ in 0..<3 { XCTAssertNil(tick(p)) }                             // comes to rest: anchored
        XCTAssertNil(tick(p + SIMD3(0, 0.025, 0), speed: 0.2), "2.5 cm is a nudge")
        XCTAssertEqual(tick(p + SIMD3(0, 0.035, 0), speed: 0.2)?.kind, .pushed)
        XCTAssertNil(tick(p + SIMD3(0, 0.08, 0), speed: 0.2), "one report per push, until it rests again")
        // Carried for fewer than 5 ticks, then let go away from the goal: not carrying yet, so no drop.
        for _ in 0..<4 { XCTAssertNil(tick(p + SIMD3(0, 0, 0.1), held: true, grasped: true)) }
        XCTAssertNil(tick(p + SIMD3(0, 0, 0.1), speed: 0.3))
        // Carried for 5 ticks and released over the goal: placing.
        for _ in 0..<5 { XCTAssertNil(tick(SIMD3(0.4, 0.28, 0.1), held: true, grasped: true)) }
        XCTAssertNil(tick(SIMD3(0.4, 0.28, 0.1), speed: 0.3))
        // ... and away from it: a drop.
        for _ in 0..<5 { XCTAssertNil(tick(SIMD3(0.4, 0.1, 0.1), held: true, grasped: true)) }
        XCTAssertEqual(tick(SIMD3(0.4, 0.1, 0.1), speed: 0.3)?.kind, .dropped)
        // Set down still grasped (not lifted), then released: not a drop.
        for _ in 0..<5 { XCTAssertNil(tick(SIMD3(0.4, 0.1, 0.1), held: true, grasped: true)) }
        XCTAssertNil(tick(SIMD3(0.4, 0.1, 0.02), grasped: true))
        XCTAssertNil(tick(SIMD3(0.4, 0.1, 0.02)))
    }
}
