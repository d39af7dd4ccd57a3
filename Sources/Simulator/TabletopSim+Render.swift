// The renderer's view of the world: geoms and cameras at their current poses as plain values.
import CMuJoCo

extension TabletopSim {
    /// Every visible geom (alpha > 0) of a supported primitive type, at its current pose.
    public func renderGeoms() -> [RenderGeom] {
        let m = world.model.pointee, d = world.data.pointee
        var geoms: [RenderGeom] = []
        geoms.reserveCapacity(Int(m.ngeom))
        for g in 0..<Int(m.ngeom) {
            let rgba = SIMD4(Double(m.geom_rgba[4 * g]), Double(m.geom_rgba[4 * g + 1]),
                             Double(m.geom_rgba[4 * g + 2]), Double(m.geom_rgba[4 * g + 3]))
            guard rgba.w > 0 else { continue }
            let s = (m.geom_size[3 * g], m.geom_size[3 * g + 1], m.geom_size[3 * g + 2])
            let shape: RenderShape
            switch mjtGeom(rawValue: UInt32(m.geom_type[g])) {
            case mjGEOM_PLANE: shape = .plane(halfX: s.0, halfY: s.1)
            case mjGEOM_BOX: shape = .box(halfExtents: SIMD3(s.0, s.1, s.2))
            case mjGEOM_SPHERE: shape = .sphere(radius: s.0)
            case mjGEOM_CYLINDER: shape = .cylinder(radius: s.0, halfLength: s.1)
            case mjGEOM_CAPSULE: shape = .capsule(radius: s.0, halfLength: s.1)
            default: continue
            }
            let p = d.geom_xpos + 3 * g, r = d.geom_xmat + 9 * g
            geoms.append(RenderGeom(shape: shape, position: SIMD3(p[0], p[1], p[2]),
                                    rotation: (0..<9).map { r[$0] }, rgba: rgba))
        }
        return geoms
    }

    /// The model's cameras (front, overhead, wrist) at their current poses.
    public func renderCameras() -> [RenderCamera] {
        let m = world.model.pointee, d = world.data.pointee
        return (0..<Int(m.ncam)).map { c in
            let name = mj_id2name(world.model, Int32(mjOBJ_CAMERA.rawValue), Int32(c)).map { String(cString: $0) } ?? "camera\(c)"
            let p = d.cam_xpos + 3 * c, r = d.cam_xmat + 9 * c
            return RenderCamera(name: name, position: SIMD3(p[0], p[1], p[2]), rotation: (0..<9).map { r[$0] },
                                fovy: m.cam_fovy[c])
        }
    }
}
