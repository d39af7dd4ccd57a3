// What every policy implements — the embedded VLA and the remote clients (openpi, OpenVLA) alike —
// and the values that cross the boundary. The control tick never calls `infer` itself: a `PolicyRunner`
// calls it on its own thread with a deadline, and the supervisor drops replies to superseded requests.
import RobotKit

/// One inference request: what the robot sees now and what it was told to do.
public struct PolicyRequest: Sendable {
    /// Monotonically increasing id chosen by the supervisor; replies carry it back.
    public var id: UInt64
    public var observation: Observation
    /// The operator's plain-language instruction, e.g. "put the red cube in the bin".
    public var instruction: String
    /// Monotonic-clock seconds (same clock as the supervisor) after which a reply is useless.
    /// Implementations that block (sockets) must give up by then; the runner drops late replies regardless.
    public var deadline: Double

    public init(id: UInt64, observation: Observation, instruction: String, deadline: Double) {
        self.id = id; self.observation = observation; self.instruction = instruction; self.deadline = deadline
    }
}

/// A policy's answer: the next H actions in the robot's action space.
public struct ActionChunk: Sendable, Equatable {
    /// (H, D) row-major: `actions[h]` is the action for step h, D = `Action.dimension` after any adapter.
    /// Not trusted: the supervisor's guard checks shape, finiteness, range and step size before sending.
    public var actions: [[Double]]
    /// The policy's own "task done" signal; ends the run when set.
    public var done: Bool
    /// Wall time the policy spent on this chunk, milliseconds (shown in the console's timing line).
    public var inferenceMs: Double

    public init(actions: [[Double]], done: Bool = false, inferenceMs: Double = 0) {
        self.actions = actions; self.done = done; self.inferenceMs = inferenceMs
    }

    public var horizon: Int { actions.count }
}

/// A vision-language-action policy.
///
/// Synchronous with a deadline: `infer` runs on the runner's worker thread, never on the control tick,
/// and is called by one thread at a time, so implementations need no locking of their own.
public protocol Policy: AnyObject {
    /// Shown in the console and in run reports, e.g. "embedded", "openpi://127.0.0.1:8000".
    var name: String { get }
    /// Actions per chunk this policy normally returns (H); informative, replies are checked anyway.
    var chunkSize: Int { get }
    /// Forgets any per-episode state (history, cached text embedding, open connections' queued replies).
    func reset()
    /// Returns the next chunk, or throws `PolicyError`. Must return or throw by `request.deadline`
    /// when it does I/O; a compute-bound policy may overrun and its reply is then dropped as late.
    func infer(_ request: PolicyRequest) throws -> ActionChunk
}

/// Why a policy produced no chunk. Messages name the server/field so the log line is actionable.
public enum PolicyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No reply by the request's deadline; remote clients drop the connection so the reply is never read.
    case deadlineMissed(String)
    /// Could not connect, connection closed, socket error.
    case transport(String)
    /// The server said something we do not accept (bad frame, bad msgpack/JSON, wrong field type or shape).
    case protocolViolation(String)
    /// The server reported its own error (openpi sends a text frame with a traceback).
    case server(String)
    /// Bad configuration: URL, mapping file, adapter.
    case configuration(String)

    public var description: String {
        switch self {
        case .deadlineMissed(let s): "deadline missed: \(s)"
        case .transport(let s): "transport: \(s)"
        case .protocolViolation(let s): "protocol violation: \(s)"
        case .server(let s): "server error: \(s)"
        case .configuration(let s): "configuration: \(s)"
        }
    }
}
