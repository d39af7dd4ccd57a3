// Camera images as plain RGB8 buffers.
import Foundation

/// One camera image, row-major RGB8, `width * height * 3` bytes.
public struct Frame: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]
    /// Monotonic sequence number from the camera; a frozen camera repeats it.
    public var sequence: UInt64
    /// Capture time on the robot's clock, seconds.
    public var timestamp: Double

    public init(width: Int, height: Int, pixels: [UInt8], sequence: UInt64 = 0, timestamp: Double = 0) {
        precondition(pixels.count == width * height * 3, "Frame: pixel count does not match \(width)x\(height)x3")
        self.width = width; self.height = height; self.pixels = pixels
        self.sequence = sequence; self.timestamp = timestamp
    }

    /// A black frame.
    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }

    @inline(__always) public func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

/// What a camera is called and how big its frames are; calibrated cameras also say where they are.
public struct CameraSpec: Sendable, Equatable, Codable {
    public var name: String
    public var width: Int
    public var height: Int
    /// Pose and field of view, in the world or on the hand (see `CameraCalibration.mount`); nil when unknown.
    public var calibration: CameraCalibration?
    public init(name: String, width: Int, height: Int, calibration: CameraCalibration? = nil) {
        self.name = name; self.width = width; self.height = height; self.calibration = calibration
    }

    /// Same camera layout (names and sizes), whatever the calibration says.
    public func sameLayout(as other: CameraSpec) -> Bool { name == other.name && width == other.width && height == other.height }
}

/// A pinhole camera's pose and field of view, in MuJoCo's convention: `rotation` is the row-major matrix whose columns are
/// the camera's x (image right), y (image up) and z (backwards: the camera looks along −z) axes in world coordinates.
/// Recorded with a session so training can tell where a world point appears in the image.
public struct CameraCalibration: Sendable, Equatable, Codable {
    public var position: [Double]
    public var rotation: [Double]
    /// Vertical field of view, degrees.
    public var fovy: Double
    /// nil: fixed in the world. "end_effector": carried by the hand — `position` and `rotation` are then relative to
    /// the hand's frame (origin at the end effector, turned by its yaw about world z; the hand points down), and
    /// `placed(atHand:yaw:)` gives the world pose at a recorded step.
    public var mount: String?

    public static let endEffectorMount = "end_effector"

    public init(position: [Double], rotation: [Double], fovy: Double, mount: String? = nil) {
        self.position = position; self.rotation = rotation; self.fovy = fovy; self.mount = mount
    }

    /// A hand-mounted camera's world calibration when the hand is at `hand` with `yaw`; self for a fixed camera,
    /// nil for an unknown mount or malformed values.
    public func placed(atHand hand: SIMD3<Double>, yaw: Double) -> CameraCalibration? {
        guard let mount else { return self }
        guard mount == Self.endEffectorMount, position.count == 3, rotation.count == 9, yaw.isFinite else { return nil }
        let (p, r) = Self.turned(position: SIMD3(position[0], position[1], position[2]), rotation: rotation, by: yaw)
        return CameraCalibration(position: [hand.x + p.x, hand.y + p.y, hand.z + p.z], rotation: r, fovy: fovy)
    }

    /// The hand-mounted calibration of a camera seen at world pose (`position`, `rotation`) while the hand is at
    /// `hand` with `yaw`: the inverse of `placed(atHand:yaw:)`.
    public static func mountedOnHand(position: SIMD3<Double>, rotation: [Double], fovy: Double,
                                     hand: SIMD3<Double>, yaw: Double) -> CameraCalibration {
        let (p, r) = turned(position: position - hand, rotation: rotation, by: -yaw)
        return CameraCalibration(position: [p.x, p.y, p.z], rotation: r, fovy: fovy, mount: endEffectorMount)
    }

    /// Rz(yaw) applied to a position and to a row-major 3×3 rotation.
    private static func turned(position p: SIMD3<Double>, rotation m: [Double], by yaw: Double) -> (SIMD3<Double>, [Double]) {
        let c = cos(yaw), s = sin(yaw)
        let rz = [c, -s, 0, s, c, 0, 0, 0, 1]
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { r[3 * i + j] = (0..<3).reduce(0) { $0 + rz[3 * i + $1] * m[3 * $1 + j] } } }
        return (SIMD3(c * p.x - s * p.y, s * p.x + c * p.y, p.z), r)
    }

    /// Continuous pixel coordinates (x right, y down; pixel i spans [i, i+1)) of a world point in a width×height image,
    /// nil when the point is behind the camera or the calibration is malformed (it may come from a file).
    public func project(_ p: SIMD3<Double>, width: Int, height: Int) -> (x: Double, y: Double)? {
        guard mount == nil, position.count == 3, rotation.count == 9, fovy.isFinite, fovy > 0, fovy < 180, width > 0, height > 0 else { return nil }
        let d = SIMD3(p.x - position[0], p.y - position[1], p.z - position[2])
        let m = rotation
        let cx = m[0] * d.x + m[3] * d.y + m[6] * d.z
        let cy = m[1] * d.x + m[4] * d.y + m[7] * d.z
        let cz = m[2] * d.x + m[5] * d.y + m[8] * d.z
        guard cz < -1e-6 else { return nil }
        let focal = Double(height) / 2 / tan(fovy * Double.pi / 360)
        let x = Double(width) / 2 + focal * cx / -cz, y = Double(height) / 2 - focal * cy / -cz
        return x.isFinite && y.isFinite ? (x, y) : nil
    }
}

/// Everything a policy or recorder sees at one tick.
public struct Observation: Sendable {
    public var time: Double
    public var state: RobotState
    /// Camera name → latest frame.
    public var frames: [String: Frame]

    public init(time: Double, state: RobotState, frames: [String: Frame]) {
        self.time = time; self.state = state; self.frames = frames
    }
}
