// Building camera poses by aiming them, so scenes and tests need not spell out rotation matrices.

extension RenderCamera {
    /// A camera at `eye` looking at `target`, with `up` (world) as close to image-up as the view allows.
    /// Returns nil when the view direction is zero or parallel to `up`.
    public static func lookingAt(_ target: SIMD3<Double>, from eye: SIMD3<Double>, up: SIMD3<Double> = SIMD3(0, 0, 1),
                                 fovy: Double, name: String) -> RenderCamera? {
        // MuJoCo cameras look along local -z: local z points from the target back to the eye.
        let z = normalizedOrZero(eye - target)
        let x = normalizedOrZero(cross(up, z))
        guard z != .zero, x != .zero else { return nil }
        let y = cross(z, x)
        // Row-major xmat whose columns are the local axes in world coordinates.
        let rotation = [x.x, y.x, z.x,
                        x.y, y.y, z.y,
                        x.z, y.z, z.z]
        return RenderCamera(name: name, position: eye, rotation: rotation, fovy: fovy)
    }
}
