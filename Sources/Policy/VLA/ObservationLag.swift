// A late chunk's timing for runs that call the policy directly (`eval`, correction recordings): each chunk is
// predicted from a view `ticks` old and its first actions, meant for ticks already gone, are skipped. 1 is what
// `vlaterm run` and the console do with `--in-tick-wait 0` (or for a chunk that misses the wait): the reply is
// used from the tick after its observation. Their default, a chunk within its own tick, is 0.
import RobotKit

public struct ObservationLag {
    /// How many ticks old the observation a chunk is predicted from is (0: the current one).
    public let ticks: Int
    /// The last `ticks + 1` observations, oldest first.
    private var recent: [Observation] = []

    public init(ticks: Int) { self.ticks = max(0, ticks) }

    public mutating func reset() { recent.removeAll(keepingCapacity: true) }

    /// Call once per tick with that tick's observation.
    public mutating func record(_ observation: Observation) {
        recent.append(observation)
        if recent.count > ticks + 1 { recent.removeFirst() }
    }

    /// The observation to predict the next chunk from: `ticks` old, or the oldest there is early in an episode.
    public var observation: Observation? { recent.first }

    /// A chunk predicted from `observation`, without the actions for the ticks that have gone by since.
    public func aligned(_ actions: [[Double]]) -> [[Double]] {
        Array(actions.dropFirst(min(max(recent.count - 1, 0), max(actions.count - 1, 0))))
    }
}
