// Shared plumbing for commands: exit codes, JSON output, stderr.
import ArgumentParser
import Foundation

/// The contract's exit codes.
enum ExitStatus {
    static let jobFailed = ExitCode(1)
    static let badInput = ExitCode(2)
}

/// Human text goes to stderr so stdout stays clean for --json.
func note(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Prints one JSON object on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    let data = try enc.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// A command that has not landed yet says which issue brings it and fails as a job failure.
func notYet(_ what: String, issue: Int) throws -> Never {
    note("vlaterm \(what): not built yet (issue #\(issue)).")
    throw ExitStatus.jobFailed
}
