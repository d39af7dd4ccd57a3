import ArgumentParser

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sessions", abstract: "List, show and repair recorded sessions.")
    func run() throws { try notYet("sessions", issue: 5) }
}
