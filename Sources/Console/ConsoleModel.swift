// The state shared between the control thread and the render loop: the control thread writes what happened,
// the render loop copies a snapshot. The lock is held only to copy values (frames are copy-on-write arrays),
// so neither side ever waits on the other's work.
import Foundation
import RobotKit
import TerminalUI

/// Something the UI asks the control thread to do at its next tick.
public enum UIRequest: Sendable, Equatable {
    case operatorEvent(OperatorEvent)
    /// The operator typed an instruction and pressed Enter.
    case instruction(String)
}

public final class ConsoleModel: @unchecked Sendable {
    // @unchecked: every stored property is read and written only under `lock`.
    private let lock = NSLock()
    private var snap = ConsoleSnapshot()
    private var requests: [UIRequest] = []
    private var logLines: [LogLine] = []
    private var versionCounter: UInt64 = 0
    public let clock: any Clock
    private let start: Double
    public static let logCapacity = 200

    public init(clock: any Clock) { self.clock = clock; start = clock.now() }

    /// Seconds since the console started (log timestamps).
    public var elapsed: Double { clock.now() - start }

    /// Bumped on every change; the render loop redraws only when it moved.
    public var version: UInt64 { lock.lock(); defer { lock.unlock() }; return versionCounter }

    public func update(_ body: (inout ConsoleSnapshot) -> Void) {
        lock.lock(); body(&snap); versionCounter &+= 1; lock.unlock()
    }

    public func snapshot() -> ConsoleSnapshot {
        lock.lock(); defer { lock.unlock() }
        var s = snap
        s.log = logLines
        return s
    }

    public func log(_ text: String, _ role: Role = .text) {
        let t = elapsed
        lock.lock()
        logLines.append(LogLine(time: t, text: text, role: role))
        if logLines.count > ConsoleModel.logCapacity { logLines.removeFirst(logLines.count - ConsoleModel.logCapacity) }
        versionCounter &+= 1
        lock.unlock()
    }

    public func request(_ r: UIRequest) { lock.lock(); requests.append(r); lock.unlock() }

    public func takeRequests() -> [UIRequest] {
        lock.lock(); defer { requests.removeAll(); lock.unlock() }
        return requests
    }
}
