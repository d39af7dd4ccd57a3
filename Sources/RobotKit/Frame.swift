// Camera images as plain RGB8 buffers.

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

/// What a camera is called and how big its frames are.
public struct CameraSpec: Sendable, Equatable, Codable {
    public var name: String
    public var width: Int
    public var height: Int
    public init(name: String, width: Int, height: Int) { self.name = name; self.width = width; self.height = height }
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
