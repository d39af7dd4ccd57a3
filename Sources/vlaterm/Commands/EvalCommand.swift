import ArgumentParser

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Evaluate a policy in closed loop in the simulator.")
    func run() throws { try notYet("eval", issue: 6) }
}
