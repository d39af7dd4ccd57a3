import ArgumentParser

/// `vlaterm bench …`: benchmarks that print medians (and ratios against a peer where one exists).
/// Each issue adds its own subcommand file beside this one; results go to BENCHMARKS.md with the command.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: simulator, renderer, blitters, input latency, tensor engine.",
        subcommands: [BenchRenderCommand.self, BenchInputCommand.self, BenchSimCommand.self, BenchRecordCommand.self,
                      BenchSupervisorCommand.self, BenchRemoteCommand.self, BenchBlitCommand.self, BenchConsoleCommand.self,
                      BenchTensorCommand.self, BenchEmbedCommand.self, BenchPolicyCommand.self, BenchTakeoverCommand.self]
    )
}
