// The `?` overlay: every binding of the active keymaps, grouped by device, drawn from data (the keymaps'
// binding tables), never from a hard-coded list. Wraps notes, and uses two columns when one is too tall.

public enum HelpOverlay {
    public static func draw(_ sections: [HelpSection], into buf: inout CellBuffer, theme: Theme) {
        let maxInner = buf.width - 4, maxRows = buf.height - 2 - 2
        guard maxInner >= 20, maxRows >= 3 else { return }
        let keyWidth = min(14, sections.flatMap(\.rows).map { $0.keys.unicodeScalars.count }.max() ?? 8)
        let footer: [Span] = [Span("?", .key), Span(" or Esc closes this help", .dim)]

        func lines(width: Int) -> [[Span]] {
            var out: [[Span]] = []
            for (i, sec) in sections.enumerated() {
                if i > 0 { out.append([]) }
                out.append([Span(sec.title, .title)])
                if let note = sec.note { out += wrap(note, width).map { [Span($0, .dim)] } }
                for row in sec.rows { out.append([Span(padded(row.keys, keyWidth) + "  ", .key), Span(row.action)]) }
            }
            return out
        }
        func width(_ l: [Span]) -> Int { l.reduce(0) { $0 + $1.text.unicodeScalars.count } }

        // One column if it fits, else two (split at a section boundary near the middle).
        var one = lines(width: maxInner)
        var columns: [[[Span]]]
        var colWidth = min(maxInner, max(30, (one.map(width).max() ?? 20)))
        if one.count + 2 <= maxRows {
            columns = [one]
        } else {
            colWidth = (maxInner - 3) / 2
            one = lines(width: colWidth)
            // Fill the first column (ending at a section break when one is close), the rest goes right.
            let capacity = maxRows - 2
            var split = one.count <= 2 * capacity ? max((one.count + 1) / 2, one.count - capacity) : capacity
            split = min(split, capacity, one.count)
            if let blank = stride(from: split, through: max(1, split - 4), by: -1).first(where: { one[$0 - 1].isEmpty || (($0 < one.count) && one[$0].isEmpty) }) { split = blank }
            columns = [Array(one[..<split]), Array(one[split...]).drop { $0.isEmpty }.map { $0 }]
        }
        let tallest = columns.map(\.count).max() ?? 0
        let contentHeight = min(tallest, maxRows - 2)
        let w = columns.count == 1 ? colWidth + 2 : colWidth * 2 + 3
        let h = contentHeight + 2 + 2
        let r = Rect(x: (buf.width - w - 2) / 2, y: (buf.height - h) / 2, width: w + 2, height: h)
        buf.fill(r, with: Cell(" ", theme[.helpBackground]))
        let inner = buf.box(r, title: "help", theme: theme)
        for (c, col) in columns.enumerated() {
            let x = inner.x + 1 + c * (colWidth + 2)
            let truncated = col.count > contentHeight
            for (i, l) in col.prefix(truncated ? contentHeight - 1 : contentHeight).enumerated() {
                buf.put(l, x: x, y: inner.y + i, maxWidth: colWidth, theme: theme)
            }
            if truncated { buf.put("… (enlarge the window for more)", x: x, y: inner.y + contentHeight - 1, style: theme[.dim], maxWidth: colWidth) }
        }
        buf.put(footer, x: inner.x + 1, y: inner.maxY - 1, maxWidth: inner.width - 1, theme: theme)
    }

    /// Greedy word wrap to `width` columns.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 4 else { return [text] }
        var out: [String] = [], line = ""
        for word in text.split(separator: " ") {
            let w = String(word)
            if line.isEmpty { line = w } else if line.unicodeScalars.count + 1 + w.unicodeScalars.count <= width { line += " " + w } else { out.append(line); line = w }
        }
        if !line.isEmpty { out.append(line) }
        return out
    }
}
