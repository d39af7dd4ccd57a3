// The interactive console: starts the control loop, pumps terminal events, renders snapshots at <= 30 FPS,
// and restores the terminal on every way out (quit, SIGINT/SIGTERM/SIGHUP, a thrown error, a robot or
// MuJoCo error surfacing from the control thread; fatal signals through the crash handler in the shim).
import Dispatch
import Foundation
import Input
import RobotKit
import TerminalUI

public struct ConsoleOptions: Sendable {
    public var render: RenderRequest
    public var maxFPS: Double
    public init(render: RenderRequest = .auto, maxFPS: Double = 30) { self.render = render; self.maxFPS = maxFPS }
}

/// Why the console ended.
public enum ConsoleExit: Equatable, Sendable {
    case quit
    case signal(Int32)
}

public struct ConsoleFailure: Error, CustomStringConvertible {
    public var underlying: any Error
    public var description: String { "the control loop stopped: \(underlying)" }
}

public final class ConsoleApp {
    public let controller: ConsoleController
    public let keyboard: KeyboardSource
    public let model: ConsoleModel
    public let options: ConsoleOptions
    /// Help sections beyond the keyboard's (gamepad keymap, recording controls), in order.
    public var extraHelp: [HelpSection] = []
    /// Called with the chosen rendering once curses has started (e.g. to log it).
    public var onStart: ((RenderChoice) -> Void)?

    private var editor = InstructionEditor()
    private var showHelp = false
    private var uiVersion: UInt64 = 0
    private var quitRequested = false

    public init(controller: ConsoleController, keyboard: KeyboardSource, options: ConsoleOptions) {
        self.controller = controller; self.keyboard = keyboard; self.model = controller.model; self.options = options
    }

    /// The app's own keys (not teleop): data, listed by the help overlay like every other binding.
    public static let appBindings: [(keys: String, action: String)] = [
        ("i /", "type an instruction (Enter: set and start autonomy, Esc: cancel, Ctrl-U: clear)"),
        ("Enter", "start autonomy with the current instruction"),
        ("?", "show / hide this help"),
        ("Ctrl-L", "redraw the screen"),
        ("Q  Ctrl-C", "quit (the robot holds)"),
    ]

    public func run() throws -> ConsoleExit {
        let signals = SignalWatch([SIGINT, SIGTERM, SIGHUP])
        defer { signals.cancel() }
        let backend = try NcursesBackend(render: options.render)
        defer { backend.end() }
        let choice = backend.choice
        let glyphs: Glyphs = choice.unicode ? .unicode : .ascii
        let theme = choice.depth == .mono ? Theme.mono(glyphs: glyphs) : Theme.color(glyphs: glyphs)
        let screen = ConsoleScreen(theme: theme, blitMode: choice.mode, depth: choice.depth)
        let help = [keyboard.help()] + extraHelp + [HelpSection(title: "console", rows: ConsoleApp.appBindings)]
        model.update { $0.help = help }
        onStart?(choice)

        keyboard.syncGripper(controller.gripperTarget)
        let loop = ControlLoop(controller: controller, rate: controller.robot.controlRate)
        loop.start()
        defer { loop.stop() }

        let clock = model.clock
        let period = 1 / max(1, min(options.maxFPS, 30))
        var nextFrame = clock.now()
        var lastDrawn: UInt64 = .max
        var frameTimes: [Double] = []
        var buf = CellBuffer(width: 0, height: 0)
        while true {
            if let sig = signals.received { return .signal(sig) }
            if let err = loop.failure { throw ConsoleFailure(underlying: err) }
            if quitRequested { return .quit }

            let wait = max(0, Int(((nextFrame - clock.now()) * 1000).rounded(.up)))
            if let ev = backend.read(timeoutMillis: min(wait, 50)) {
                handle(ev, backend)
                while let more = backend.read(timeoutMillis: 0) { handle(more, backend) }   // drain what is queued
            }
            let now = clock.now()
            guard now >= nextFrame else { continue }
            nextFrame = max(nextFrame + period, now)
            let version = model.version &+ uiVersion
            guard version != lastDrawn else { continue }
            lastDrawn = version

            frameTimes.append(now)
            frameTimes.removeAll { $0 < now - 1 }
            let fps = Double(frameTimes.count)
            let (w, h) = backend.size
            if buf.width != w || buf.height != h { buf = CellBuffer(width: w, height: h) }
            var snap = model.snapshot()
            snap.timing.renderFPS = fps
            snap.showHelp = showHelp
            if editor.isEditing { snap.instruction = editor.line }
            screen.render(snap, into: &buf)
            backend.flush(buf)
        }
    }

    private func handle(_ ev: TerminalEvent, _ backend: NcursesBackend) {
        uiVersion &+= 1
        guard case .key(let key) = ev else { backend.invalidate(); return }
        if key == .char("\u{3}") { quitRequested = true; return }
        if key == .char("\u{c}") { backend.invalidate(); return }
        if editor.isEditing {
            switch editor.handle(key) {
            case .editing, .cancelled: break
            case .submitted(let text):
                model.request(.instruction(text))
                model.update { $0.instruction = InstructionLine(text: text) }
            }
            return
        }
        switch key {
        case .char("Q"): quitRequested = true
        case .char("?"): showHelp.toggle()
        case .escape where showHelp: showHelp = false
        case .char("i"), .char("/"):
            keyboard.releaseAll()
            editor.begin(with: model.snapshot().instruction.text)
        case .enter:
            let text = model.snapshot().instruction.text
            if text.isEmpty { model.log("type an instruction first (i)", .warn) } else { model.request(.instruction(text)) }
        default:
            keyboard.press(key)
        }
    }
}

/// SIGINT/SIGTERM/SIGHUP become a flag the event pump checks (so the terminal is restored on the main path)
/// instead of killing the process mid-frame.
final class SignalWatch: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`; sources are created and cancelled on the main thread.
    private let lock = NSLock()
    private var value: Int32?
    private var sources: [any DispatchSourceSignal] = []
    private let signals: [Int32]

    init(_ signals: [Int32]) {
        self.signals = signals
        for s in signals {
            signal(s, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: s, queue: .global())
            src.setEventHandler { [weak self] in self?.set(s) }
            src.resume()
            sources.append(src)
        }
    }

    private func set(_ s: Int32) { lock.lock(); if value == nil { value = s }; lock.unlock() }
    var received: Int32? { lock.lock(); defer { lock.unlock() }; return value }

    func cancel() {
        for s in sources { s.cancel() }
        for s in signals { signal(s, SIG_DFL) }
    }
}
