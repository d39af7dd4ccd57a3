// `vlaterm keymap check FILE` and `vlaterm keymap import-sdl "LINE"`.
import ArgumentParser
import Foundation
import Input

struct KeymapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keymap",
        abstract: "Check keymaps and import SDL GameControllerDB mappings.",
        discussion: """
        Keymaps are TOML files (keymaps/*.toml, user overrides in ~/.config/vlaterm/keymaps): see keymaps/README.md.
        """,
        subcommands: [Check.self, ImportSDL.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a keymap: unknown code names, duplicate bindings, missing deadman, bad values.",
            discussion: "Prints every problem as FILE:LINE: message and exits 2 when there is any. With --evemu, also lists codes the recorded pad lacks."
        )
        @Argument(help: "The keymap TOML file.") var file: String
        @Option(help: "An evemu recording (or evemu-describe output) of the pad, to check the keymap against its capabilities.")
        var evemu: String?
        @Flag(help: "Print one JSON object on stdout.") var json = false

        struct Report: Encodable {
            var file: String
            var ok: Bool
            var name: String?
            var issues: [String]
            var missingOnDevice: [String]?
        }

        func run() throws {
            do {
                let k = try Keymap.load(fileAt: file)
                var missing: [String]?
                if let evemu {
                    do {
                        let rec = try EvemuParser.parse(fileAt: evemu)
                        missing = k.missingCodes(on: try EvdevDevice(describing: rec.device).info)
                    } catch {
                        note("\(error)")
                        throw ExitStatus.badInput
                    }
                }
                if json { try printJSON(Report(file: file, ok: true, name: k.name, issues: [], missingOnDevice: missing)) }
                note("\(file): ok — \(k.name): \(k.axes.count) axes, \(k.buttons.count) button bindings, deadman \(k.triggers(for: .deadman).map(\.name).joined(separator: "/"))")
                if let missing, !missing.isEmpty { note("warning: the recorded pad lacks \(missing.joined(separator: ", "))") }
            } catch let e as KeymapError {
                if json { try printJSON(Report(file: file, ok: false, name: nil, issues: e.issues.map(\.description), missingOnDevice: nil)) }
                for i in e.issues { note(i.description) }
                throw ExitStatus.badInput
            }
        }
    }

    struct ImportSDL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-sdl",
            abstract: "Turn an SDL GameControllerDB mapping line into a keymap.",
            discussion: """
            SDL mappings name button and axis INDICES (a:b0, leftx:a0, dpup:h0.1). SDL's Linux backend numbers buttons
            from BTN_JOYSTICK (0x120) up to KEY_MAX, then the codes below BTN_JOYSTICK, and axes in ABS_ order without
            the hats, counting only what the pad reports. Pass the pad's recording with --evemu FILE (from
            `evemu-describe /dev/input/eventN`) for an exact mapping; without it an xpad-style pad is assumed
            (b0…b10 = BTN_SOUTH, EAST, NORTH, WEST, TL, TR, SELECT, START, MODE, THUMBL, THUMBR; a0… = ABS_X, Y, Z,
            RX, RY, RZ, …). Controls follow the shipped layout (keymaps/README.md). The result is checked before it
            is written.

            Example:
              vlaterm keymap import-sdl "030000005e0400008e02000014010000,X360 Controller,a:b0,b:b1,back:b6,\\
            dpdown:h0.4,dpleft:h0.8,dpright:h0.2,dpup:h0.1,guide:b8,leftshoulder:b4,leftstick:b9,lefttrigger:a2,\\
            leftx:a0,lefty:a1,rightshoulder:b5,rightstick:b10,righttrigger:a5,rightx:a3,righty:a4,start:b7,x:b2,\\
            y:b3,platform:Linux," --out ~/.config/vlaterm/keymaps/my-pad.toml
            """
        )
        @Argument(help: "The mapping line, quoted.") var line: String
        @Option(help: "evemu recording of the pad, for exact index → code mapping.") var evemu: String?
        @Option(help: "Write the keymap here instead of stdout.") var out: String?

        func run() throws {
            var device: InputDeviceInfo?
            if let evemu {
                do { device = try EvdevDevice(describing: try EvemuParser.parse(fileAt: evemu).device).info } catch {
                    note("\(error)"); throw ExitStatus.badInput
                }
            }
            let text: String
            do { text = try SDLMappingImport.keymapTOML(fromLine: line, device: device) } catch {
                note("\(error)"); throw ExitStatus.badInput
            }
            do { _ = try Keymap.parse(text: text, file: out ?? "<import-sdl>") } catch let e as KeymapError {
                note("the imported mapping is not usable as it stands:")
                for i in e.issues { note(i.description) }
                print(text)
                throw ExitStatus.badInput
            }
            if let out {
                do { try text.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    note("\(out): cannot write: \(error.localizedDescription)"); throw ExitStatus.jobFailed
                }
                note("wrote \(out)")
            } else {
                print(text, terminator: "")
            }
        }
    }
}
