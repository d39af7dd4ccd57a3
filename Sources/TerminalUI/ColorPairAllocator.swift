// curses draws colours through numbered (foreground, background) pairs, and a terminal has only COLOR_PAIRS of
// them (64 on a Linux console, 65536 on xterm-256color). Thumbnails need one pair per distinct colour
// combination, so pairs are cached and recycled. This is the policy only — pure and testable; the ncurses
// backend performs `init_extended_pair` when told to.

/// A cache of (fg, bg) → pair number within a fixed capacity, least-recently-used eviction by frame.
///
/// - Pairs `firstPair ..< firstPair + capacity` are managed (pair 0 is curses' fixed default pair).
/// - A pair used in the current frame is never evicted in that frame, so cells drawn earlier in the frame keep
///   their colours. When every pair is in use this frame, the nearest existing pair is returned instead.
public struct ColorPairAllocator: Sendable {
    public struct Lookup: Equatable, Sendable {
        public var pair: Int32
        /// The caller must define `pair` as (fg, bg) before drawing with it.
        public var needsInit: Bool
        /// `pair` previously meant another combination: cells on screen drawn with it must be redrawn.
        public var evicted: Bool
        /// False when the table was full of this frame's pairs and `pair` is only the closest match.
        public var exact: Bool
        public init(pair: Int32, needsInit: Bool, evicted: Bool, exact: Bool) {
            self.pair = pair; self.needsInit = needsInit; self.evicted = evicted; self.exact = exact
        }
    }

    public let capacity: Int
    public let firstPair: Int32
    /// Colour number → RGB, for choosing the nearest pair when full (palette index or 0xRRGGBB; -1 = default).
    public var colorToRGB: @Sendable (Int32) -> (Int, Int, Int)

    private var pairOf: [Int64: Int32] = [:]
    private var keyOf: [Int64]            // slot → key (valid for slots < used)
    private var lastUsed: [UInt64]        // slot → frame number
    private var used = 0
    private var hand = 0                  // clock hand for eviction
    private var frame: UInt64 = 1

    public private(set) var evictions = 0

    public init(capacity: Int, firstPair: Int32 = 1,
                colorToRGB: @escaping @Sendable (Int32) -> (Int, Int, Int) = ColorPairAllocator.defaultRGB) {
        self.capacity = max(1, capacity)
        self.firstPair = firstPair
        self.colorToRGB = colorToRGB
        keyOf = [Int64](repeating: 0, count: self.capacity)
        lastUsed = [UInt64](repeating: 0, count: self.capacity)
    }

    /// Palette indices below 256 through the xterm palette, larger values as 0xRRGGBB, -1 (default) as grey.
    public static let defaultRGB: @Sendable (Int32) -> (Int, Int, Int) = { c in
        if c < 0 { return (128, 128, 128) }
        if c < 256 { let (r, g, b) = Palette256.rgb(UInt8(c)); return (Int(r), Int(g), Int(b)) }
        return (Int(c >> 16 & 0xFF), Int(c >> 8 & 0xFF), Int(c & 0xFF))
    }

    /// Number of pairs currently defined.
    public var count: Int { used }

    /// Starts a new frame: pairs used from now on are protected from eviction until the next call.
    public mutating func beginFrame() { frame &+= 1 }

    /// Forgets everything (after the terminal was re-initialised).
    public mutating func reset() {
        pairOf.removeAll(keepingCapacity: true); used = 0; hand = 0
        for i in 0..<capacity { lastUsed[i] = 0 }
    }

    @inline(__always) static func key(_ fg: Int32, _ bg: Int32) -> Int64 { Int64(fg) << 32 | Int64(UInt32(bitPattern: bg)) }

    public mutating func pair(fg: Int32, bg: Int32) -> Lookup {
        let k = ColorPairAllocator.key(fg, bg)
        if let p = pairOf[k] {
            lastUsed[Int(p - firstPair)] = frame
            return Lookup(pair: p, needsInit: false, evicted: false, exact: true)
        }
        if used < capacity {
            let slot = used
            used += 1
            return assign(slot: slot, key: k, evicted: false)
        }
        // Clock sweep for a slot not used in this frame; one full turn without one means all are in use.
        for _ in 0..<capacity {
            let slot = hand
            hand = (hand + 1) % capacity
            if lastUsed[slot] != frame {
                pairOf[keyOf[slot]] = nil
                evictions += 1
                return assign(slot: slot, key: k, evicted: true)
            }
        }
        return Lookup(pair: nearest(fg: fg, bg: bg), needsInit: false, evicted: false, exact: false)
    }

    private mutating func assign(slot: Int, key k: Int64, evicted: Bool) -> Lookup {
        keyOf[slot] = k
        lastUsed[slot] = frame
        let p = firstPair + Int32(slot)
        pairOf[k] = p
        return Lookup(pair: p, needsInit: true, evicted: evicted, exact: true)
    }

    private func nearest(fg: Int32, bg: Int32) -> Int32 {
        let (fr, fgc, fb) = colorToRGB(fg), (br, bgc, bb) = colorToRGB(bg)
        var best = firstPair, bestD = Int.max
        for slot in 0..<used {
            let k = keyOf[slot]
            let (r1, g1, b1) = colorToRGB(Int32(truncatingIfNeeded: k >> 32))
            let (r2, g2, b2) = colorToRGB(Int32(bitPattern: UInt32(truncatingIfNeeded: k)))
            let d = (r1 - fr) * (r1 - fr) + (g1 - fgc) * (g1 - fgc) + (b1 - fb) * (b1 - fb)
                + (r2 - br) * (r2 - br) + (g2 - bgc) * (g2 - bgc) + (b2 - bb) * (b2 - bb)
            if d < bestD { bestD = d; best = firstPair + Int32(slot) }
        }
        return best
    }
}
