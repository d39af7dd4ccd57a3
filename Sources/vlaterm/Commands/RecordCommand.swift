import ArgumentParser

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Record demonstrations headless (scripted expert) into a session.")
    func run() throws { try notYet("record", issue: 5) }
}
