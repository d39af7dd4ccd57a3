// Where a replay is in an episode: play / pause, single steps, seeks, at the recording's own timing.
// Pure state (time is passed in), so the TUI and tests drive it the same way.

public struct ReplayCursor: Sendable, Equatable {
    /// Step times in seconds, ascending (from `RecordedEpisode.steps`).
    public let times: [Double]
    public private(set) var index = 0
    public private(set) var playing = true
    /// Playback rate: 1 = recorded speed.
    public var speed = 1.0
    /// Episode time shown at `index` (between steps while playing).
    public private(set) var position = 0.0

    public init(times: [Double]) { self.times = times; position = times.first ?? 0 }

    public var count: Int { times.count }
    public var duration: Double { (times.last ?? 0) - (times.first ?? 0) }
    public var atEnd: Bool { index >= count - 1 }

    /// Advances playback by `dt` wall seconds; stops (pauses) at the last step.
    public mutating func advance(by dt: Double) {
        guard playing, count > 0 else { return }
        position += dt * speed
        while index + 1 < count && times[index + 1] <= position { index += 1 }
        if atEnd { playing = false; position = times[index] }
    }

    public mutating func togglePause() {
        if !playing && atEnd { index = 0; position = times.first ?? 0 }   // play again from the start
        playing.toggle()
    }

    /// One step forward or back; pauses, as stepping means looking closely.
    public mutating func step(_ delta: Int) {
        guard count > 0 else { return }
        playing = false
        index = min(max(0, index + delta), count - 1)
        position = times[index]
    }

    /// Jumps by `seconds` of episode time (negative: back) to the step in force at the new time.
    public mutating func seek(by seconds: Double) { seek(to: position + seconds) }

    public mutating func seek(to t: Double) {
        guard count > 0 else { return }
        let target = min(max(t, times[0]), times[count - 1])
        var i = 0
        while i + 1 < count && times[i + 1] <= target + 1e-9 { i += 1 }
        index = i
        position = target
    }
}
