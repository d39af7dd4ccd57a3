// A session on disk: `sessions/NAME/session.json` plus one `episode-NNNNNN.mcap` per episode.
// session.json lists finished episodes only; it is replaced atomically (temp file, fsync, rename, fsync
// the folder), so a crash leaves either the old or the new list, never half of one.
import Foundation
import RobotKit

public struct SessionEpisode: Codable, Sendable, Equatable {
    public var index: Int
    public var task: String
    public var outcome: EpisodeOutcome
    /// Number of recorded steps.
    public var length: Int
    public var file: String
    public var note: String?
    public var seed: UInt64?
    public init(index: Int, task: String, outcome: EpisodeOutcome, length: Int, file: String, note: String? = nil, seed: UInt64? = nil) {
        self.index = index; self.task = task; self.outcome = outcome; self.length = length; self.file = file
        self.note = note; self.seed = seed
    }
}

public struct SessionManifest: Codable, Sendable, Equatable {
    public var version = 1
    public var name: String
    public var robot: String
    public var cameras: [CameraSpec]
    public var fps: Double
    /// ISO 8601, UTC.
    public var created: String
    public var episodes: [SessionEpisode]
}

public struct SessionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// One session folder. Not thread-safe: the recorder's writer thread owns it while recording.
public final class SessionStore {
    public let directory: String
    public private(set) var manifest: SessionManifest
    public var manifestPath: String { directory + "/session.json" }

    /// Letters, digits, `.`, `_`, `-`; not starting with `.` (keeps names inside `sessions/`).
    public static func validate(name: String) throws {
        let ok = !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
        guard ok else { throw SessionError("session name '\(name)': use letters, digits, '.', '_' or '-' (not starting with '.')") }
    }

    public static func episodeFileName(_ index: Int) -> String { String(format: "episode-%06d.mcap", index) }

    static func isEpisodeFileName(_ f: String) -> Bool {
        f.count == 19 && f.hasPrefix("episode-") && f.hasSuffix(".mcap") && f.dropFirst(8).prefix(6).allSatisfy(\.isASCII) &&
            f.dropFirst(8).prefix(6).allSatisfy(\.isNumber)
    }

    private init(directory: String, manifest: SessionManifest) { self.directory = directory; self.manifest = manifest }

    /// Opens `root/name`, creating it (and its session.json) when absent. An existing session must match
    /// the robot's cameras, so one session's episodes share a layout.
    public static func openOrCreate(root: String, name: String, robot: String, cameras: [CameraSpec], fps: Double,
                                    now: Date = Date()) throws -> SessionStore {
        try validate(name: name)
        let dir = root + "/" + name
        if FileManager.default.fileExists(atPath: dir + "/session.json") {
            let s = try open(directory: dir)
            guard s.manifest.cameras.count == cameras.count,
                  zip(s.manifest.cameras, cameras).allSatisfy({ $0.sameLayout(as: $1) }) else {
                throw SessionError("\(dir)/session.json: cameras \(s.manifest.cameras.map(\.name)) differ from this robot's \(cameras.map(\.name)); use a new --session name")
            }
            return s
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let f = ISO8601DateFormatter()
        let s = SessionStore(directory: dir, manifest: SessionManifest(name: name, robot: robot, cameras: cameras, fps: fps,
                                                                       created: f.string(from: now), episodes: []))
        try s.save()
        return s
    }

    /// Opens an existing session folder; session.json is validated (file names, indexes) as untrusted input.
    public static func open(directory: String) throws -> SessionStore {
        let path = directory + "/session.json"
        let bytes: [UInt8]
        do { bytes = try DurableFile.read(path, maxBytes: 64 << 20) } catch {
            throw SessionError("\(path): cannot read (\(error)); is '\(directory)' a vlaterm session?")
        }
        let m: SessionManifest
        do { m = try JSONDecoder().decode(SessionManifest.self, from: Data(bytes)) } catch let DecodingError.keyNotFound(k, _) {
            throw SessionError("\(path): missing field '\(k.stringValue)'")
        } catch let DecodingError.typeMismatch(_, c) {
            throw SessionError("\(path): wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw SessionError("\(path): not valid session JSON (\(error))")
        }
        for e in m.episodes where !isEpisodeFileName(e.file) || e.index < 0 || e.length < 0 {
            throw SessionError("\(path): episode \(e.index) has bad file name '\(e.file)' (expected episode-NNNNNN.mcap) or negative numbers")
        }
        guard m.fps > 0, m.fps <= 1000 else { throw SessionError("\(path): fps \(m.fps) outside 0...1000") }
        return SessionStore(directory: directory, manifest: m)
    }

    public func path(of e: SessionEpisode) -> String { directory + "/" + e.file }

    /// The next free episode index: above every listed episode and every episode file on disk
    /// (an unlisted file is a crashed recording awaiting `sessions repair`; never overwrite it).
    public func nextIndex() -> Int {
        var n = (manifest.episodes.map(\.index).max() ?? -1) + 1
        for f in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where Self.isEpisodeFileName(f) {
            if let i = Int(f.dropFirst(8).prefix(6)) { n = max(n, i + 1) }
        }
        return n
    }

    /// Episode files on disk that session.json does not list (crashed recordings).
    public func unlistedEpisodeFiles() -> [String] {
        let listed = Set(manifest.episodes.map(\.file))
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { Self.isEpisodeFileName($0) && !listed.contains($0) }.sorted()
    }

    public func append(_ e: SessionEpisode) throws {
        manifest.episodes.removeAll { $0.index == e.index }
        manifest.episodes.append(e)
        manifest.episodes.sort { $0.index < $1.index }
        try save()
    }

    public func remove(index: Int) throws {
        manifest.episodes.removeAll { $0.index == index }
        try save()
    }

    public func save() throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.writeAtomically(Array(try enc.encode(manifest)), to: manifestPath)
    }
}
