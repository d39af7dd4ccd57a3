// Module Console: the interactive app (event pump, control loop, ncurses backend). This file: how the
// console decides to draw thumbnails from what the terminal says about itself (`--render auto`).
import TerminalUI

/// What a terminal can show, from the environment and curses.
public struct TerminalCapabilities: Sendable, Equatable {
    public var term: String?
    public var colorTerm: String?
    /// Colours curses reports (`COLORS`), 0 when it has none.
    public var colors: Int
    /// The locale's character set is UTF-8 (needed for blocks, braille and box drawing).
    public var utf8: Bool

    public init(term: String?, colorTerm: String?, colors: Int, utf8: Bool) {
        self.term = term; self.colorTerm = colorTerm; self.colors = colors; self.utf8 = utf8
    }

    public var isDumb: Bool { term == nil || term == "" || term == "dumb" }
    public var hasTruecolor: Bool {
        guard let c = colorTerm?.lowercased() else { return colors >= 1 << 24 }
        return c == "truecolor" || c == "24bit" || colors >= 1 << 24
    }

    /// The colour depth this terminal supports.
    public var depth: ColorDepth {
        if isDumb || colors < 8 { return .mono }
        if hasTruecolor { return .truecolor }
        if colors >= 256 { return .palette256 }
        return .palette16
    }
}

/// `--render` values.
public enum RenderRequest: String, CaseIterable, Sendable {
    case auto, blocks, ascii, braille
}

public struct RenderChoice: Sendable, Equatable {
    public var mode: BlitMode
    public var depth: ColorDepth
    /// Borders and bars in Unicode (else ASCII).
    public var unicode: Bool

    /// auto: truecolor or 256 colours → blocks; fewer than 8 colours, TERM=dumb or a non-UTF-8 locale → ascii.
    public static func choose(_ request: RenderRequest, caps: TerminalCapabilities) -> RenderChoice {
        let depth = caps.depth
        switch request {
        case .auto:
            if !caps.utf8 || depth == .mono { return RenderChoice(mode: .ascii, depth: depth, unicode: caps.utf8) }
            return RenderChoice(mode: .blocks, depth: depth, unicode: true)
        case .ascii: return RenderChoice(mode: .ascii, depth: depth, unicode: caps.utf8)
        // Blocks and braille need Unicode; without it they degrade to the ramp rather than print garbage.
        case .blocks: return RenderChoice(mode: caps.utf8 ? .blocks : .ascii, depth: depth, unicode: caps.utf8)
        case .braille: return RenderChoice(mode: caps.utf8 ? .braille : .ascii, depth: depth, unicode: caps.utf8)
        }
    }
}
