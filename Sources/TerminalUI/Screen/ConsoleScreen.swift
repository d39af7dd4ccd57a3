// Draws a whole `ConsoleSnapshot` into a `CellBuffer`: banner, camera thumbnails, sidebar panels, event log,
// instruction line, and the help overlay on top. Pure: the same snapshot and size give the same cells.
import RobotKit

public final class ConsoleScreen: @unchecked Sendable {
    // @unchecked: the blitters hold resampling caches; a screen is owned by one render loop.
    public var theme: Theme
    public var blitMode: BlitMode
    public var depth: ColorDepth
    /// Sidebar panels in order; extra panels from the snapshot are appended after these.
    public var sidebar: [any ConsolePanel] = [RobotStatePanel(), DevicesPanel(), SessionTimingPanel()]
    private var blitters: [Blitter] = []

    public init(theme: Theme, blitMode: BlitMode, depth: ColorDepth) {
        self.theme = theme; self.blitMode = blitMode; self.depth = depth
    }

    public func render(_ s: ConsoleSnapshot, into buf: inout CellBuffer) {
        buf.fill(buf.bounds)
        let aspect = s.cameras.first?.frame.map { Double($0.width) / Double(max(1, $0.height)) } ?? 4.0 / 3.0
        let layout = ConsoleLayout(width: buf.width, height: buf.height, cameraCount: s.cameras.count, imageAspect: aspect)
        drawBanner(s, &buf, layout.banner)
        drawCameras(s, &buf, layout.cameraSlots)
        drawSidebar(s, &buf, layout.sidebar)
        drawLog(s, &buf, layout.log)
        drawInstruction(s, &buf, layout.instruction)
        if s.showHelp { HelpOverlay.draw(s.help, into: &buf, theme: theme) }
    }

    private func drawBanner(_ s: ConsoleSnapshot, _ buf: inout CellBuffer, _ r: Rect) {
        guard !r.isEmpty else { return }
        let label = s.mode == .estop ? "!! E-STOP !!" : s.mode.label
        var spans = [Span(" [ \(label) ] ", Role.banner(s.mode))]
        if s.recording { spans += [Span(" "), Span(" [ RECORDING ] ", .modeRecording)] }
        if let alert = s.alert { spans += [Span("  "), Span(alert, .warn)] }
        let used = buf.put(spans, x: r.x, y: r.y, maxWidth: r.width, theme: theme)
        let right = "\(s.robotName)  ?:help  Q:quit "
        let rx = r.maxX - right.unicodeScalars.count
        if rx > r.x + used + 1 { buf.put(right, x: rx, y: r.y, style: theme[.dim]) }
    }

    private func drawCameras(_ s: ConsoleSnapshot, _ buf: inout CellBuffer, _ slots: [Rect]) {
        while blitters.count < slots.count { blitters.append(Blitter(mode: blitMode, depth: depth)) }
        for (i, slot) in slots.enumerated() where i < s.cameras.count {
            let cam = s.cameras[i]
            let inner = buf.box(slot, title: cam.name, theme: theme)
            let b = blitters[i]
            b.mode = blitMode; b.depth = depth
            if let f = cam.frame, !inner.isEmpty {
                b.draw(f, into: &buf, area: inner)
            } else if !inner.isEmpty {
                buf.put("no frame", x: inner.x, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            }
        }
        if slots.count < s.cameras.count, let last = slots.last {
            let hidden = s.cameras[slots.count...].map(\.name).joined(separator: ", ")
            buf.put(" +\(hidden) (enlarge window) ", x: last.x + 1, y: last.maxY - 1, style: theme[.dim],
                    maxWidth: max(0, last.width - 2))
        }
    }

    private func drawSidebar(_ s: ConsoleSnapshot, _ buf: inout CellBuffer, _ r: Rect) {
        guard r.width >= 10, r.height >= 3 else { return }
        let panels = sidebar + s.extraPanels.map { ContentPanel($0) as any ConsolePanel }
        let heights = ConsoleScreen.panelHeights(wants: panels.map { $0.contentHeight(s, width: r.width - 2) + 2 },
                                                 available: r.height)
        var y = r.y
        for (p, h) in zip(panels, heights) where h >= 3 {
            let inner = buf.box(Rect(x: r.x, y: y, width: r.width, height: h), title: p.title(s), theme: theme)
            p.draw(s, into: &buf, area: inner, theme: theme)
            y += h
        }
    }

    /// Heights for stacked panels: everyone gets what they want if it fits; otherwise the first panel (the
    /// robot state, which can compact itself) shrinks to make room, down to 3 rows, then later panels drop.
    static func panelHeights(wants: [Int], available: Int) -> [Int] {
        guard var first = wants.first else { return [] }
        let rest = wants.dropFirst().reduce(0, +)
        if first + rest > available { first = max(3, available - rest) }
        var out: [Int] = [], left = available
        for (i, w) in wants.enumerated() {
            let h = min(i == 0 ? first : w, left)
            out.append(h >= 3 ? h : 0)
            left -= out[i]
        }
        return out
    }

    private func drawLog(_ s: ConsoleSnapshot, _ buf: inout CellBuffer, _ r: Rect) {
        let inner = buf.box(r, title: "events", theme: theme)
        guard !inner.isEmpty else { return }
        let lines = s.log.suffix(inner.height)
        for (i, l) in lines.enumerated() {
            buf.put([Span(padded(fixed(l.time, 1), 6) + " ", .dim), Span(l.text, l.role)],
                    x: inner.x, y: inner.y + i, maxWidth: inner.width, theme: theme)
        }
    }

    private func drawInstruction(_ s: ConsoleSnapshot, _ buf: inout CellBuffer, _ r: Rect) {
        guard !r.isEmpty else { return }
        let ins = s.instruction
        if ins.editing {
            let prompt = "instruction> "
            let n = buf.put(prompt, x: r.x, y: r.y, style: theme[.key])
            let fieldWidth = r.width - n - 1
            guard fieldWidth > 0 else { return }
            // Scroll so the cursor stays visible in a long instruction.
            let scalars = Array(ins.text.unicodeScalars)
            let cursor = min(max(ins.cursor, 0), scalars.count)
            let start = max(0, cursor - fieldWidth + 1)
            let visible = String(String.UnicodeScalarView(scalars[start..<min(scalars.count, start + fieldWidth)]))
            buf.fill(Rect(x: r.x + n, y: r.y, width: fieldWidth, height: 1), with: Cell(" ", theme[.inputField]))
            buf.put(visible, x: r.x + n, y: r.y, style: theme[.inputField], maxWidth: fieldWidth)
            let cx = r.x + n + cursor - start
            if buf.contains(x: cx, y: r.y) {
                var c = buf[cx, r.y]
                c.style.attributes.insert(.reverse)
                buf[cx, r.y] = c
            }
            buf.put("  Enter: set  Esc: cancel", x: r.x + n + fieldWidth + 1, y: r.y, style: theme[.dim])
        } else if ins.text.isEmpty {
            buf.put([Span("i", .key), Span(": type an instruction for the policy", .dim)],
                    x: r.x, y: r.y, maxWidth: r.width, theme: theme)
        } else {
            buf.put([Span("instruction: ", .dim), Span(ins.text), Span("   (i: edit)", .dim)],
                    x: r.x, y: r.y, maxWidth: r.width, theme: theme)
        }
    }
}
