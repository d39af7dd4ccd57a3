// Task family `stack`: put one object on top of a cube. Same tabletop (a bin stays as a distractor), so a
// policy has to read the instruction to know whether the goal is the bin or another object.
import RobotKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct StackTask: TaskFamily {
    public let name = "stack"
    public init() {}

    /// {o} the object to move, {b} the cube it goes on.
    public static let templates = [
        "stack the {o} on the {b}",
        "put the {o} on top of the {b}",
        "place the {o} on the {b}",
        "pick up the {o} and put it on the {b}",
        "stack the {o} on top of the {b}",
    ]

    /// TaskRequest.object names what to move; TaskRequest.container names the cube underneath ("blue cube").
    public func sample(seed: UInt64, request: TaskRequest?) throws -> (SceneLayout, TaskEpisode) {
        var rng = SeededGenerator(seed: seed ^ 0x7374_6163_6B73_7461)   // "stacksta"
        let wanted = try request?.object.map(PickPlaceTask.parseObject)
        let wantedBase = try request?.container.map(PickPlaceTask.parseObject)
        if let b = wantedBase, b.1 != .cube {
            throw SimError.badTask("stack: the object underneath must be a cube, not \"\(b.0.name) \(b.1.rawValue)\"")
        }
        if let w = wanted, let b = wantedBase, w.0 == b.0 {
            throw SimError.badTask("stack: the two objects need different colours (\(w.0.name))")
        }

        // Drawn again from the same stream when the bin leaves too little room (deterministic per seed).
        for _ in 0..<50 {
            let binColor = Palette.bins[rng.below(Palette.bins.count)]
            let containers = [LayoutSampler.placeContainer(binColor, side: rng.below(2) == 0 ? 1 : -1, rng: &rng)]

            let total = 3 + rng.below(4)
            let colors = rng.shuffled(Palette.objects)
            let targetKind: (NamedColor, ObjectShape) = wanted ?? (colors[0], ObjectShape.allCases[rng.below(2)])
            let baseColor = wantedBase?.0 ?? colors.first { $0 != targetKind.0 } ?? colors[1]
            var kinds = [targetKind, (baseColor, ObjectShape.cube)]
            for c in colors where c != targetKind.0 && c != baseColor && kinds.count < total {
                kinds.append((c, ObjectShape.allCases[rng.below(2)]))
            }
            let objects = LayoutSampler.placeObjects(kinds, containers: containers, rng: &rng)
            guard objects.count >= 3, objects[0].color == targetKind.0, objects[1].color == baseColor else { continue }
            let target = objects[0], base = objects[1]
            let instruction = request?.instruction ?? Self.templates[rng.below(Self.templates.count)]
                .replacing(token: "{o}", with: target.name)
                .replacing(token: "{b}", with: base.name)
            let episode = TaskEpisode(family: name, instruction: instruction, target: target.name,
                                      container: base.name, seed: seed)
            return (SceneLayout(objects: objects, containers: containers), episode)
        }
        throw SimError.badTask("stack: could not fit the objects beside the bin for seed \(seed)")
    }

    /// The target rests on the base cube's top face (centred within 1.5 cm), the base still on the table,
    /// and the gripper has let go.
    public func isSuccess(_ sim: TabletopSim) -> Bool {
        let poses = sim.objectPoses()
        guard let t = poses[sim.episode.target]?.position, let b = poses[sim.episode.container]?.position,
              let tSpec = sim.layout.object(named: sim.episode.target),
              let bSpec = sim.layout.object(named: sim.episode.container) else { return false }
        let onTop = 2 * bSpec.halfHeight + tSpec.halfHeight
        return hypot(t.x - b.x, t.y - b.y) < 0.015
            && abs(t.z - onTop) < 0.006
            && abs(b.z - bSpec.halfHeight) < 0.004
            && sim.objectSpeed(sim.episode.target) < 0.05
            && !sim.isTouchingTarget()
    }

    /// Just above the base cube's top face, so the object settles rather than drops.
    public func placeGoal(_ sim: TabletopSim) -> SIMD3<Double>? {
        guard let b = sim.objectPoses()[sim.episode.container]?.position,
              let tSpec = sim.layout.object(named: sim.episode.target),
              let bSpec = sim.layout.object(named: sim.episode.container) else { return nil }
        return SIMD3(b.x, b.y, b.z + bSpec.halfHeight + tSpec.halfHeight + 0.008)
    }
}
