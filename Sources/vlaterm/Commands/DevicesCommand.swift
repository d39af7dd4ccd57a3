// `vlaterm devices`: what input devices there are, what they can do, and which keymap each one gets.
import ArgumentParser
import Foundation
import Input

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List input devices, their capabilities and matched keymaps.",
        discussion: """
        Reads every /dev/input/event* through libevdev (never grabs). A node you may not read is listed with the
        fix (the `input` group or a udev rule). --evemu FILE describes a recorded pad instead (the output of
        `evemu-describe` or `evemu-record`), the same way, so you can check keymap matching without the pad.
        Keymaps come from keymaps/ and ~/.config/vlaterm/keymaps (see keymaps/README.md).
        """
    )

    @Option(name: .customLong("evemu"), help: "Describe a recorded device instead of /dev/input (repeatable).")
    var evemu: [String] = []
    @Flag(help: "Print one JSON object on stdout.") var json = false

    struct Entry: Encodable {
        var path: String
        var name: String?
        var bus: String?, vendor: String?, product: String?, version: String?
        var axes: Int?
        var buttons: Int?
        var isGamepad: Bool?
        var followsGamepadSpec: Bool?
        var keymap: String?
        var keymapFile: String?
        var matchedBy: String?
        var missingCodes: [String]?
        var error: String?
    }

    struct Report: Encodable {
        var inputDirectory: String
        var inputDirectoryExists: Bool
        var keymapsDirectory: String?
        var keymapProblems: [String]
        var devices: [Entry]
    }

    func run() throws {
        let shipped = KeymapLibrary.shippedDirectory()
        let library = KeymapLibrary.load(shipped: shipped)
        var entries: [Entry] = []
        if evemu.isEmpty {
            for d in DeviceScanner.scan() {
                entries.append(d.info.map { describe(path: d.path, $0, library) } ?? Entry(path: d.path, error: d.error))
            }
        } else {
            for file in evemu {
                do {
                    let rec = try EvemuParser.parse(fileAt: file)
                    entries.append(describe(path: file, try EvdevDevice(describing: rec.device).info, library))
                } catch {
                    note("\(error)")
                    throw ExitStatus.badInput
                }
            }
        }
        let report = Report(inputDirectory: DeviceScanner.inputDirectory, inputDirectoryExists: DeviceScanner.inputDirectoryExists,
                            keymapsDirectory: shipped, keymapProblems: library.problems.map(\.description), devices: entries)
        if json { try printJSON(report) }
        printHuman(report)
    }

    func describe(path: String, _ info: InputDeviceInfo, _ library: KeymapLibrary) -> Entry {
        let match = library.match(info)
        return Entry(path: path, name: info.name,
                     bus: String(format: "0x%04x", info.id.bus), vendor: String(format: "0x%04x", info.id.vendor),
                     product: String(format: "0x%04x", info.id.product), version: String(format: "0x%04x", info.id.version),
                     axes: info.axes.count, buttons: info.keys.count, isGamepad: info.isGamepad,
                     followsGamepadSpec: info.followsGamepadSpec, keymap: match?.keymap.name,
                     keymapFile: match.map { ($0.keymap.file as NSString).lastPathComponent }, matchedBy: match?.reason.rawValue,
                     missingCodes: match.map { $0.keymap.missingCodes(on: info) })
    }

    func printHuman(_ r: Report) {
        if evemu.isEmpty && !r.inputDirectoryExists {
            note("\(r.inputDirectory) does not exist on this machine: no input devices (containers and CI usually have none).")
            note("Describe a recorded pad with `vlaterm devices --evemu FILE.evemu`.")
        } else if r.devices.isEmpty {
            note("no event devices in \(r.inputDirectory)")
        }
        if r.keymapsDirectory == nil { note("warning: shipped keymaps not found (set VLATERM_KEYMAPS to the keymaps/ folder)") }
        for p in r.keymapProblems { note("keymap problem (file ignored): \(p)") }
        for d in r.devices {
            guard let name = d.name else { note("\(d.path): \(d.error ?? "unreadable")"); continue }
            note("\(d.path): \"\(name)\" bus \(d.bus ?? "?") vendor \(d.vendor ?? "?") product \(d.product ?? "?")")
            note("    \(d.axes ?? 0) axes, \(d.buttons ?? 0) buttons, \(d.isGamepad == true ? "gamepad" : "not a gamepad")"
                 + (d.followsGamepadSpec == true ? " (kernel gamepad spec)" : ""))
            if let k = d.keymap {
                note("    keymap: \(k) [\(d.keymapFile ?? "")] matched by \(d.matchedBy ?? "?")")
                if let m = d.missingCodes, !m.isEmpty { note("    warning: keymap uses codes this device lacks: \(m.joined(separator: ", "))") }
            } else if d.isGamepad == true {
                note("    keymap: none matches; make one with `vlaterm keymap import-sdl`")
            }
        }
    }
}
