import ArgumentParser

/// `vlaterm sim …`: the MuJoCo tabletop simulator, headless.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run the MuJoCo tabletop simulator headless: expert episodes, snapshots.",
        subcommands: [SimRunCommand.self, SimSnapshotCommand.self]
    )
}
