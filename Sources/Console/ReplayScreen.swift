// Replaying a recorded episode in the terminal: camera thumbnails, state and action, command source, and a
// timeline with intervention marks; space pauses, ←/→ step, [ and ] seek a second, Home/End, +/- speed, q quits.
// `ReplayScreen` only draws into a CellBuffer (snapshot-testable); `ReplayApp` owns the terminal.
import Episodes
import Foundation
import Input
import RobotKit
import TerminalUI

/// What the replay screen shows at one moment.
public struct ReplayView {
    public var title: String
    public var outcome: String
    public var cameras: [(name: String, frame: Frame?)]
    public var step: RecordedStep?
    public var cursor: ReplayCursor
    /// Step indexes where a human intervened.
    public var interventions: [Int]
    public var instruction: String
}

public final class ReplayScreen {
    public let theme: Theme
    let blitter: Blitter

    public init(theme: Theme, blitMode: BlitMode, depth: ColorDepth) {
        self.theme = theme; blitter = Blitter(mode: blitMode, depth: depth)
    }

    public static let helpLine = "space play/pause  left/right step  [ ] -/+1 s  Home/End  +/- speed  q quit"

    public func render(_ v: ReplayView, into buf: inout CellBuffer) {
        buf.fill(buf.bounds)
        guard buf.width >= 20, buf.height >= 8 else { buf.put("terminal too small", x: 0, y: 0); return }
        let c = v.cursor
        buf.put([Span("REPLAY ", .accent), Span(v.title, .title), Span("  [\(v.outcome)]", v.outcome == "success" ? .good : .warn)],
                x: 0, y: 0, maxWidth: buf.width, theme: theme)
        buf.put([Span("instruction: ", .dim), Span(v.instruction)], x: 0, y: 1, maxWidth: buf.width, theme: theme)

        // Cameras across the top; state and action under them; timeline and help at the bottom.
        let camHeight = max(3, (buf.height - 8) * 2 / 3)
        let camRow = Rect(x: 0, y: 2, width: buf.width, height: camHeight)
        let cols = camRow.columns(max(1, v.cameras.count), gap: 1)
        for (i, cam) in v.cameras.enumerated() where i < cols.count {
            let inner = buf.box(cols[i], title: cam.name, theme: theme)
            if let f = cam.frame { blitter.draw(f, into: &buf, area: inner) } else {
                buf.put("no image", x: inner.x + 1, y: inner.y, style: theme[.dim], maxWidth: inner.width)
            }
        }
        var y = camRow.maxY
        if let s = v.step {
            let p = s.state.endEffector.position
            buf.put([Span("state  ", .dim), Span("xyz \(signed(p.x)) \(signed(p.y)) \(signed(p.z))  yaw \(signed(s.state.endEffector.yaw, 2))  gripper \(signed(s.state.gripper, 2))")],
                    x: 0, y: y, maxWidth: buf.width, theme: theme)
            y += 1
            let a = s.action
            buf.put([Span("action ", .dim), Span("d \(signed(a.dx)) \(signed(a.dy)) \(signed(a.dz))  dyaw \(signed(a.dyaw, 2))  gripper \(signed(a.gripper, 2))")],
                    x: 0, y: y, maxWidth: buf.width, theme: theme)
            y += 1
            buf.put([Span("source ", .dim), Span(s.source.rawValue.uppercased(), s.source == .teleop ? .modeTeleop : .modeAutonomy),
                     s.intervention ? Span("  INTERVENTION", .bad) : Span("")], x: 0, y: y, maxWidth: buf.width, theme: theme)
            y += 1
        }
        let status = String(format: "%@ step %d/%d  %.2f / %.2f s  x%.2g", c.playing ? "PLAY " : "PAUSE", c.index + 1, c.count,
                            c.position - (c.times.first ?? 0), c.duration, c.speed)
        buf.put(status, x: 0, y: buf.height - 3, style: theme[.text], maxWidth: buf.width)
        drawTimeline(v, y: buf.height - 2, into: &buf)
        buf.put(Self.helpLine, x: 0, y: buf.height - 1, style: theme[.dim], maxWidth: buf.width)
    }

    /// A bar the width of the screen: intervention steps marked, the play head on top.
    func drawTimeline(_ v: ReplayView, y: Int, into buf: inout CellBuffer) {
        let w = buf.width, n = max(1, v.cursor.count - 1)
        func col(_ i: Int) -> Int { min(w - 1, i * (w - 1) / n) }
        for x in 0..<w { buf.set(x, y, Cell(theme.glyphs.horizontal, theme[.dim])) }
        for i in v.interventions { buf.set(col(i), y, Cell("!", theme[.bad])) }
        buf.set(col(v.cursor.index), y, Cell(theme.glyphs.barFull, theme[.accent]))
    }
}

/// Plays an episode full-screen until q; restores the terminal on the way out.
public final class ReplayApp {
    let episode: RecordedEpisode
    let title: String
    let render: RenderRequest
    private var jpeg = JPEGCodec()
    private var decoded: (index: Int, frames: [(name: String, frame: Frame?)])?

    public init(episode: RecordedEpisode, title: String, render: RenderRequest = .auto) {
        self.episode = episode; self.title = title; self.render = render
    }

    public func view(_ cursor: ReplayCursor) -> ReplayView {
        let steps = episode.steps
        let step = steps.isEmpty ? nil : steps[min(cursor.index, steps.count - 1)]
        if decoded?.index != cursor.index {
            let frames = episode.cameras.map { cam in (cam.name, step?.images[cam.name].flatMap { try? jpeg.decode($0) }) }
            decoded = (cursor.index, frames)
        }
        let t = step?.time ?? 0
        let instruction = episode.instructions.last { $0.time <= t + 1e-9 }?.text ?? episode.task
        return ReplayView(title: title, outcome: episode.outcome?.rawValue ?? "unfinished", cameras: decoded?.frames ?? [],
                          step: step, cursor: cursor, interventions: steps.filter(\.intervention).map(\.index), instruction: instruction)
    }

    public func run() throws {
        let backend = try NcursesBackend(render: render)
        defer { backend.end() }
        let choice = backend.choice
        let glyphs: Glyphs = choice.unicode ? .unicode : .ascii
        let theme = choice.depth == .mono ? Theme.mono(glyphs: glyphs) : Theme.color(glyphs: glyphs)
        let screen = ReplayScreen(theme: theme, blitMode: choice.mode, depth: choice.depth)
        var cursor = ReplayCursor(times: episode.steps.map(\.time))
        let clock = MonotonicClock()
        var last = clock.now()
        var buf = CellBuffer(width: 0, height: 0)
        while true {
            if let ev = backend.read(timeoutMillis: 33) {
                if case .key(let k) = ev {
                    switch k {
                    case .char("q"), .char("Q"), .escape, .char("\u{3}"): return
                    case .char(" "): cursor.togglePause()
                    case .right: cursor.step(1)
                    case .left: cursor.step(-1)
                    case .char("]"): cursor.seek(by: 1)
                    case .char("["): cursor.seek(by: -1)
                    case .home: cursor.seek(to: -.infinity)
                    case .end: cursor.seek(to: .infinity)
                    case .char("+"): cursor.speed = min(8, cursor.speed * 2)
                    case .char("-"): cursor.speed = max(0.125, cursor.speed / 2)
                    default: break
                    }
                } else { backend.invalidate() }
            }
            let now = clock.now()
            cursor.advance(by: now - last)
            last = now
            let (w, h) = backend.size
            if buf.width != w || buf.height != h { buf = CellBuffer(width: w, height: h) }
            screen.render(view(cursor), into: &buf)
            backend.flush(buf)
        }
    }
}
