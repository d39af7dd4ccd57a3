import ArgumentParser

struct ConsoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "console", abstract: "Open the full-screen console on the simulated robot (the default).")
    func run() throws { try notYet("console", issue: 3) }
}
