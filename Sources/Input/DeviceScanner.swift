// Finding pads: list /dev/input/event*, ask libevdev what each one is.
import Foundation

/// One /dev/input/eventN node: what it is, or why we could not open it.
public struct ScannedDevice: Sendable, Equatable {
    public var path: String
    public var info: InputDeviceInfo?
    public var error: String?
}

public enum DeviceScanner {
    public static let inputDirectory = "/dev/input"

    /// Event nodes in numeric order (event2 before event10).
    public static func eventNodes(in dir: String = inputDirectory) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasPrefix("event") && Int($0.dropFirst(5)) != nil }
            .sorted { (Int($0.dropFirst(5)) ?? 0) < (Int($1.dropFirst(5)) ?? 0) }
            .map { dir + "/" + $0 }
    }

    /// Opens each node just long enough to read its description (never grabs).
    public static func scan(in dir: String = inputDirectory) -> [ScannedDevice] {
        eventNodes(in: dir).map { path in
            do { return ScannedDevice(path: path, info: try EvdevDevice(path: path).info, error: nil) }
            catch { return ScannedDevice(path: path, info: nil, error: "\(error)") }
        }
    }

    public static var inputDirectoryExists: Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: inputDirectory, isDirectory: &isDir) && isDir.boolValue
    }
}
