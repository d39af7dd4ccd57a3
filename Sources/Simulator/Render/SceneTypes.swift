// The renderer's input: geoms and cameras at their current poses, in MuJoCo's conventions, so the world
// (MuJoCo) and the CPU renderer meet at plain values and can be tested apart.

/// One primitive shape to draw.
public enum RenderShape: Sendable, Equatable {
    /// An infinite plane is drawn as a finite rectangle of these half sizes (x, y) in its local frame.
    case plane(halfX: Double, halfY: Double)
    case box(halfExtents: SIMD3<Double>)
    case sphere(radius: Double)
    /// Axis along local z, `halfLength` from the centre to each cap's centre (MuJoCo's size convention).
    case cylinder(radius: Double, halfLength: Double)
    case capsule(radius: Double, halfLength: Double)
}

/// A geom at its current world pose, like MuJoCo's `geom_xpos` / `geom_xmat` / `geom_rgba`.
public struct RenderGeom: Sendable, Equatable {
    public var shape: RenderShape
    public var position: SIMD3<Double>
    /// 3x3 rotation, row-major (MuJoCo `xmat` layout): columns are the geom's local axes in world coordinates.
    public var rotation: [Double]
    /// Linear RGBA in 0...1.
    public var rgba: SIMD4<Double>

    public init(shape: RenderShape, position: SIMD3<Double>, rotation: [Double], rgba: SIMD4<Double>) {
        precondition(rotation.count == 9, "RenderGeom: rotation must be 3x3 row-major")
        self.shape = shape; self.position = position; self.rotation = rotation; self.rgba = rgba
    }
}

/// A pinhole camera at its world pose, like MuJoCo's `cam_xpos` / `cam_xmat` / `cam_fovy`:
/// the camera looks along its local -z axis with +y up.
public struct RenderCamera: Sendable, Equatable {
    public var name: String
    public var position: SIMD3<Double>
    /// 3x3 rotation, row-major (MuJoCo `xmat` layout).
    public var rotation: [Double]
    /// Vertical field of view in degrees.
    public var fovy: Double

    public init(name: String, position: SIMD3<Double>, rotation: [Double], fovy: Double) {
        precondition(rotation.count == 9, "RenderCamera: rotation must be 3x3 row-major")
        self.name = name; self.position = position; self.rotation = rotation; self.fovy = fovy
    }
}

/// Light for Lambert shading: a directional light plus ambient.
public struct RenderLight: Sendable, Equatable {
    /// Direction the light travels, world frame (normalised by the renderer).
    public var direction: SIMD3<Double>
    public var ambient: Double
    public var diffuse: Double

    public init(direction: SIMD3<Double> = SIMD3(-0.3, 0.2, -1), ambient: Double = 0.35, diffuse: Double = 0.65) {
        self.direction = direction; self.ambient = ambient; self.diffuse = diffuse
    }
}
