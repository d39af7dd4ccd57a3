// Deflate compression (RFC 1951) for PNG: greedy LZ77 over a 32 KiB window, coded as one block with the fixed
// Huffman codes (no code tables to transmit; camera frames have long runs that LZ77 alone shrinks well).

enum Deflate {
    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                                    99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                      1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
                                       12, 12, 13, 13]

    static let window = 32768
    static let minMatch = 3
    static let maxMatch = 258
    /// How many earlier positions with the same 3-byte hash to try; more compresses a little better, slower.
    static let maxChain = 16
    /// A match this long is good enough: stop walking the chain (zlib's "nice length"). Without it, long runs
    /// that end just short of the maximum make every candidate compare hundreds of bytes.
    static let niceLength = 48

    static func compress(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)   // BFINAL: this is the last block
        bits.write(1, count: 2)   // BTYPE 01: fixed Huffman codes
        let n = data.count
        let hashSize = 1 << 15
        let head = UnsafeMutablePointer<Int32>.allocate(capacity: hashSize)
        head.initialize(repeating: -1, count: hashSize)
        let previous = UnsafeMutablePointer<Int32>.allocate(capacity: window)
        previous.initialize(repeating: -1, count: window)
        defer { head.deallocate(); previous.deallocate() }
        data.withUnsafeBufferPointer { d in
            @inline(__always) func hash(_ i: Int) -> Int {
                (Int(d[i]) << 10 ^ Int(d[i + 1]) << 5 ^ Int(d[i + 2])) & (hashSize - 1)
            }
            @inline(__always) func insert(_ i: Int) {
                guard i + 2 < n else { return }
                let h = hash(i)
                previous[i & (window - 1)] = head[h]
                head[h] = Int32(i)
            }
            var i = 0
            while i < n {
                var bestLength = 0, bestDistance = 0
                if i + 2 < n {
                    var candidate = Int(head[hash(i)])
                    var chain = maxChain
                    let limit = min(maxMatch, n - i)
                    while candidate >= 0 && i - candidate <= window && chain > 0 {
                        var length = 0
                        while length < limit && d[candidate + length] == d[i + length] { length += 1 }
                        if length > bestLength { bestLength = length; bestDistance = i - candidate }
                        if length >= min(limit, niceLength) { break }
                        let next = Int(previous[candidate & (window - 1)])
                        // Older entries only; a slot overwritten by a newer position ends the chain.
                        if next >= candidate { break }
                        candidate = next
                        chain -= 1
                    }
                }
                if bestLength >= minMatch {
                    writeLength(bestLength, to: &bits)
                    writeDistance(bestDistance, to: &bits)
                    for k in i..<(i + bestLength) { insert(k) }
                    i += bestLength
                } else {
                    writeLiteralOrLength(Int(d[i]), to: &bits)
                    insert(i)
                    i += 1
                }
            }
        }
        writeLiteralOrLength(256, to: &bits)   // end of block
        return bits.finish()
    }

    /// Fixed literal/length code (RFC 1951 3.2.6), sent most significant bit first.
    static func writeLiteralOrLength(_ symbol: Int, to bits: inout BitWriter) {
        switch symbol {
        case 0...143: bits.writeHuffman(0x30 + symbol, count: 8)
        case 144...255: bits.writeHuffman(0x190 + symbol - 144, count: 9)
        case 256...279: bits.writeHuffman(symbol - 256, count: 7)
        default: bits.writeHuffman(0xC0 + symbol - 280, count: 8)
        }
    }

    static func writeLength(_ length: Int, to bits: inout BitWriter) {
        var code = lengthBase.count - 1
        while lengthBase[code] > length { code -= 1 }
        writeLiteralOrLength(257 + code, to: &bits)
        bits.write(UInt32(length - lengthBase[code]), count: lengthExtra[code])
    }

    static func writeDistance(_ distance: Int, to bits: inout BitWriter) {
        var code = distanceBase.count - 1
        while distanceBase[code] > distance { code -= 1 }
        bits.writeHuffman(code, count: 5)
        bits.write(UInt32(distance - distanceBase[code]), count: distanceExtra[code])
    }
}

/// Packs bits least significant first into bytes, as deflate streams are laid out.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var used = 0

    mutating func write(_ value: UInt32, count: Int) {
        guard count > 0 else { return }
        buffer |= UInt64(value & UInt32(truncatingIfNeeded: (1 << count) - 1)) << UInt64(used)
        used += count
        while used >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            used -= 8
        }
    }

    /// Huffman codes are defined most significant bit first: reverse before packing.
    mutating func writeHuffman(_ code: Int, count: Int) {
        var reversed: UInt32 = 0
        for k in 0..<count where code & (1 << k) != 0 { reversed |= 1 << UInt32(count - 1 - k) }
        write(reversed, count: count)
    }

    mutating func finish() -> [UInt8] {
        if used > 0 { bytes.append(UInt8(buffer & 0xFF)); buffer = 0; used = 0 }
        return bytes
    }
}
