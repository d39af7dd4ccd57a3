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
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (p.terminationStatus, obj)
    }
}
