import ArgumentParser

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train the built-in VLA policy on recorded sessions.")
    func run() throws { try notYet("train", issue: 6) }
}
