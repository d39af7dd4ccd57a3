// A small TOML reader for keymaps that keeps line numbers, so every keymap error can say file:line.
// Supported: `[table]` / `[a.b]` headers, `key = value` with bare or quoted keys, values that are
// "basic strings" (\" \\ \n \t \uXXXX escapes), 'literal strings', integers (decimal, 0x hex, _ separators),
// floats, booleans, and arrays of those (may span lines, trailing comma allowed); `#` comments.
// Not supported (rejected with an error): inline tables, arrays of tables, dotted keys, multi-line strings, dates.

public struct TOMLError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])

    public var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .bool: "boolean"
        case .array: "array"
        }
    }

    /// Integers and floats both read as numbers.
    public var number: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .float(let f): f
        default: nil
        }
    }
}

/// One `key = value` and the line it was on.
public struct TOMLEntry: Sendable, Equatable {
    public var key: String
    public var value: TOMLValue
    public var line: Int
}

/// A `[table]` and its entries in file order.
public struct TOMLTable: Sendable, Equatable {
    public var name: String      // "" for the top level
    public var line: Int
    public var entries: [TOMLEntry] = []

    public subscript(key: String) -> TOMLEntry? { entries.first { $0.key == key } }
}

public struct TOMLDocument: Sendable, Equatable {
    public var file: String
    /// Tables in file order; the top-level table comes first (name "").
    public var tables: [TOMLTable]

    public func table(_ name: String) -> TOMLTable? { tables.first { $0.name == name } }

    public static let maxBytes = 1 << 20

    public static func parse(_ text: String, file: String) throws -> TOMLDocument {
        guard text.utf8.count <= maxBytes else {
            throw TOMLError(file: file, line: 0, message: "file larger than \(maxBytes) bytes; a keymap is a few KiB")
        }
        var lexer = TOMLLexer(Array(text.unicodeScalars), file: file)
        var tables = [TOMLTable(name: "", line: 1)]
        while true {
            lexer.skipBlankAndComments()
            guard let c = lexer.peek else { break }
            if c == "[" {
                let line = lexer.line
                lexer.advance()
                if lexer.peek == "[" { throw lexer.error("arrays of tables ([[…]]) are not supported in keymaps") }
                var parts: [String] = []
                repeat {
                    lexer.skipSpaces()
                    parts.append(try lexer.key())
                    lexer.skipSpaces()
                } while lexer.take(".")
                guard lexer.take("]") else { throw lexer.error("expected `]` to close the table header") }
                try lexer.expectEndOfLine()
                let name = parts.joined(separator: ".")
                if tables.contains(where: { $0.name == name }) {
                    throw TOMLError(file: file, line: line, message: "table [\(name)] defined twice")
                }
                tables.append(TOMLTable(name: name, line: line))
            } else {
                let line = lexer.line
                let key = try lexer.key()
                lexer.skipSpaces()
                if lexer.peek == "." { throw lexer.error("dotted keys are not supported; use a [table] header") }
                guard lexer.take("=") else { throw lexer.error("expected `=` after key `\(key)`") }
                lexer.skipSpaces()
                let value = try lexer.value(depth: 0)
                try lexer.expectEndOfLine()
                let t = tables.count - 1
                if tables[t][key] != nil {
                    throw TOMLError(file: file, line: line, message: "key `\(key)` set twice in [\(tables[t].name)]")
                }
                tables[t].entries.append(TOMLEntry(key: key, value: value, line: line))
            }
        }
        return TOMLDocument(file: file, tables: tables)
    }
}

/// Character-level reader with a line counter.
struct TOMLLexer {
    private let s: [Unicode.Scalar]
    private var i = 0
    private(set) var line = 1
    let file: String

    init(_ s: [Unicode.Scalar], file: String) { self.s = s; self.file = file }

    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    mutating func advance() {
        if i < s.count { if s[i] == "\n" { line += 1 }; i += 1 }
    }

    mutating func take(_ c: Unicode.Scalar) -> Bool {
        if peek == c { advance(); return true }
        return false
    }

    func error(_ m: String) -> TOMLError { TOMLError(file: file, line: line, message: m) }

    mutating func skipSpaces() { while peek == " " || peek == "\t" { advance() } }

    mutating func skipComment() { if peek == "#" { while let c = peek, c != "\n" { advance() } } }

    /// Blank lines, comments and newlines (between statements and inside arrays).
    mutating func skipBlankAndComments() {
        while true {
            skipSpaces(); skipComment()
            if peek == "\n" || peek == "\r" { advance() } else { return }
        }
    }

    mutating func expectEndOfLine() throws {
        skipSpaces(); skipComment()
        if peek == "\r" { advance() }
        guard peek == nil || peek == "\n" else { throw error("unexpected text after the value; expected end of line or a # comment") }
    }

    mutating func key() throws -> String {
        if peek == "\"" { return try basicString() }
        if peek == "'" { return try literalString() }
        var k = ""
        while let c = peek, c.properties.isASCIIHexDigit || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
                || c == "_" || c == "-" || ("0"..."9").contains(c) {
            k.unicodeScalars.append(c); advance()
            guard k.count <= 256 else { throw error("key longer than 256 characters") }
        }
        guard !k.isEmpty else { throw error("expected a key (letters, digits, _ or -) or a [table] header") }
        return k
    }

    mutating func value(depth: Int) throws -> TOMLValue {
        guard depth < 8 else { throw error("arrays nested deeper than 8 levels") }
        switch peek {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[":
            advance()
            var items: [TOMLValue] = []
            while true {
                skipBlankAndComments()
                if take("]") { return .array(items) }
                guard items.count < 4096 else { throw error("array with more than 4096 items") }
                items.append(try value(depth: depth + 1))
                skipBlankAndComments()
                if take(",") { continue }
                guard take("]") else { throw error("expected `,` or `]` in array") }
                return .array(items)
            }
        case "{": throw error("inline tables are not supported in keymaps; use a [table] header")
        case nil: throw error("expected a value after `=`")
        default:
            var word = ""
            while let c = peek, !(c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "#") {
                word.unicodeScalars.append(c); advance()
                guard word.count <= 64 else { throw error("value too long; expected a number or true/false") }
            }
            if word == "true" { return .bool(true) }
            if word == "false" { return .bool(false) }
            let clean = word.replacingUnderscores()
            if clean.hasPrefix("0x"), let v = Int64(clean.dropFirst(2), radix: 16) { return .integer(v) }
            if let v = Int64(clean) { return .integer(v) }
            if let v = Double(clean), v.isFinite, clean.contains(where: { $0.isNumber }) { return .float(v) }
            throw error("cannot read `\(word)`: expected a \"string\", number, true/false or [array]")
        }
    }

    mutating func basicString() throws -> String {
        advance()  // opening quote
        var out = ""
        while true {
            guard let c = peek, c != "\n" else { throw error("unterminated string; strings end on the same line with \"") }
            advance()
            if c == "\"" { return out }
            if c == "\\" {
                guard let e = peek else { throw error("unterminated escape") }
                advance()
                switch e {
                case "\"": out += "\""
                case "\\": out += "\\"
                case "n": out += "\n"
                case "t": out += "\t"
                case "u":
                    var hex = ""
                    for _ in 0..<4 { if let h = peek { hex.unicodeScalars.append(h); advance() } }
                    guard let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) else { throw error("bad \\u escape `\\u\(hex)`") }
                    out.unicodeScalars.append(u)
                default: throw error("unknown escape `\\\(e)`; use \\\" \\\\ \\n \\t or \\uXXXX")
                }
            } else {
                out.unicodeScalars.append(c)
            }
            guard out.unicodeScalars.count <= 4096 else { throw error("string longer than 4096 characters") }
        }
    }

    mutating func literalString() throws -> String {
        advance()
        var out = ""
        while true {
            guard let c = peek, c != "\n" else { throw error("unterminated 'literal string'") }
            advance()
            if c == "'" { return out }
            out.unicodeScalars.append(c)
            guard out.unicodeScalars.count <= 4096 else { throw error("string longer than 4096 characters") }
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
