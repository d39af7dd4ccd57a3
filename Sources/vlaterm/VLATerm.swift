// The vlaterm command line (contract: ../shared/DESIGN.md, "Command line").
// Exit codes: 0 ok, 1 the job failed, 2 bad usage or bad input file.
import ArgumentParser

@main
struct VLATerm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlaterm",
        abstract: "A terminal console for robot learning: see, drive, record, train, hand over to a VLA, supervise.",
        discussion: """
        With no subcommand, vlaterm opens the console on the simulated robot.
        Every command that reports results takes --json and prints one JSON object on stdout.
        """,
        subcommands: [
            ConsoleCommand.self, SimCommand.self, DevicesCommand.self, KeymapCommand.self,
            RecordCommand.self, SessionsCommand.self, ReplayCommand.self, ExportCommand.self,
            EmbedCommand.self, TrainCommand.self, EvalCommand.self, RunCommand.self, BenchCommand.self,
        ],
        defaultSubcommand: ConsoleCommand.self
    )

    /// ArgumentParser's own exit code for bad usage (an unknown flag, a failed `validate()`) is 64; the contract's is
    /// 2, so scripts can tell bad usage from a failed job (1) with one rule for every command.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                note(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}
