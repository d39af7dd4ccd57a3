// The instruction line's editing, as a value: keys in, what happened out. Kept apart from the event pump so
// it is tested without a terminal.
import Input
import TerminalUI

public struct InstructionEditor: Sendable, Equatable {
    public enum Outcome: Equatable, Sendable {
        case editing
        /// Enter with non-blank text: the trimmed instruction.
        case submitted(String)
        /// Esc, or Enter on blank text: editing ends, nothing changes.
        case cancelled
    }

    public private(set) var isEditing = false
    public private(set) var scalars: [Unicode.Scalar] = []
    public private(set) var cursor = 0
    /// Longest instruction accepted (a paste cannot grow it without bound).
    public static let maxLength = 500

    public init() {}

    public mutating func begin(with text: String) {
        isEditing = true
        scalars = Array(text.unicodeScalars.prefix(InstructionEditor.maxLength))
        cursor = scalars.count
    }

    public var text: String { String(String.UnicodeScalarView(scalars)) }

    /// What the instruction line shows while editing.
    public var line: InstructionLine { InstructionLine(text: text, editing: isEditing, cursor: cursor) }

    public mutating func handle(_ key: KeyboardKey) -> Outcome {
        guard isEditing else { return .cancelled }
        switch key {
        case .escape:
            isEditing = false
            return .cancelled
        case .enter:
            isEditing = false
            let t = text.trimmingWhitespace()
            return t.isEmpty ? .cancelled : .submitted(t)
        case .backspace: if cursor > 0 { scalars.remove(at: cursor - 1); cursor -= 1 }
        case .delete: if cursor < scalars.count { scalars.remove(at: cursor) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(scalars.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = scalars.count
        // The readline keys a shell user reaches for: Ctrl-A/E home/end, Ctrl-U/K delete to the start/end,
        // Ctrl-W the word before the cursor.
        case .char("\u{1}"): cursor = 0
        case .char("\u{5}"): cursor = scalars.count
        case .char("\u{15}"): scalars.removeSubrange(0..<cursor); cursor = 0
        case .char("\u{b}"): scalars.removeSubrange(cursor..<scalars.count)
        case .char("\u{17}"):
            var start = cursor
            while start > 0, scalars[start - 1] == " " { start -= 1 }
            while start > 0, scalars[start - 1] != " " { start -= 1 }
            scalars.removeSubrange(start..<cursor); cursor = start
        case .char(let c):
            // Only characters that draw as one cell; control characters and wide glyphs are dropped.
            for s in c.unicodeScalars where CellBuffer.displayable(s) == s && scalars.count < InstructionEditor.maxLength {
                scalars.insert(s, at: cursor); cursor += 1
            }
        default: break
        }
        return .editing
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let s = unicodeScalars
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = s.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(s[first...last])
    }
}
