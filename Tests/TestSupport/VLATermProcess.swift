// Test support shared by test targets (a regular target only test targets depend on): running the built
// `vlaterm` binary and reading its `--json` report.
import Foundation
import XCTest

public enum VLATermProcess {
    /// The debug binary `swift build` produces: Tests/TestSupport/ThisFile.swift → package root → .build/debug/vlaterm.
    public static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/vlaterm").path

    /// The package root (fixtures, models/).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `vlaterm ARGS` to the end and returns its exit status and the one JSON object it printed on stdout
    /// (empty when stdout is not a JSON object, e.g. after bad usage). stderr is discarded. Skips the test when
    /// the binary has not been built. `environment` entries are added to this process's environment.
    public static func runJSON(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, json: [String: Any]) {
        let r = try run(args, environment: environment)
        let obj = (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
        return (r.status, obj)
    }

    /// Runs `vlaterm ARGS` to the end: exit status, stdout, and stderr as text (through a file, so a chatty
    /// stderr cannot block the child while stdout is read).
    public static func run(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: Data, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("\(path) not built (swift build builds it)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        if !environment.isEmpty {
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("vlaterm-stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errURL.path])
        }
        defer { try? FileManager.default.removeItem(at: errURL) }
        let err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try? err.close()
        let text = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (p.terminationStatus, data, text)
    }
}
