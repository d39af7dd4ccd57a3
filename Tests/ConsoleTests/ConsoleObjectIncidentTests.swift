// The console consults the simulator's object predicates through the shared supervision loop: a shove during
// autonomy holds the robot, requests a takeover with the object-pushed reason, rings the bell and logs it.
import Foundation
import Policy
import RobotKit
import Simulator
import Supervisor
import XCTest
@testable import Console

final class ConsoleObjectIncidentTests: XCTestCase {
    func testAPushedObjectDuringAutonomyHoldsAndRequestsATakeover() throws {
        let clock = ManualClock(0)
        let sim = try TabletopSim(seed: 0)
        let model = ConsoleModel(clock: clock)
        let keyboard = KeyboardSource(clock: clock)
        let controller = ConsoleController(robot: sim, sources: [keyboard], model: model, instruction: sim.episode.instruction)
        var config = SupervisorConfiguration()
        config.limits = sim.limits
        var bells = 0
        // The policy only moves the arm slowly along +x, far from the target: the push is the only incident.
        let hook = SupervisorHook(configuration: config, clock: clock,
                                  runner: PolicyRunner(policy: ScriptedTestPolicy(row: [0.004, 0, 0, 0, 1]), clock: clock),
                                  world: .tabletop(sim, lock: nil), bell: { bells += 1 })
        controller.hooks.append(hook)
        func tick(_ n: Int) throws {
            for _ in 0..<n { try controller.tick(); hook.awaitInference(); clock.advance(by: 1 / sim.controlRate) }
        }
        try tick(2)
        model.request(.instruction(sim.episode.instruction))
        try tick(6)
        XCTAssertEqual(model.snapshot().mode, .autonomy)
        let moving = sim.commandedPosition
        try tick(2)
        XCTAssertGreaterThan(sim.commandedPosition.x, moving.x, "the policy drives")

        XCTAssertTrue(sim.push(object: sim.episode.target, velocity: SIMD3(0, 1.5, 0.2)))
        try tick(3)
        XCTAssertEqual(hook.supervisor.pendingTakeover?.exception, .objectPushed)
        XCTAssertEqual(model.snapshot().mode, .paused)
        XCTAssertTrue(model.snapshot().alert?.contains("object pushed") ?? false, model.snapshot().alert ?? "no alert")
        XCTAssertTrue(model.snapshot().log.contains { $0.text.contains("[objectPushed]") })
        XCTAssertGreaterThan(bells, 0)
        let held = sim.commandedPosition
        try tick(5)
        XCTAssertEqual(sim.commandedPosition, held, "the robot holds after the exception")
    }
}
