import ArgumentParser

struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sim", abstract: "Run the MuJoCo tabletop simulator headless: expert episodes, snapshots.")
    func run() throws { try notYet("sim", issue: 2) }
}
