// What is on the table: graspable objects and open containers, as plain values a task family samples
// from a seed and the MJCF writer turns into a scene.
import RobotKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A colour with the word instructions use for it.
public struct NamedColor: Sendable, Equatable {
    public var name: String
    public var rgba: SIMD4<Double>
    public init(name: String, rgba: SIMD4<Double>) { self.name = name; self.rgba = rgba }
}

public enum Palette {
    /// Object colours, distinct enough to tell apart at 96x72.
    public static let objects: [NamedColor] = [
        NamedColor(name: "red", rgba: SIMD4(0.85, 0.10, 0.10, 1)),
        NamedColor(name: "green", rgba: SIMD4(0.10, 0.70, 0.20, 1)),
        NamedColor(name: "blue", rgba: SIMD4(0.15, 0.30, 0.90, 1)),
        NamedColor(name: "yellow", rgba: SIMD4(0.95, 0.85, 0.10, 1)),
        NamedColor(name: "purple", rgba: SIMD4(0.55, 0.20, 0.75, 1)),
        NamedColor(name: "orange", rgba: SIMD4(1.00, 0.50, 0.05, 1)),
    ]
    /// Colours random layouts give containers (requests may also ask for any object colour).
    public static let bins: [NamedColor] = [
        NamedColor(name: "gray", rgba: SIMD4(0.55, 0.55, 0.58, 1)),
        NamedColor(name: "white", rgba: SIMD4(0.92, 0.92, 0.92, 1)),
        NamedColor(name: "black", rgba: SIMD4(0.15, 0.15, 0.17, 1)),
    ]
    public static func color(named name: String) -> NamedColor? {
        (objects + bins).first { $0.name == name }
    }
}

public enum ObjectShape: String, Sendable, CaseIterable, Codable {
    case cube, cylinder
}

/// A graspable object resting on the table.
public struct ObjectSpec: Sendable, Equatable {
    public var color: NamedColor
    public var shape: ObjectShape
    /// Centre on the table (x, y) and rotation about z.
    public var x: Double
    public var y: Double
    public var yaw: Double

    /// "red cube": how instructions and `objectPoses()` name it.
    public var name: String { "\(color.name) \(shape.rawValue)" }
    /// Half of the width the gripper closes across (cube half edge, cylinder radius).
    public var halfWidth: Double { 0.02 }
    /// Half of the height; the object's centre rests at this z.
    public var halfHeight: Double { shape == .cube ? 0.02 : 0.025 }

    public init(color: NamedColor, shape: ObjectShape, x: Double, y: Double, yaw: Double) {
        self.color = color; self.shape = shape; self.x = x; self.y = y; self.yaw = yaw
    }
}

/// An open box fixed to the table.
public struct ContainerSpec: Sendable, Equatable {
    public var color: NamedColor
    public var x: Double
    public var y: Double
    /// Inner half extents and wall height, metres.
    public var innerHalf: Double = 0.075
    public var wallHeight: Double = 0.06
    public var wallThickness: Double = 0.008

    /// "gray bin".
    public var name: String { "\(color.name) bin" }
    /// Outer half extent including walls.
    public var outerHalf: Double { innerHalf + wallThickness }

    public init(color: NamedColor, x: Double, y: Double) { self.color = color; self.x = x; self.y = y }

    /// True when (x, y) lies inside the walls with `margin` to spare.
    public func containsXY(_ px: Double, _ py: Double, margin: Double = 0) -> Bool {
        abs(px - x) <= innerHalf - margin && abs(py - y) <= innerHalf - margin
    }
}

public struct SceneLayout: Sendable, Equatable {
    public var objects: [ObjectSpec]
    public var containers: [ContainerSpec]
    public init(objects: [ObjectSpec], containers: [ContainerSpec]) {
        self.objects = objects; self.containers = containers
    }

    public func object(named name: String) -> ObjectSpec? { objects.first { $0.name == name } }
    public func container(named name: String) -> ContainerSpec? {
        if name == "bin", containers.count == 1 { return containers[0] }
        return containers.first { $0.name == name }
    }
}

/// Where things may go: the region the arm reaches comfortably with the gripper pointing down.
public enum Workspace {
    public static let objectX: ClosedRange<Double> = 0.28...0.54
    public static let objectY: ClosedRange<Double> = -0.24...0.24
    public static let containerX: ClosedRange<Double> = 0.32...0.50
    public static let containerY: ClosedRange<Double> = 0.14...0.28   // either side, mirrored
    /// Minimum distance between object centres, and between an object and a container's outer wall.
    /// (The open gripper reaches 6 cm either side of the object's centre along the finger axis.)
    public static let objectSpacing = 0.08
    public static let containerClearance = 0.07
}

extension SeededGenerator {
    mutating func uniform(_ r: ClosedRange<Double>) -> Double {
        let u = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)   // [0, 1) with 53 bits
        return r.lowerBound + (r.upperBound - r.lowerBound) * u
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func shuffled<T>(_ a: [T]) -> [T] {
        var a = a
        if a.count > 1 {
            for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
        }
        return a
    }
}

/// Samples non-overlapping positions by rejection; a bounded number of tries keeps it from hanging.
enum LayoutSampler {
    static func placeContainer(_ color: NamedColor, side: Double, rng: inout SeededGenerator) -> ContainerSpec {
        ContainerSpec(color: color, x: rng.uniform(Workspace.containerX), y: side * rng.uniform(Workspace.containerY))
    }

    /// Places `count` objects clear of each other and of the containers; returns fewer when space runs out.
    static func placeObjects(_ kinds: [(NamedColor, ObjectShape)], containers: [ContainerSpec],
                             rng: inout SeededGenerator) -> [ObjectSpec] {
        var placed: [ObjectSpec] = []
        for (color, shape) in kinds {
            for _ in 0..<200 {
                let x = rng.uniform(Workspace.objectX), y = rng.uniform(Workspace.objectY)
                let yaw = rng.uniform(-Double.pi...Double.pi)
                let clearOfObjects = placed.allSatisfy { hypot($0.x - x, $0.y - y) >= Workspace.objectSpacing }
                let clearOfBins = containers.allSatisfy {
                    max(abs($0.x - x), abs($0.y - y)) >= $0.outerHalf + Workspace.containerClearance
                }
                if clearOfObjects && clearOfBins {
                    placed.append(ObjectSpec(color: color, shape: shape, x: x, y: y, yaw: yaw))
                    break
                }
            }
        }
        return placed
    }
}

extension String {
    /// Every occurrence of `token` replaced (Simulator does not import Foundation).
    func replacing(token: String, with replacement: String) -> String {
        split(separator: token, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
