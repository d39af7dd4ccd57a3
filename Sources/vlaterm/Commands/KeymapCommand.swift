import ArgumentParser

struct KeymapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keymap", abstract: "Check keymaps and import SDL GameControllerDB mappings.")
    func run() throws { try notYet("keymap", issue: 4) }
}
