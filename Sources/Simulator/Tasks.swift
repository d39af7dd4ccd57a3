// Task families: each samples a seeded layout plus an instruction, and owns its success predicate.
// `pick-place` is the first; `stack` and `push` slot in by conforming to `TaskFamily` and joining `TaskFamilies.all`.
import RobotKit

/// What a caller (eval, the console, `vlaterm run`) asks for; nil fields are sampled from the seed.
public struct TaskRequest: Sendable, Equatable {
    /// Task family name; nil means "pick-place".
    public var family: String?
    /// "red cube": colour word + shape word.
    public var object: String?
    /// "bin" (any single bin) or "<colour> bin".
    public var container: String?
    /// Used verbatim as the episode's instruction when given.
    public var instruction: String?

    public init(family: String? = nil, object: String? = nil, container: String? = nil, instruction: String? = nil) {
        self.family = family; self.object = object; self.container = container; self.instruction = instruction
    }
}

/// One sampled task: what to do, in words and in names of things in the scene.
public struct TaskEpisode: Sendable, Equatable, Codable {
    public var family: String
    public var instruction: String
    /// Name of the object to move, e.g. "red cube".
    public var target: String
    /// How the instruction names the container: "bin" when there is one, "white bin" when there are two.
    public var container: String
    public var seed: UInt64

    public init(family: String, instruction: String, target: String, container: String, seed: UInt64) {
        self.family = family; self.instruction = instruction; self.target = target
        self.container = container; self.seed = seed
    }
}

public protocol TaskFamily: Sendable {
    /// "pick-place", "stack", "push".
    var name: String { get }
    /// A layout and episode for this seed, honouring the request's named object/container/instruction.
    func sample(seed: UInt64, request: TaskRequest?) throws -> (SceneLayout, TaskEpisode)
    /// Whether the episode's goal holds in the sim's current state.
    func isSuccess(_ sim: TabletopSim) -> Bool
    /// Where the target's centre should be when the gripper lets go (privileged; used by the scripted expert).
    func placeGoal(_ sim: TabletopSim) -> SIMD3<Double>?
}

public enum TaskFamilies {
    public static let all: [any TaskFamily] = [PickPlaceTask(), StackTask()]
    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) throws -> any TaskFamily {
        guard let f = all.first(where: { $0.name == name }) else {
            throw SimError.badTask("unknown task family \"\(name)\"; known: \(names.joined(separator: ", "))")
        }
        return f
    }
}

/// Pick the named object up and put it in the named open container.
public struct PickPlaceTask: TaskFamily {
    public let name = "pick-place"
    public init() {}

    /// Several phrasings so a policy learns the meaning, not one sentence. {o} object, {c} container.
    public static let templates = [
        "pick up the {o} and place it in the {c}",
        "put the {o} in the {c}",
        "place the {o} in the {c}",
        "move the {o} into the {c}",
        "drop the {o} into the {c}",
        "put the {o} into the {c}",
        "pick the {o} up and put it in the {c}",
        "grab the {o} and drop it in the {c}",
        "put the {o} inside the {c}",
        "take the {o} and put it in the {c}",
        "place the {o} into the {c}",
        "pick up the {o} and drop it into the {c}",
        "lift the {o} and place it in the {c}",
        "move the {o} to the {c}",
        "get the {o} into the {c}",
        "transfer the {o} to the {c}",
        "could you put the {o} in the {c}",
        "the {o} goes in the {c}",
        "deposit the {o} in the {c}",
        "pick the {o} and put it into the {c}",
    ]

    public func sample(seed: UInt64, request: TaskRequest?) throws -> (SceneLayout, TaskEpisode) {
        var rng = SeededGenerator(seed: seed ^ 0x7069_636B_706C_6163)   // "pickplac": decorrelates from other users of the seed
        let wanted = try request?.object.map(Self.parseObject)
        // "bin" asks for a scene with exactly one bin; "<colour> bin" for a bin of that colour.
        var binCount = 1 + rng.below(2)
        var wantedBin: NamedColor?
        if let text = request?.container {
            if let c = try Self.parseContainer(text) { wantedBin = c } else { binCount = 1 }
        }

        // Bins can leave too little table for the objects; then the layout is drawn again from the same
        // stream (deterministic per seed; a layout that fits the first time is unchanged by the retry).
        for _ in 0..<50 {
            // Containers: one or two, on opposite sides of the workspace.
            var binColors = Array(rng.shuffled(Palette.bins).prefix(binCount))
            if let c = wantedBin, !binColors.contains(c) { binColors[0] = c }
            let firstSide: Double = rng.below(2) == 0 ? 1 : -1
            var containers: [ContainerSpec] = []
            for (i, c) in binColors.enumerated() {
                containers.append(LayoutSampler.placeContainer(c, side: i == 0 ? firstSide : -firstSide, rng: &rng))
            }
            let pick = rng.below(containers.count)
            let targetBin = wantedBin.flatMap { c in containers.first { $0.color == c } } ?? containers[pick]

            // Objects: the target first (so it always fits), then 2–5 distractors of other colours.
            let total = 3 + rng.below(4)
            let targetKind: (NamedColor, ObjectShape) = wanted ?? (
                Palette.objects[rng.below(Palette.objects.count)], ObjectShape.allCases[rng.below(2)])
            let others = rng.shuffled(Palette.objects.filter { $0 != targetKind.0 })
            var kinds = [targetKind]
            for c in others.prefix(total - 1) { kinds.append((c, ObjectShape.allCases[rng.below(2)])) }
            let objects = LayoutSampler.placeObjects(kinds, containers: containers, rng: &rng)
            guard let target = objects.first, target.color == targetKind.0, objects.count >= 3 else { continue }

            let containerWord = containers.count == 1 ? "bin" : targetBin.name
            let instruction = request?.instruction ?? Self.templates[rng.below(Self.templates.count)]
                .replacing(token: "{o}", with: target.name)
                .replacing(token: "{c}", with: containerWord)
            let episode = TaskEpisode(family: name, instruction: instruction, target: target.name,
                                      container: containerWord, seed: seed)
            return (SceneLayout(objects: objects, containers: containers), episode)
        }
        throw SimError.badTask("could not fit the objects beside the bins for seed \(seed)")
    }

    /// The target is inside the container's walls, below their rim, at rest and touched by neither finger.
    public func isSuccess(_ sim: TabletopSim) -> Bool {
        guard let bin = sim.layout.container(named: sim.episode.container),
              let spec = sim.layout.object(named: sim.episode.target),
              let pose = sim.objectPoses()[sim.episode.target] else { return false }
        let p = pose.position
        return bin.containsXY(p.x, p.y, margin: 0.005)
            && p.z < bin.wallHeight + spec.halfHeight
            && p.z > 0
            && sim.objectSpeed(sim.episode.target) < 0.05
            && !sim.isTouchingTarget()
    }

    /// Over the middle of the bin, low enough that the object drops a couple of centimetres, not tumbles.
    public func placeGoal(_ sim: TabletopSim) -> SIMD3<Double>? {
        guard let bin = sim.layout.container(named: sim.episode.container) else { return nil }
        return SIMD3(bin.x, bin.y, 0.06)
    }

    /// "red cube" → (red, cube).
    static func parseObject(_ text: String) throws -> (NamedColor, ObjectShape) {
        let words = text.lowercased().split(separator: " ").map(String.init)
        guard words.count == 2, let color = Palette.objects.first(where: { $0.name == words[0] }),
              let shape = ObjectShape(rawValue: words[1]) else {
            throw SimError.badTask("object \"\(text)\": use \"<colour> <shape>\" with colour in "
                + "\(Palette.objects.map(\.name).joined(separator: "/")) and shape cube/cylinder")
        }
        return (color, shape)
    }

    /// "bin" → nil (any), "blue bin" → blue.
    static func parseContainer(_ text: String) throws -> NamedColor? {
        let words = text.lowercased().split(separator: " ").map(String.init)
        if words == ["bin"] { return nil }
        guard words.count == 2, words[1] == "bin", let color = Palette.color(named: words[0]) else {
            throw SimError.badTask("container \"\(text)\": use \"bin\" or \"<colour> bin\"")
        }
        return color
    }
}
