// Inflate (RFC 1951) for reading PNGs: canonical Huffman codes decoded bit by bit. Small and strict rather than
// fast — it reads test fixtures and snapshots, not video. Output never grows past the caller's `limit`.

enum Inflate {
    static func decompress(_ input: [UInt8], limit: Int) throws -> [UInt8] {
        var bits = BitReader(bytes: input)
        var out: [UInt8] = []
        out.reserveCapacity(min(limit, 1 << 24))
        var last = false
        while !last {
            last = try bits.read(1) == 1
            switch try bits.read(2) {
            case 0: try storedBlock(&bits, &out, limit: limit)
            case 1: try codedBlock(&bits, &out, literals: fixedLiterals, distances: fixedDistances, limit: limit)
            case 2:
                let (literals, distances) = try dynamicTables(&bits)
                try codedBlock(&bits, &out, literals: literals, distances: distances, limit: limit)
            default: throw PNGError.malformed("deflate block type 3 is reserved")
            }
        }
        return out
    }

    static let fixedLiterals = Huffman(lengths: (0..<288).map { $0 < 144 ? 8 : $0 < 256 ? 9 : $0 < 280 ? 7 : 8 })
    static let fixedDistances = Huffman(lengths: [Int](repeating: 5, count: 30))

    static func storedBlock(_ bits: inout BitReader, _ out: inout [UInt8], limit: Int) throws {
        bits.alignToByte()
        let length = try bits.read(16), complement = try bits.read(16)
        guard length == ~complement & 0xFFFF else { throw PNGError.malformed("stored block length check failed") }
        guard out.count + length <= limit else { throw PNGError.malformed("image data longer than its header says") }
        for _ in 0..<length { out.append(UInt8(try bits.read(8))) }
    }

    static func codedBlock(_ bits: inout BitReader, _ out: inout [UInt8], literals: Huffman, distances: Huffman,
                           limit: Int) throws {
        while true {
            let symbol = try literals.decode(&bits)
            if symbol < 256 {
                guard out.count < limit else { throw PNGError.malformed("image data longer than its header says") }
                out.append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let code = symbol - 257
            guard code < Deflate.lengthBase.count else { throw PNGError.malformed("bad length symbol \(symbol)") }
            let length = Deflate.lengthBase[code] + (try bits.read(Deflate.lengthExtra[code]))
            let dcode = try distances.decode(&bits)
            guard dcode < Deflate.distanceBase.count else { throw PNGError.malformed("bad distance symbol \(dcode)") }
            let distance = Deflate.distanceBase[dcode] + (try bits.read(Deflate.distanceExtra[dcode]))
            guard distance <= out.count else { throw PNGError.malformed("distance \(distance) reaches before the start") }
            guard out.count + length <= limit else { throw PNGError.malformed("image data longer than its header says") }
            for _ in 0..<length { out.append(out[out.count - distance]) }
        }
    }

    static func dynamicTables(_ bits: inout BitReader) throws -> (Huffman, Huffman) {
        let literalCount = try bits.read(5) + 257, distanceCount = try bits.read(5) + 1
        let codeLengthCount = try bits.read(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw PNGError.malformed("too many deflate codes") }
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for k in 0..<codeLengthCount { codeLengthLengths[order[k]] = try bits.read(3) }
        let codeLengths = Huffman(lengths: codeLengthLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengths.decode(&bits)
            switch symbol {
            case 0...15: lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw PNGError.malformed("repeat with no previous length") }
                lengths += [Int](repeating: previous, count: 3 + (try bits.read(2)))
            case 17: lengths += [Int](repeating: 0, count: 3 + (try bits.read(3)))
            default: lengths += [Int](repeating: 0, count: 11 + (try bits.read(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw PNGError.malformed("code lengths overrun") }
        guard lengths[256] > 0 else { throw PNGError.malformed("no end-of-block code") }
        return (Huffman(lengths: Array(lengths[0..<literalCount])), Huffman(lengths: Array(lengths[literalCount...])))
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman: Sendable {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []

    init(lengths: [Int]) {
        for l in lengths where l > 0 && l < 16 { counts[l] += 1 }
        // Symbols sorted by (length, value).
        symbols = []
        for l in 1..<16 { for (s, len) in lengths.enumerated() where len == l { symbols.append(s) } }
    }

    func decode(_ bits: inout BitReader) throws -> Int {
        var code = 0, first = 0, index = 0
        for length in 1..<16 {
            code |= try bits.read(1)
            let count = counts[length]
            if code - first < count { return symbols[index + code - first] }
            index += count
            first = (first + count) << 1
            code <<= 1
        }
        throw PNGError.malformed("invalid Huffman code in deflate data")
    }
}

/// Reads bits least significant first, as deflate streams are laid out.
struct BitReader {
    let bytes: [UInt8]
    private var position = 0   // in bits

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func read(_ count: Int) throws -> Int {
        var value = 0
        for k in 0..<count {
            let byteIndex = position >> 3
            guard byteIndex < bytes.count else { throw PNGError.malformed("deflate data ends early") }
            value |= Int((bytes[byteIndex] >> UInt8(position & 7)) & 1) << k
            position += 1
        }
        return value
    }

    mutating func alignToByte() { position = (position + 7) & ~7 }
}
