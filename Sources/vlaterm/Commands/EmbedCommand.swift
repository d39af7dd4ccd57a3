import ArgumentParser

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "Embed text with the built-in all-MiniLM-L6-v2 encoder.")
    func run() throws { try notYet("embed", issue: 6) }
}
