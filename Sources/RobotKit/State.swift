// What a robot reports each tick.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A rigid pose: position in metres, orientation as a unit quaternion (w, x, y, z).
public struct Pose: Sendable, Equatable, Codable {
    public var position: SIMD3<Double>
    public var quaternion: SIMD4<Double>   // (w, x, y, z)

    public init(position: SIMD3<Double>, quaternion: SIMD4<Double> = SIMD4(1, 0, 0, 0)) {
        self.position = position; self.quaternion = quaternion
    }

    /// Rotation about the world z axis, radians in (-pi, pi].
    public var yaw: Double {
        let (w, x, y, z) = (quaternion[0], quaternion[1], quaternion[2], quaternion[3])
        return atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))
    }
}

/// Proprioception of the arm and gripper.
public struct RobotState: Sendable, Equatable, Codable {
    public var jointPositions: [Double]
    public var jointVelocities: [Double]
    public var endEffector: Pose
    /// Gripper opening, 0 = closed, 1 = fully open.
    public var gripper: Double

    public init(jointPositions: [Double], jointVelocities: [Double], endEffector: Pose, gripper: Double) {
        self.jointPositions = jointPositions; self.jointVelocities = jointVelocities
        self.endEffector = endEffector; self.gripper = gripper
    }

    /// The policy's proprioception vector: `[x, y, z, yaw, gripper]` followed by joint positions.
    public var proprioception: [Double] {
        [endEffector.position.x, endEffector.position.y, endEffector.position.z, endEffector.yaw, gripper]
            + jointPositions
    }
}
