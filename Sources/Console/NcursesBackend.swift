// The only code that talks to ncurses: start and restore the terminal, write the cells that changed since
// the last frame, read keys. Widgets never see curses; they draw into a CellBuffer.
import CNcursesW
import Foundation
import Input
import TerminalUI

public enum TerminalEvent: Equatable, Sendable {
    case key(KeyboardKey)
    case resize
}

public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
}

public final class NcursesBackend {
    public let choice: RenderChoice
    public let capabilities: TerminalCapabilities
    private var screen: OpaquePointer?
    private var win: UnsafeMutablePointer<WINDOW>?
    private var shown: CellBuffer?
    private var shownPair: [Int32] = []
    private var allocator: ColorPairAllocator
    private let colorOn: Bool
    private let direct: Bool          // xterm-direct style: colour numbers are 0xRRGGBB
    private let maxColors: Int
    private var ended = false
    /// Bytes ncurses wrote (only when constructed with an output file, for benchmarks).
    public private(set) var cellsWritten = 0

    /// Starts curses on the terminal (or on `output`/`input` FILEs with `termName`, for benchmarks).
    public init(render request: RenderRequest, termName: String? = nil,
                output: UnsafeMutablePointer<FILE>? = nil, input: UnsafeMutablePointer<FILE>? = nil) throws {
        setlocale(LC_ALL, "")
        var utf8 = NcursesBackend.localeIsUTF8()
        if !utf8, setlocale(LC_CTYPE, "C.UTF-8") != nil { utf8 = NcursesBackend.localeIsUTF8() }
        let env = ProcessInfo.processInfo.environment
        let term = termName ?? env["TERM"]
        guard let term, !term.isEmpty else {
            throw TerminalError(description: "TERM is not set: the console needs a terminal (try TERM=xterm-256color)")
        }
        // Truecolor terminals that only advertise xterm-256color: use the xterm-direct description when the
        // system has it (Debian: ncurses-term), so curses can emit 24-bit colours.
        let wantsDirect = termName == nil && ["truecolor", "24bit"].contains(env["COLORTERM"]?.lowercased() ?? "")
            && term.hasPrefix("xterm") && FileManager.default.fileExists(atPath: "/usr/share/terminfo/x/xterm-direct")
        vt_install_crash_restore()
        let out = output ?? vt_stdout(), inp = input ?? vt_stdin()
        var scr = wantsDirect ? newterm("xterm-direct", out, inp) : nil
        if scr == nil { scr = newterm(term, out, inp) }
        guard let scr else {
            vt_uninstall_crash_restore()
            throw TerminalError(description: "curses cannot drive terminal type '\(term)' (no terminfo entry?)")
        }
        screen = scr
        set_term(scr)
        // A full-screen UI needs cursor addressing; TERM=dumb (and similar) has none and would scroll garbage.
        let cup = tigetstr("cup")
        if cup == nil || Int(bitPattern: cup) == -1 {
            endwin(); delscreen(scr); screen = nil; ended = true
            vt_uninstall_crash_restore()
            throw TerminalError(description: "terminal type '\(term)' cannot position the cursor, so the full-screen console cannot run; use a terminal such as TERM=xterm or vt100 (`--render ascii` suits monochrome ones)")
        }
        win = vt_stdscr()
        cbreak(); noecho(); nonl()
        keypad(win, true)
        curs_set(0)
        set_escdelay(25)
        var colors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(vt_colors())
        }
        maxColors = colors
        direct = colors >= 1 << 24
        capabilities = TerminalCapabilities(term: wantsDirect && direct ? "xterm-direct" : term,
                                            colorTerm: env["COLORTERM"], colors: colors, utf8: utf8)
        choice = RenderChoice.choose(request, caps: capabilities)
        colorOn = choice.depth != .mono
        // Pair 0 is fixed by curses; the rest are ours, within COLOR_PAIRS.
        allocator = ColorPairAllocator(capacity: max(1, Int(vt_color_pairs()) - 1), firstPair: 1)
        wclear(win)
    }

    deinit { end() }

    /// Restores the terminal (idempotent): leaves the alternate screen, shows the cursor, resets modes.
    public func end() {
        guard !ended else { return }
        ended = true
        curs_set(1)
        endwin()
        vt_uninstall_crash_restore()
        if let screen { delscreen(screen) }
        screen = nil
    }

    public var size: (width: Int, height: Int) { (Int(getmaxx(win)), Int(getmaxy(win))) }

    /// Redraws everything at the next flush (after a resize, or when the screen may be garbled).
    public func invalidate() { shown = nil; clearok(win, true) }

    private static func localeIsUTF8() -> Bool {
        guard let cs = nl_langinfo(nl_item(CODESET)) else { return false }
        let s = String(cString: cs).uppercased()
        return s == "UTF-8" || s == "UTF8"
    }

    // MARK: colours

    private func colorNumber(_ c: CellColor) -> Int32 {
        if c.isDefault { return -1 }
        if let i = c.index {
            if direct { return i < 8 ? Int32(i) : rgbNumber(Palette256.rgb(i)) }
            return maxColors >= 256 || Int(i) < maxColors ? Int32(i) : Int32(Palette256.nearest(Palette256.rgb(i).0, Palette256.rgb(i).1, Palette256.rgb(i).2, among: min(16, maxColors)))
        }
        if let (r, g, b) = c.rgb {
            if direct { return rgbNumber((r, g, b)) }
            return Int32(maxColors >= 256 ? Palette256.nearest(r, g, b) : Palette256.nearest(r, g, b, among: min(16, maxColors)))
        }
        return -1
    }

    /// 0xRRGGBB for xterm-direct; values below 8 mean the ANSI colours there, so the darkest blues move up.
    private func rgbNumber(_ c: (UInt8, UInt8, UInt8)) -> Int32 {
        max(8, Int32(c.0) << 16 | Int32(c.1) << 8 | Int32(c.2))
    }

    private func attributes(_ a: CellAttributes) -> attr_t {
        var r: attr_t = 0
        if a.contains(.bold) { r |= vt_a_bold() }
        if a.contains(.dim) { r |= vt_a_dim() }
        if a.contains(.reverse) { r |= vt_a_reverse() }
        if a.contains(.underline) { r |= vt_a_underline() }
        return r
    }

    // MARK: drawing

    /// Writes the cells that differ from the last flush, then updates the terminal.
    public func flush(_ buf: CellBuffer) {
        let w = buf.width, h = buf.height
        let full = shown == nil || shown?.width != w || shown?.height != h
        if full { shownPair = [Int32](repeating: 0, count: w * h) }
        allocator.beginFrame()
        var evicted = Set<Int32>()
        var rewritten = [Bool](repeating: false, count: w * h)
        var run: [cchar_t] = []
        run.reserveCapacity(w)
        for y in 0..<h {
            var x = 0
            while x < w {
                let i = y * w + x
                if !full, let s = shown, s.cells[i] == buf.cells[i] { x += 1; continue }
                // A run of changed cells on this row goes to curses in one call.
                let start = x
                run.removeAll(keepingCapacity: true)
                while x < w {
                    let j = y * w + x
                    if !full, let s = shown, s.cells[j] == buf.cells[j] { break }
                    run.append(cchar(buf.cells[j], index: j, evicted: &evicted))
                    rewritten[j] = true
                    x += 1
                }
                cellsWritten += run.count
                _ = run.withUnsafeBufferPointer { mvwadd_wchnstr(win, Int32(y), Int32(start), $0.baseAddress, Int32($0.count)) }
            }
        }
        // Cells left alone whose pair now means other colours must be redrawn with a pair of their own.
        if !evicted.isEmpty {
            for i in 0..<(w * h) where !rewritten[i] && evicted.contains(shownPair[i]) {
                var c = [cchar(buf.cells[i], index: i, evicted: &evicted)]
                _ = c.withUnsafeMutableBufferPointer { mvwadd_wchnstr(win, Int32(i / w), Int32(i % w), $0.baseAddress, 1) }
            }
        }
        shown = buf
        wnoutrefresh(win)
        doupdate()
    }

    private func cchar(_ cell: Cell, index: Int, evicted: inout Set<Int32>) -> cchar_t {
        var pair: Int32 = 0
        if colorOn && (!cell.style.fg.isDefault || !cell.style.bg.isDefault) {
            let fg = colorNumber(cell.style.fg), bg = colorNumber(cell.style.bg)
            let l = allocator.pair(fg: fg, bg: bg)
            if l.needsInit { init_extended_pair(l.pair, fg, bg) }
            if l.evicted { evicted.insert(l.pair) }
            pair = l.pair
        }
        shownPair[index] = pair
        var cc = cchar_t()
        var wch: [wchar_t] = [wchar_t(bitPattern: cell.scalar.value), 0]
        var p = pair
        _ = wch.withUnsafeMutableBufferPointer { setcchar(&cc, $0.baseAddress, attributes(cell.style.attributes), 0, &p) }
        return cc
    }

    // MARK: input

    /// Waits up to `timeoutMillis` for a key (0 = poll). Returns nil on timeout.
    public func read(timeoutMillis: Int) -> TerminalEvent? {
        wtimeout(win, Int32(max(0, timeoutMillis)))
        var wch: wint_t = 0
        let r = wget_wch(win, &wch)
        if r == vt_err() { return nil }
        if r == vt_key_code_yes() {
            let k = Int32(bitPattern: wch)
            if k == vt_key_resize() { return .resize }
            return NcursesBackend.functionKey(k).map { .key($0) }
        }
        guard let s = Unicode.Scalar(UInt32(wch)) else { return nil }
        switch s.value {
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 9: return .key(.tab)
        case 3: return .key(.char("\u{3}"))         // Ctrl-C in case the tty delivers it as a byte
        default: return .key(.char(Character(s)))
        }
    }

    static func functionKey(_ k: Int32) -> KeyboardKey? {
        switch k {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        default:
            (1...12).first { vt_key_f(Int32($0)) == k }.map { .function($0) }
        }
    }
}
