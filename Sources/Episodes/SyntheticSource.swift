// Deterministic synthetic observations (moving gradients + a smooth arm trajectory) for the recording
// benchmark and crash tests, where the point is the data path, not the physics.
import Foundation
import RobotKit

public struct SyntheticSource: Sendable {
    public let cameras: [CameraSpec]
    public let fps: Double
    public init(cameras: [CameraSpec], fps: Double) { self.cameras = cameras; self.fps = fps }

    /// Three cameras of one size, named like the simulator's.
    public static func cameras(width: Int, height: Int) -> [CameraSpec] {
        ["front", "wrist", "side"].map { CameraSpec(name: $0, width: width, height: height) }
    }

    public func frame(_ cam: CameraSpec, step: Int, salt: Int) -> Frame {
        var px = [UInt8](repeating: 0, count: cam.width * cam.height * 3)
        let shift = step * 2 + salt * 40
        px.withUnsafeMutableBufferPointer { p in
            for y in 0..<cam.height {
                for x in 0..<cam.width {
                    let i = (y * cam.width + x) * 3
                    p[i] = UInt8(truncatingIfNeeded: x * 255 / max(1, cam.width) + shift)
                    p[i + 1] = UInt8(truncatingIfNeeded: y * 255 / max(1, cam.height))
                    // A moving square so consecutive frames differ like a real scene.
                    let inBox = abs(x - (step * 3) % cam.width) < cam.width / 8 && abs(y - cam.height / 2) < cam.height / 8
                    p[i + 2] = inBox ? 240 : UInt8(truncatingIfNeeded: 60 + salt * 50)
                }
            }
        }
        return Frame(width: cam.width, height: cam.height, pixels: px, sequence: UInt64(step), timestamp: Double(step) / fps)
    }

    public func state(step: Int) -> RobotState {
        let t = Double(step) / fps
        return RobotState(jointPositions: (0..<6).map { 0.3 * sin(t + Double($0)) },
                          jointVelocities: (0..<6).map { 0.3 * cos(t + Double($0)) },
                          endEffector: Pose(position: SIMD3(0.4 + 0.1 * sin(t), 0.1 * cos(t), 0.2)),
                          gripper: sin(t) > 0 ? 1 : 0)
    }

    public func action(step: Int) -> Action {
        let t = Double(step) / fps
        return Action(dx: 0.005 * cos(t), dy: -0.005 * sin(t), dz: 0, dyaw: 0, gripper: sin(t) > 0 ? 1 : 0)
    }

    public func observation(step: Int, time: Double? = nil) -> Observation {
        var frames: [String: Frame] = [:]
        for (k, c) in cameras.enumerated() { frames[c.name] = frame(c, step: step, salt: k) }
        return Observation(time: time ?? Double(step) / fps, state: state(step: step), frames: frames)
    }
}
