import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks: simulator, renderer, blitters, input latency, tensor engine.")
    func run() throws { try notYet("bench", issue: 2) }
}
