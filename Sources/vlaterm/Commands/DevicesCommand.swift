import ArgumentParser

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "List input devices, their capabilities and matched keymaps.")
    func run() throws { try notYet("devices", issue: 4) }
}
