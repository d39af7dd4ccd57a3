// The control tick on its own thread at a fixed rate. It never waits on rendering: the render loop only
// copies snapshots out of the model. A tick that overruns is not made up for with a burst; the schedule
// moves on from now.
import Foundation
import RobotKit

public final class ControlLoop: @unchecked Sendable {
    // @unchecked: `controller` is used only by the loop thread after `start()`; `stopFlag` and `failure` are
    // behind `lock`.
    private let controller: ConsoleController
    private let rate: Double
    private let lock = NSLock()
    private var stopFlag = false
    private var failureValue: (any Error)?
    private var finished = false
    private let done = NSCondition()
    private var thread: Thread?

    public init(controller: ConsoleController, rate: Double) {
        self.controller = controller
        self.rate = rate.isFinite && rate > 0 ? min(rate, 1000) : 20
    }

    /// The error that stopped the loop, if any (a robot or MuJoCo error).
    public var failure: (any Error)? { lock.lock(); defer { lock.unlock() }; return failureValue }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "vlaterm-control"
        t.qualityOfService = .userInteractive
        thread = t
        t.start()
    }

    /// Asks the loop to stop and waits (bounded) for the current tick to finish.
    public func stop(timeout: Double = 2) {
        lock.lock(); stopFlag = true; lock.unlock()
        waitUntilFinished(timeout: timeout)
    }

    /// Waits (bounded) until the loop thread has ended, e.g. after a failure; true when it has.
    @discardableResult
    public func waitUntilFinished(timeout: Double) -> Bool {
        done.lock()
        defer { done.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !finished && thread != nil { if !done.wait(until: deadline) { break } }
        return finished
    }

    private var shouldStop: Bool { lock.lock(); defer { lock.unlock() }; return stopFlag }

    private func run() {
        let clock = controller.model.clock
        let period = 1 / rate
        var next = clock.now()
        while !shouldStop {
            do {
                try controller.tick()
            } catch {
                lock.lock(); failureValue = error; lock.unlock()
                break
            }
            next += period
            let now = clock.now()
            if next < now { next = now }           // overrun: no catch-up burst
            let wait = next - now
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
        done.lock(); finished = true; done.broadcast(); done.unlock()
    }
}
