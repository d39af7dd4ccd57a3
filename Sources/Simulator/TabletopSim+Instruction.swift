// A scene for a typed instruction: `vlaterm run "put the red cube in the bin"` and `vlaterm --instruction …` need
// the objects the sentence names to be on the table, and "the bin" to be the only bin.
extension TabletopSim {
    /// A simulator at `seed` whose layout has the object ("red cube") and container ("white bin"; a bare "bin" asks for
    /// a scene with one bin) the instruction names, when it names ones the simulator knows; otherwise the seed's own
    /// task with this instruction. Without this "the bin" could be either of two, and the run would be judged
    /// against one the instruction never named.
    public static func matching(instruction: String, seed: UInt64, config: SimConfig = SimConfig()) throws -> TabletopSim {
        let words = instruction.lowercased().split { !$0.isLetter }.map(String.init)
        let pairs = Array(zip(words, words.dropFirst()))
        let objects = pairs.filter { $0.1 == "cube" || $0.1 == "cylinder" }.map { "\($0.0) \($0.1)" }
        let bins = pairs.filter { $0.1 == "bin" }.map { "\($0.0) bin" } + (words.contains("bin") ? ["bin"] : [])
        for object in objects + [nil] as [String?] {
            for bin in bins + [nil] as [String?] {
                let request = TaskRequest(object: object, container: bin, instruction: instruction)
                if let sim = try? TabletopSim(config: config, seed: seed, task: request) { return sim }
            }
        }
        return try TabletopSim(config: config, seed: seed, task: TaskRequest(instruction: instruction))
    }
}
