// Where keymaps come from and which one a device gets.
// Folders, later ones winning: the shipped `keymaps/` folder, then the user folder
// (~/.config/vlaterm/keymaps, or $XDG_CONFIG_HOME/vlaterm/keymaps). A user file with the SAME FILE NAME as a
// shipped one replaces it entirely (copy the shipped file and edit it); other user files are added and are
// tried before shipped ones. Matching: exact bus:vendor:product id, then a name substring, then the
// default keymap for any pad that follows the kernel gamepad spec.
import Foundation

public struct KeymapMatch: Sendable, Equatable {
    public enum Reason: String, Sendable, Codable { case id, name, defaultForGamepadSpec = "default" }
    public var keymap: Keymap
    public var reason: Reason
}

public struct KeymapLibrary: Sendable {
    public private(set) var keymaps: [Keymap]
    /// Files that failed to load: they are reported, never silently used.
    public private(set) var problems: [KeymapError]

    public init(keymaps: [Keymap], problems: [KeymapError] = []) { self.keymaps = keymaps; self.problems = problems }

    /// Loads `shipped` then `user` (if present). User files come first in `keymaps` so they match first.
    public static func load(shipped: String?, user: String? = KeymapLibrary.defaultUserDirectory) -> KeymapLibrary {
        var byFile: [String: Keymap] = [:]
        var order: [String] = []
        var problems: [KeymapError] = []
        for (dir, isUser) in [(shipped, false), (user, true)] {
            guard let dir, let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for n in names.sorted() where n.hasSuffix(".toml") {
                do {
                    let k = try Keymap.load(fileAt: (dir as NSString).appendingPathComponent(n))
                    if byFile[n] == nil { order.append(n) }
                    if isUser { order.removeAll { $0 == n }; order.insert(n, at: 0) }
                    byFile[n] = k
                } catch let e as KeymapError { problems.append(e) } catch {}
            }
        }
        return KeymapLibrary(keymaps: order.compactMap { byFile[$0] }, problems: problems)
    }

    public static var defaultUserDirectory: String? {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CONFIG_HOME"], !x.isEmpty { return x + "/vlaterm/keymaps" }
        if let h = env["HOME"], !h.isEmpty { return h + "/.config/vlaterm/keymaps" }
        return nil
    }

    /// The shipped keymaps folder: $VLATERM_KEYMAPS, ./keymaps, or `keymaps/` next to (or above) the binary.
    public static func shippedDirectory(executable: String = CommandLine.arguments.first ?? "") -> String? {
        let fm = FileManager.default
        if let e = ProcessInfo.processInfo.environment["VLATERM_KEYMAPS"], !e.isEmpty { return e }
        var candidates = [fm.currentDirectoryPath + "/keymaps"]
        var dir = (URL(fileURLWithPath: executable).resolvingSymlinksInPath().path as NSString).deletingLastPathComponent
        for _ in 0..<5 {
            candidates.append(dir + "/keymaps")
            dir = (dir as NSString).deletingLastPathComponent
        }
        return candidates.first { fm.fileExists(atPath: $0 + "/linux-gamepad.toml") }
    }

    public func match(_ device: InputDeviceInfo) -> KeymapMatch? {
        if let k = keymaps.first(where: { $0.ids.contains { $0.matches(device.id) } }) { return KeymapMatch(keymap: k, reason: .id) }
        let lname = device.name.lowercased()
        if let k = keymaps.first(where: { $0.names.contains { lname.contains($0.lowercased()) } }) {
            return KeymapMatch(keymap: k, reason: .name)
        }
        if device.followsGamepadSpec, let k = keymaps.first(where: \.isDefault) {
            return KeymapMatch(keymap: k, reason: .defaultForGamepadSpec)
        }
        return nil
    }
}
