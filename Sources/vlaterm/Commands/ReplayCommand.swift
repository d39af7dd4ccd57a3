import ArgumentParser

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Replay a recorded episode in the TUI or on the robot.")
    func run() throws { try notYet("replay", issue: 5) }
}
