// A small kinematic robot for console tests: integrates actions into an end-effector position and draws a
// bright square where the end effector is, so thumbnails change when it moves.
import RobotKit

final class TestRobot: Robot {
    let name = "test-robot"
    let cameras = [CameraSpec(name: "front", width: 32, height: 24), CameraSpec(name: "side", width: 32, height: 24)]
    let limits = ActionLimits(maxTranslation: 0.02, maxYaw: 0.1)
    let controlRate = 20.0
    var position = SIMD3<Double>(0.4, 0, 0.2)
    var gripper = 1.0
    var sent: [Action] = []
    var failOnSend: (any Error)?

    func send(_ action: Action) throws {
        if let failOnSend { throw failOnSend }
        sent.append(action)
        position += SIMD3(action.dx, action.dy, action.dz)
        gripper = action.gripper
    }

    func state() -> RobotState {
        RobotState(jointPositions: [0, 0.5, -0.5], jointVelocities: [0, 0, 0], endEffector: Pose(position: position),
                   gripper: gripper)
    }

    func frame(camera: String) throws -> Frame {
        guard let spec = cameras.first(where: { $0.name == camera }) else { throw TestRobotError.unknownCamera(camera) }
        var px = [UInt8](repeating: 20, count: spec.width * spec.height * 3)
        let cx = Int((camera == "front" ? position.y : position.x) * 40) + spec.width / 2
        let cy = spec.height - Int(position.z * 40) - 4
        for y in (cy - 2)..<(cy + 2) where y >= 0 && y < spec.height {
            for x in (cx - 2)..<(cx + 2) where x >= 0 && x < spec.width {
                let i = (y * spec.width + x) * 3
                px[i] = 250; px[i + 1] = 250; px[i + 2] = 250
            }
        }
        return Frame(width: spec.width, height: spec.height, pixels: px, sequence: UInt64(sent.count))
    }
}

enum TestRobotError: Error { case unknownCamera(String), broken }
