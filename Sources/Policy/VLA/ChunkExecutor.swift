// Turning predicted action chunks into one action per control tick. Pure (no clock, no I/O), so the
// caller decides when to run inference: ask `needsChunk`, run the policy, `accept` the chunk, then take
// `nextAction()` once per tick.
//
// Two schemes:
// - replan every N: execute the first N actions of a chunk open-loop, then predict again (N = K is pure
//   open-loop chunking, N = 1 closes the loop every tick).
// - temporal ensembling (ACT, Zhao et al. 2023): predict every tick; the action for tick t is the
//   weighted mean of every stored chunk's prediction for t, weight exp(−m·i) with i = 0 for the OLDEST
//   prediction (ACT's convention: older predictions weigh more, which smooths the motion).
//
// With a `StallRule`, re-planning also commits to a whole chunk after the executed actions went nowhere for
// the rule's window (see `StallWatch`: the built-in model dithers over the bin without it).
import RobotKit

public struct ChunkExecutor: Sendable {
    public enum Mode: Sendable, Equatable {
        case replan(every: Int)
        case ensemble(decay: Double)
    }

    public let mode: Mode
    /// Ticks executed since the last `reset`.
    public private(set) var tick = 0
    /// Replan: the current chunk and the tick it was accepted at.
    private var current: (actions: [[Double]], start: Int)?
    /// Ensemble: every chunk that still covers a future tick, with the tick it starts at (oldest first).
    private var history: [(actions: [[Double]], start: Int)] = []
    /// Replan only: watches the executed actions; nil never commits.
    private var stall: StallWatch?
    /// The current chunk runs to its end (accepted after a stall).
    private var committed = false

    public init(mode: Mode, commitAfterStall rule: StallRule? = nil) {
        switch mode {
        case .replan(let n): self.mode = .replan(every: max(1, n))
        case .ensemble(let m): self.mode = .ensemble(decay: m.isFinite ? max(0, m) : 0)
        }
        if case .replan = self.mode { stall = rule.map(StallWatch.init) }
    }

    /// Chunks executed whole because the motion stalled, since the last `reset`.
    public var stallCommits: Int { stall?.commits ?? 0 }

    /// Parses "replan:N" or "ensemble:M" (command-line flag values).
    public static func parse(_ text: String) -> Mode? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "replan": if let n = Int(parts[1]), n >= 1 { return .replan(every: n) }
        case "ensemble": if let m = Double(parts[1]), m.isFinite, m >= 0 { return .ensemble(decay: m) }
        default: break
        }
        return nil
    }

    public mutating func reset() { tick = 0; current = nil; history = []; committed = false; stall?.reset() }

    /// Whether a new chunk should be predicted before the next `nextAction()`.
    public var needsChunk: Bool {
        switch mode {
        case .replan(let n):
            guard let c = current else { return true }
            let used = tick - c.start
            return (used >= n && !committed) || used >= c.actions.count
        case .ensemble:
            return history.last.map { $0.start < tick } ?? true
        }
    }

    /// Takes a chunk predicted from the observation of the current tick.
    public mutating func accept(_ actions: [[Double]]) {
        guard !actions.isEmpty else { return }
        switch mode {
        case .replan:
            current = (actions, tick)
            committed = stall?.takeStall() ?? false
        case .ensemble:
            history.append((actions, tick))
            history.removeAll { $0.start + $0.actions.count <= tick }
        }
    }

    /// The action for the current tick (nil when no chunk covers it: run inference first), then advances.
    public mutating func nextAction() -> [Double]? {
        let t = tick
        let action: [Double]?
        switch mode {
        case .replan:
            guard let c = current, t - c.start < c.actions.count else { return nil }
            action = c.actions[t - c.start]
        case .ensemble(let m):
            var sum: [Double]?, total = 0.0, i = 0
            for h in history where t - h.start >= 0 && t - h.start < h.actions.count {
                let w = Self.exp(-m * Double(i)), row = h.actions[t - h.start]
                if sum == nil { sum = [Double](repeating: 0, count: row.count) }
                for d in 0..<min(row.count, sum!.count) { sum![d] += w * row[d] }
                total += w; i += 1
            }
            action = sum.map { $0.map { $0 / total } }
        }
        if let action {
            stall?.record(action)
            tick += 1
            if case .ensemble = mode { history.removeAll { $0.start + $0.actions.count <= tick } }
        }
        return action
    }

    /// exp without Foundation (keeps this file pure Swift).
    static func exp(_ x: Double) -> Double {
        // Range-reduce to x = k·ln2 + r, |r| ≤ ln2/2, then a degree-10 Taylor series for e^r.
        guard x > -700 else { return 0 }
        let ln2 = 0.6931471805599453
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0, s = 1.0
        for n in 1...12 { term *= r / Double(n); s += term }
        return s * pow2(Int(k))
    }

    private static func pow2(_ k: Int) -> Double {
        var v = 1.0
        if k >= 0 { for _ in 0..<k { v *= 2 } } else { for _ in 0..<(-k) { v /= 2 } }
        return v
    }
}
