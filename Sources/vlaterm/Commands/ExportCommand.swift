import ArgumentParser

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export a session as a LeRobot v3.0 dataset.")
    func run() throws { try notYet("export", issue: 5) }
}
