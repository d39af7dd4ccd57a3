@testable import Console
import Input
import RobotKit

/// The console's controller on a test robot, with a keyboard and a manual clock: what every console test drives.
/// Subclasses add their hooks and say what else happens after each tick.
class ConsoleRig {
    let clock: ManualClock
    let robot: TestRobot
    let model: ConsoleModel
    let keyboard: KeyboardSource
    let controller: ConsoleController

    init(clock: ManualClock = ManualClock(100), robot: TestRobot = TestRobot(), instruction: String = "") {
        self.clock = clock; self.robot = robot
        model = ConsoleModel(clock: clock)
        keyboard = KeyboardSource(clock: clock)
        controller = ConsoleController(robot: robot, sources: [keyboard], model: model, instruction: instruction)
    }

    /// Runs `n` control ticks of 50 ms.
    func tick(_ n: Int = 1) throws {
        for _ in 0..<n { try controller.tick(); afterTick(); clock.advance(by: 0.05) }
    }

    /// Called between a tick and the clock's advance.
    func afterTick() {}
}
