// Semantic roles: widgets say what a thing IS (a warning, the E-STOP banner), the theme says how it looks.
// This is what keeps the console readable without colour: the mono theme maps roles to attributes only.
import RobotKit

public enum Role: String, CaseIterable, Sendable {
    case text, dim, title, border, accent, good, warn, bad, key, inputField, barFill, barEmpty
    case modeIdle, modeTeleop, modeRecording, modeAutonomy, modePaused, modeTakeover, modeEstop
    case helpBackground

    /// The banner role for a mode (recording shows as its own role beside the mode).
    public static func banner(_ mode: OperatingMode) -> Role {
        switch mode {
        case .idle: .modeIdle
        case .teleop: .modeTeleop
        case .autonomy: .modeAutonomy
        case .paused: .modePaused
        case .takeover: .modeTakeover
        case .estop: .modeEstop
        }
    }
}

/// Which characters borders and bars are drawn with: Unicode where the locale is UTF-8, else ASCII.
public struct Glyphs: Sendable, Equatable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Unicode.Scalar
    public var barFull, barEmpty: Unicode.Scalar

    public static let unicode = Glyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                       bottomLeft: "└", bottomRight: "┘", barFull: "█", barEmpty: "░")
    public static let ascii = Glyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                     bottomLeft: "+", bottomRight: "+", barFull: "#", barEmpty: ".")
}

public struct Theme: Sendable {
    public var styles: [Role: Style]
    public var glyphs: Glyphs
    public init(styles: [Role: Style], glyphs: Glyphs) { self.styles = styles; self.glyphs = glyphs }

    public subscript(role: Role) -> Style { styles[role] ?? .plain }

    private static func ix(_ i: UInt8) -> CellColor { .indexed(i) }

    /// Colours from the 16-colour ANSI set, which every colour terminal has (and 256-colour ones map exactly).
    public static func color(glyphs: Glyphs = .unicode) -> Theme {
        let black = ix(0), red = ix(1), green = ix(2), yellow = ix(3), blue = ix(4), magenta = ix(5), cyan = ix(6)
        let white = ix(7)
        return Theme(styles: [
            .text: Style(),
            .dim: Style(attributes: .dim),
            .title: Style(fg: cyan, attributes: .bold),
            .border: Style(fg: blue),
            .accent: Style(fg: cyan),
            .good: Style(fg: green),
            .warn: Style(fg: yellow, attributes: .bold),
            .bad: Style(fg: red, attributes: .bold),
            .key: Style(fg: yellow, attributes: .bold),
            .inputField: Style(attributes: .underline),
            .barFill: Style(fg: green),
            .barEmpty: Style(attributes: .dim),
            .modeIdle: Style(fg: black, bg: white, attributes: .bold),
            .modeTeleop: Style(fg: black, bg: green, attributes: .bold),
            .modeRecording: Style(fg: white, bg: red, attributes: .bold),
            .modeAutonomy: Style(fg: black, bg: cyan, attributes: .bold),
            .modePaused: Style(fg: black, bg: yellow, attributes: .bold),
            .modeTakeover: Style(fg: white, bg: magenta, attributes: .bold),
            .modeEstop: Style(fg: yellow, bg: red, attributes: [.bold]),
            .helpBackground: Style(fg: white, bg: blue),
        ], glyphs: glyphs)
    }

    /// No colour at all: roles become attributes, and the banner text carries the meaning.
    public static func mono(glyphs: Glyphs = .ascii) -> Theme {
        Theme(styles: [
            .text: Style(), .dim: Style(attributes: .dim), .title: Style(attributes: .bold),
            .border: Style(), .accent: Style(), .good: Style(), .warn: Style(attributes: .bold),
            .bad: Style(attributes: [.bold, .underline]), .key: Style(attributes: .bold),
            .inputField: Style(attributes: .underline), .barFill: Style(), .barEmpty: Style(),
            .modeIdle: Style(attributes: .reverse), .modeTeleop: Style(attributes: [.reverse, .bold]),
            .modeRecording: Style(attributes: [.reverse, .bold, .underline]),
            .modeAutonomy: Style(attributes: [.reverse, .bold]), .modePaused: Style(attributes: .reverse),
            .modeTakeover: Style(attributes: [.reverse, .bold, .underline]),
            .modeEstop: Style(attributes: [.reverse, .bold, .underline]), .helpBackground: Style(),
        ], glyphs: glyphs)
    }
}
