// PNG encoding of RGB8 frames in pure Swift, so snapshots need no image library.
//
// Layout (PNG 1.2 / RFC 2083): signature, IHDR, one IDAT holding a zlib stream (RFC 1950) of the filtered
// scanlines compressed by our own deflate (RFC 1951: LZ77 + fixed Huffman codes), IEND. Each scanline takes
// the filter (None, Sub, Up, Average, Paeth) with the smallest sum of absolute bytes, the usual heuristic.
import Foundation

public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file bytes of an RGB8 frame.
    public static func encode(_ frame: Frame) -> [UInt8] {
        encode(rgb: frame.pixels, width: frame.width, height: frame.height)
    }

    /// The PNG file bytes of `width * height` RGB8 pixels, row-major from the top-left.
    public static func encode(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3, "PNG.encode: pixel count mismatch")
        var out = signature
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, 2, 0, 0, 0]   // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &out)
        let scanlines = filterScanlines(rgb: rgb, width: width, height: height)
        appendChunk("IDAT", zlibCompress(scanlines), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// Writes a frame as a PNG file (atomically, so a reader never sees half an image).
    public static func write(_ frame: Frame, to url: URL) throws {
        try Data(encode(frame)).write(to: url, options: .atomic)
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &out)
        let typeBytes = Array(type.utf8)
        var crc = CRC32()
        crc.update(typeBytes)
        crc.update(data)
        out += typeBytes
        out += data
        appendBigEndian(crc.value, to: &out)
    }

    static func appendBigEndian(_ v: UInt32, to out: inout [UInt8]) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// Each row prefixed by its filter type byte.
    static func filterScanlines(rgb: [UInt8], width: Int, height: Int) -> [UInt8] {
        let stride = width * 3
        var out = [UInt8](repeating: 0, count: (stride + 1) * height)
        var candidate = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        rgb.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                candidate.withUnsafeMutableBufferPointer { cand in
                    zeros.withUnsafeBufferPointer { zero in
                        guard let s = src.baseAddress, let d = dst.baseAddress, let c = cand.baseAddress,
                              let z = zero.baseAddress else { return }
                        for y in 0..<height {
                            let row = s + y * stride
                            let above = y > 0 ? s + (y - 1) * stride : z
                            let target = d + y * (stride + 1)
                            var bestCost = Int.max
                            for type in UInt8(0)...4 {
                                let cost = applyFilter(type, row: row, above: above, stride: stride, into: c)
                                if cost < bestCost {
                                    bestCost = cost
                                    target[0] = type
                                    (target + 1).update(from: c, count: stride)
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Writes one row filtered with `type` into `out` and returns its cost: the sum of the residuals read as
    /// signed distances from zero (small residuals compress best). One loop per filter type, and the first
    /// pixel (which has no left neighbour) apart, so the per-byte loop has no branches.
    @inline(__always)
    static func applyFilter(_ type: UInt8, row: UnsafePointer<UInt8>, above: UnsafePointer<UInt8>, stride: Int,
                            into out: UnsafeMutablePointer<UInt8>) -> Int {
        var cost = 0
        @inline(__always) func put(_ i: Int, _ r: UInt8) {
            out[i] = r
            cost &+= abs(Int(Int8(bitPattern: r)))
        }
        let head = min(3, stride)
        for i in 0..<head { put(i, row[i] &- predictor(type, 0, above[i], 0)) }
        guard stride > 3 else { return cost }
        switch type {
        case 0: for i in 3..<stride { put(i, row[i]) }
        case 1: for i in 3..<stride { put(i, row[i] &- row[i - 3]) }
        case 2: for i in 3..<stride { put(i, row[i] &- above[i]) }
        case 3: for i in 3..<stride { put(i, row[i] &- UInt8((UInt16(row[i - 3]) + UInt16(above[i])) >> 1)) }
        default: for i in 3..<stride { put(i, row[i] &- predictor(4, row[i - 3], above[i], above[i - 3])) }
        }
        return cost
    }

    /// PNG's filter predictors from the left (a), above (b) and upper-left (c) bytes.
    @inline(__always) static func predictor(_ type: UInt8, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        switch type {
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        case 4:
            let p = Int(a) + Int(b) - Int(c)
            let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
            if pa <= pb && pa <= pc { return a }
            return pb <= pc ? b : c
        default: return 0
        }
    }

    /// A zlib stream: header (32 KiB window, no dictionary), deflate data, Adler-32 of the input.
    static func zlibCompress(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // (0x78 * 256 + 0x01) % 31 == 0, as RFC 1950 requires
        out += Deflate.compress(data)
        var adler = Adler32()
        adler.update(data)
        appendBigEndian(adler.value, to: &out)
        return out
    }
}

/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as PNG chunks carry it.
public struct CRC32: Sendable {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    private var crc: UInt32 = 0xFFFF_FFFF
    public init() {}
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        let t = Self.table
        for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    }
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

/// Adler-32 (RFC 1950), the zlib stream's checksum.
public struct Adler32: Sendable {
    private var a: UInt32 = 1, b: UInt32 = 0
    public init() {}
    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        var n = 0
        for byte in bytes {
            a += UInt32(byte); b += a
            n += 1
            if n == 5552 { a %= 65521; b %= 65521; n = 0 }   // the largest run that cannot overflow 32 bits
        }
        a %= 65521; b %= 65521
    }
    public var value: UInt32 { (b << 16) | a }
}
