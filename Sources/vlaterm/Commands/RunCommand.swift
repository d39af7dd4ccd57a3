import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run one supervised episode headless, with optional fault injection.")
    func run() throws { try notYet("run", issue: 7) }
}
