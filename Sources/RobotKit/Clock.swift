#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Injected time and randomness: nothing in vlaterm reads the wall clock or a global RNG directly.

/// A source of monotonic time in seconds.
public protocol Clock: Sendable {
    func now() -> Double
}

/// The process's monotonic clock (CLOCK_MONOTONIC).
public struct MonotonicClock: Clock {
    public init() {}
    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// A clock tests advance by hand.
public final class ManualClock: Clock, @unchecked Sendable {
    private var t: Double
    public init(_ start: Double = 0) { t = start }
    public func now() -> Double { t }
    public func advance(by dt: Double) { t += dt }
}

/// SplitMix64: small, fast, seedable; the same seed gives the same stream on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
