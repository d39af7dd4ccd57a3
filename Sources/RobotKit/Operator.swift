// Vocabulary shared by every input device (keyboard, gamepad, replay), the supervisor and the console.

/// The supervisor's modes. Recording is orthogonal (any mode can be recorded) and shown beside the mode.
public enum OperatingMode: String, Sendable, Codable, CaseIterable {
    case idle, teleop, autonomy, paused, takeover, estop

    /// The banner text, readable without colour.
    public var label: String {
        switch self {
        case .idle: "IDLE"
        case .teleop: "TELEOP"
        case .autonomy: "AUTONOMY"
        case .paused: "PAUSED"
        case .takeover: "TAKEOVER"
        case .estop: "E-STOP"
        }
    }
}

/// Discrete operator controls (keymap actions other than the analog motion axes).
public enum OperatorEvent: String, Sendable, Codable, CaseIterable {
    case stop             // latch the stop (E-STOP) — never restarts motion by itself
    case rearm            // explicit re-arm after a stop
    case speedUp, speedDown
    case recordToggle     // start / stop recording an episode
    case markSuccess, markFailure, discard
    case takeOver, handBack
    case startAutonomy    // with the last instruction
    case pauseToggle
}
