// Contact queries: what the arm touches and how hard (for the safety guard), and whether it holds the target.
import CMuJoCo

extension TabletopSim {
    /// Geom ids of the target object's body.
    private func targetBody() -> Int? {
        guard let o = layout.object(named: episode.target) else { return nil }
        return world.id(of: mjOBJ_BODY, named: SceneMJCF.bodyName(of: o))
    }

    /// (body of geom 1, body of geom 2, contact index) for every active contact.
    private func contactBodies() -> [(Int, Int, Int)] {
        let m = world.model.pointee, d = world.data.pointee
        return (0..<Int(d.ncon)).map { i in
            let c = d.contact[i]
            return (Int(m.geom_bodyid[Int(c.geom1)]), Int(m.geom_bodyid[Int(c.geom2)]), i)
        }
    }

    /// Largest contact normal force (N) between the arm (links, hand, fingers) and anything else.
    public func maxArmContactForce() -> Double {
        var biggest = 0.0
        for (b1, b2, i) in contactBodies() where index.armBodies.contains(b1) != index.armBodies.contains(b2) {
            biggest = max(biggest, world.contactNormalForce(i))
        }
        return biggest
    }

    /// Whether any part of the arm touches the episode's target object.
    public func isTouchingTarget() -> Bool {
        guard let t = targetBody() else { return false }
        return contactBodies().contains { (b1, b2, _) in
            (b1 == t && index.armBodies.contains(b2)) || (b2 == t && index.armBodies.contains(b1))
        }
    }

    /// Both fingers touch the target: it is pinched between them.
    public func isTargetGrasped() -> Bool {
        guard let t = targetBody() else { return false }
        let touching = contactBodies().compactMap { (b1, b2, _) -> Int? in
            b1 == t ? b2 : (b2 == t ? b1 : nil)
        }
        return index.fingerBodies.allSatisfy { touching.contains($0) }
    }

    /// Grasped and lifted clear of the table.
    public func isTargetHeld() -> Bool {
        guard isTargetGrasped(), let spec = layout.object(named: episode.target),
              let pose = objectPoses()[episode.target] else { return false }
        return pose.position.z > spec.halfHeight + 0.01
    }
}
