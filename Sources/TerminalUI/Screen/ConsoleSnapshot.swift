// What the console shows, as plain values: the control thread (and anyone plugging in) fills a snapshot,
// the renderer draws it. Rendering never touches the robot, so it can never block the control tick.
import RobotKit

public struct CameraThumbnail: Sendable {
    public var name: String
    public var frame: Frame?
    public init(name: String, frame: Frame?) { self.name = name; self.frame = frame }
}

/// One line in the input-device panel, e.g. "keyboard  active" or "gamepad  INPUT LOST".
public struct DeviceStatus: Sendable, Equatable {
    public var name: String
    public var status: String
    public var role: Role
    public init(name: String, status: String, role: Role = .text) { self.name = name; self.status = status; self.role = role }
}

public struct LogLine: Sendable, Equatable {
    public var time: Double
    public var text: String
    public var role: Role
    public init(time: Double, text: String, role: Role = .text) { self.time = time; self.text = text; self.role = role }
}

public struct LoopTiming: Sendable, Equatable {
    public var controlTarget: Double     // Hz
    public var controlAchieved: Double   // Hz, measured over the last second
    public var tickMillis: Double        // mean time spent inside one tick
    public var renderFPS: Double
    public init(controlTarget: Double = 0, controlAchieved: Double = 0, tickMillis: Double = 0, renderFPS: Double = 0) {
        self.controlTarget = controlTarget; self.controlAchieved = controlAchieved
        self.tickMillis = tickMillis; self.renderFPS = renderFPS
    }
}

public struct SessionInfo: Sendable, Equatable {
    public var name: String?
    public var episode: Int
    public var episodesRecorded: Int
    public var episodeSeconds: Double
    public init(name: String? = nil, episode: Int = 0, episodesRecorded: Int = 0, episodeSeconds: Double = 0) {
        self.name = name; self.episode = episode; self.episodesRecorded = episodesRecorded
        self.episodeSeconds = episodeSeconds
    }
}

/// The instruction line at the bottom: the text, and whether the operator is typing into it.
public struct InstructionLine: Sendable, Equatable {
    public var text: String
    public var editing: Bool
    /// Cursor position in unicode scalars (only meaningful while editing).
    public var cursor: Int
    public init(text: String = "", editing: Bool = false, cursor: Int? = nil) {
        self.text = text; self.editing = editing; self.cursor = cursor ?? text.unicodeScalars.count
    }
}

/// A group of bindings in the help overlay (one per active device/keymap).
public struct HelpSection: Sendable, Equatable {
    public var title: String
    public var note: String?
    public var rows: [(keys: String, action: String)]
    public init(title: String, note: String? = nil, rows: [(keys: String, action: String)]) {
        self.title = title; self.note = note; self.rows = rows
    }
    public static func == (a: HelpSection, b: HelpSection) -> Bool {
        a.title == b.title && a.note == b.note && a.rows.map(\.keys) == b.rows.map(\.keys)
            && a.rows.map(\.action) == b.rows.map(\.action)
    }
}

/// A panel contributed as data (title + lines), e.g. the gamepad's live mapped values or recording controls.
public struct PanelContent: Sendable, Equatable {
    public var title: String
    public var lines: [[Span]]
    public init(title: String, lines: [[Span]]) { self.title = title; self.lines = lines }
}

public struct ConsoleSnapshot: Sendable {
    public var mode: OperatingMode = .idle
    public var recording = false
    /// Extra banner text (e.g. a takeover request or "INPUT LOST"), shown in the warning role.
    public var alert: String?
    public var robotName = "robot"
    public var state: RobotState?
    /// Joint ranges for the bars; joints without one use -pi...pi.
    public var jointRanges: [ClosedRange<Double>] = []
    public var cameras: [CameraThumbnail] = []
    public var devices: [DeviceStatus] = []
    public var teleop = TeleopCommand()
    public var speedScale = 1.0
    public var gripperTarget: Double?
    public var session = SessionInfo()
    public var timing = LoopTiming()
    public var log: [LogLine] = []
    public var instruction = InstructionLine()
    public var showHelp = false
    public var help: [HelpSection] = []
    /// Panels plugged in by other parts (input values, recording, policy timing), drawn in the sidebar.
    public var extraPanels: [PanelContent] = []

    public init() {}
}
