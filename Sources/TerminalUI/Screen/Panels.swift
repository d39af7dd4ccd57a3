// Sidebar panels. Anyone can add one: conform to `ConsolePanel` (drawing code) or put a `PanelContent`
// (title + lines, plain data) into `ConsoleSnapshot.extraPanels`.
import RobotKit

public protocol ConsolePanel: Sendable {
    func title(_ s: ConsoleSnapshot) -> String
    /// Rows wanted inside the panel's border at this width (the layout may give fewer).
    func contentHeight(_ s: ConsoleSnapshot, width: Int) -> Int
    func draw(_ s: ConsoleSnapshot, into buf: inout CellBuffer, area: Rect, theme: Theme)
}

/// End-effector pose, gripper, and joints as bars.
public struct RobotStatePanel: ConsolePanel {
    public init() {}
    public func title(_ s: ConsoleSnapshot) -> String { "robot" }
    public func contentHeight(_ s: ConsoleSnapshot, width: Int) -> Int { 3 + (s.state?.jointPositions.count ?? 0) }

    public func draw(_ s: ConsoleSnapshot, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        guard let st = s.state else {
            buf.put("no state yet", x: area.x, y: area.y, style: theme[.dim], maxWidth: area.width)
            return
        }
        let p = st.endEffector.position
        var y = area.y
        func line(_ spans: [Span]) {
            guard y < area.maxY else { return }
            buf.put(spans, x: area.x, y: y, maxWidth: area.width, theme: theme); y += 1
        }
        line([Span("x ", .dim), Span(signed(p.x)), Span(" y ", .dim), Span(signed(p.y)), Span(" z ", .dim), Span(signed(p.z))])
        line([Span("yaw ", .dim), Span(signed(st.endEffector.yaw * 180 / .pi, 1) + "°"),
              Span("  speed ", .dim), Span("\(Int((s.speedScale * 100).rounded()))%")])
        if y < area.maxY {
            let label = "grip " + fixed(st.gripper, 2) + " "
            let n = buf.put(label, x: area.x, y: y, style: theme[.dim], maxWidth: area.width)
            buf.bar(x: area.x + n, y: y, width: max(0, area.width - n), fraction: st.gripper, theme: theme, fill: .accent)
            y += 1
        }
        // Joints as bars: one per row when there is room, else two per row.
        let joints = st.jointPositions
        let rows = area.maxY - y
        let perRow = joints.count > rows && area.width >= 24 ? 2 : 1
        let colWidth = area.width / perRow
        for (i, q) in joints.enumerated() {
            let row = y + i / perRow, x = area.x + (i % perRow) * colWidth
            guard row < area.maxY else { break }
            let range = i < s.jointRanges.count ? s.jointRanges[i] : -Double.pi...Double.pi
            let span = range.upperBound - range.lowerBound
            let label = (perRow == 1 ? "j\(i + 1) " + padded(signed(q, 2), 6) : "j\(i + 1)" + padded(signed(q, 1), 5)) + " "
            let n = buf.put(label, x: x, y: row, style: theme[.dim], maxWidth: colWidth)
            buf.bar(x: x + n, y: row, width: max(0, colWidth - n - (perRow == 2 ? 1 : 0)),
                    fraction: span > 0 ? (q - range.lowerBound) / span : 0, theme: theme)
        }
    }
}

/// Input devices and the command they are producing right now.
public struct DevicesPanel: ConsolePanel {
    public init() {}
    public func title(_ s: ConsoleSnapshot) -> String { "input" }
    public func contentHeight(_ s: ConsoleSnapshot, width: Int) -> Int { max(1, s.devices.count) + 1 }

    public func draw(_ s: ConsoleSnapshot, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        var y = area.y
        for d in s.devices where y < area.maxY - 1 || (y < area.maxY && s.devices.count == 1) {
            buf.put([Span(padded(d.name, 9)), Span(d.status, d.role)], x: area.x, y: y, maxWidth: area.width, theme: theme)
            y += 1
        }
        if s.devices.isEmpty, y < area.maxY {
            buf.put("no input device", x: area.x, y: y, style: theme[.warn], maxWidth: area.width); y += 1
        }
        guard y < area.maxY else { return }
        let c = s.teleop
        let cmd = c.isNeutral ? [Span("cmd ", .dim), Span("neutral", .dim)]
            : [Span("cmd ", .dim), Span("\(signed(c.linear.x, 1)) \(signed(c.linear.y, 1)) \(signed(c.linear.z, 1)) r\(signed(c.yaw, 1))", .accent)]
        buf.put(cmd, x: area.x, y: y, maxWidth: area.width, theme: theme)
    }
}

/// Session/episode counter and loop timing.
public struct SessionTimingPanel: ConsolePanel {
    public init() {}
    public func title(_ s: ConsoleSnapshot) -> String { "session" }
    public func contentHeight(_ s: ConsoleSnapshot, width: Int) -> Int { 2 }

    public func draw(_ s: ConsoleSnapshot, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        let ses = s.session, t = s.timing
        var y = area.y
        if y < area.maxY {
            buf.put([Span(ses.name ?? "no session", ses.name == nil ? .dim : .text),
                     Span(" ep ", .dim), Span("\(ses.episode)"), Span(" rec ", .dim), Span("\(ses.episodesRecorded)"),
                     Span(" " + fixed(ses.episodeSeconds, 1) + "s", .dim)],
                    x: area.x, y: y, maxWidth: area.width, theme: theme)
            y += 1
        }
        if y < area.maxY {
            let slow = t.controlTarget > 0 && t.controlAchieved < 0.9 * t.controlTarget
            buf.put([Span("ctl ", .dim), Span(fixed(t.controlAchieved, 1), slow ? .warn : .good),
                     Span("/" + fixed(t.controlTarget, 0) + "Hz", .dim),
                     Span(" ui ", .dim), Span(fixed(t.renderFPS, 0) + "fps"), Span(" " + fixed(t.tickMillis, t.tickMillis < 10 ? 1 : 0) + "ms", .dim)],
                    x: area.x, y: y, maxWidth: area.width, theme: theme)
        }
    }
}

/// Draws a `PanelContent` (lines of spans).
public struct ContentPanel: ConsolePanel {
    public var content: PanelContent
    public init(_ content: PanelContent) { self.content = content }
    public func title(_ s: ConsoleSnapshot) -> String { content.title }
    public func contentHeight(_ s: ConsoleSnapshot, width: Int) -> Int { max(1, content.lines.count) }
    public func draw(_ s: ConsoleSnapshot, into buf: inout CellBuffer, area: Rect, theme: Theme) {
        for (i, l) in content.lines.enumerated() where area.y + i < area.maxY {
            buf.put(l, x: area.x, y: area.y + i, maxWidth: area.width, theme: theme)
        }
    }
}
