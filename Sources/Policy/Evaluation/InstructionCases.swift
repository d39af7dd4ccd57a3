// `vlaterm eval --instructions FILE`: one case per line, `OBJECT | CONTAINER | INSTRUCTION TEXT`, e.g.
//   red cube | bin | grab the crimson cube and drop it in the bin
// `#` starts a comment line; blank lines are skipped. The text is given to the policy verbatim, and the
// layout is sampled so that OBJECT and CONTAINER are in the scene.

public struct InstructionCase: Sendable, Equatable {
    public var object: String
    public var container: String
    public var instruction: String
    /// 1-based line in the file (for error messages about the case later, e.g. an unknown colour).
    public var line: Int
    public init(object: String, container: String, instruction: String, line: Int) {
        self.object = object; self.container = container; self.instruction = instruction; self.line = line
    }
}

public struct InstructionFileError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var problem: String
    public init(file: String, line: Int, _ problem: String) { self.file = file; self.line = line; self.problem = problem }
    public var description: String { "\(file):\(line): \(problem)" }
}

public enum InstructionCases {
    static let example = "expected `OBJECT | CONTAINER | INSTRUCTION TEXT`, e.g. `red cube | bin | grab the crimson cube and drop it in the bin`"
    /// Longest line we accept (a hostile file cannot feed the text encoder megabytes).
    public static let maxLineLength = 1000
    public static let maxCases = 100_000

    public static func parse(_ text: String, file: String) throws -> [InstructionCase] {
        var cases: [InstructionCase] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(raw).trimmed(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.count <= maxLineLength else {
                throw InstructionFileError(file: file, line: lineNumber, "line is \(line.count) characters; at most \(maxLineLength)")
            }
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmed(" \t") }
            guard fields.count == 3 else {
                throw InstructionFileError(file: file, line: lineNumber, "\(fields.count) field(s); \(example)")
            }
            for (name, value) in zip(["OBJECT", "CONTAINER", "INSTRUCTION TEXT"], fields) where value.isEmpty {
                throw InstructionFileError(file: file, line: lineNumber, "\(name) is empty; \(example)")
            }
            guard cases.count < maxCases else {
                throw InstructionFileError(file: file, line: lineNumber, "more than \(maxCases) cases")
            }
            cases.append(InstructionCase(object: fields[0].lowercased(), container: fields[1].lowercased(),
                                         instruction: fields[2], line: lineNumber))
        }
        guard !cases.isEmpty else { throw InstructionFileError(file: file, line: lineNumber, "no cases; \(example)") }
        return cases
    }
}

extension String {
    fileprivate func trimmed(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
