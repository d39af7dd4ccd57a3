// Reading PNGs back: 8-bit RGB, non-interlaced (what `PNG.encode` writes), with every CRC, the zlib header and
// the Adler-32 checked, so tests and tools can verify snapshots byte for byte. Inflate (RFC 1951) handles stored,
// fixed and dynamic Huffman blocks, so files from other encoders of that format load too.
// Hostile files give a `PNGError` naming what is wrong; output size is bounded by the header before inflating.

public enum PNGError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .malformed(what): return "not a valid PNG: \(what)"
        case let .unsupported(what): return "PNG feature not supported (8-bit RGB, non-interlaced only): \(what)"
        }
    }
}

extension PNG {
    /// Largest image `decode` accepts, so a hostile header cannot ask for gigabytes.
    public static let maxDecodedPixels = 16_777_216

    /// Decodes a PNG written by `encode` (8-bit RGB, non-interlaced) into a frame.
    public static func decode(_ bytes: [UInt8]) throws -> Frame {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw PNGError.malformed("bad signature") }
        var offset = 8
        var width = 0, height = 0
        var compressed: [UInt8] = []
        var sawHeader = false, sawEnd = false
        while offset < bytes.count && !sawEnd {
            guard bytes.count - offset >= 12 else { throw PNGError.malformed("truncated chunk at byte \(offset)") }
            let length = Int(readBigEndian(bytes, offset))
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= bytes.count - offset - 12 else {
                throw PNGError.malformed("chunk \(type) at byte \(offset) runs past the end of the file")
            }
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            var crc = CRC32()
            crc.update(typeBytes)
            crc.update(data)
            guard crc.value == readBigEndian(bytes, offset + 8 + length) else {
                throw PNGError.malformed("CRC mismatch in chunk \(type) at byte \(offset)")
            }
            switch type {
            case "IHDR":
                guard length == 13 else { throw PNGError.malformed("IHDR has \(length) bytes, expected 13") }
                width = Int(readBigEndian(data, 0)); height = Int(readBigEndian(data, 4))
                guard width > 0, height > 0, width <= maxDecodedPixels / height else {
                    throw PNGError.malformed("image size \(width)x\(height) is zero or too large")
                }
                guard data[8] == 8, data[9] == 2 else {
                    throw PNGError.unsupported("bit depth \(data[8]), colour type \(data[9])")
                }
                guard data[10] == 0, data[11] == 0, data[12] == 0 else {
                    throw PNGError.unsupported("compression/filter/interlace \(data[10])/\(data[11])/\(data[12])")
                }
                sawHeader = true
            case "IDAT":
                guard sawHeader else { throw PNGError.malformed("IDAT before IHDR") }
                compressed += data
            case "IEND":
                sawEnd = true
            default:
                break   // ancillary chunks carry nothing we need
            }
            offset += length + 12
        }
        guard sawHeader else { throw PNGError.malformed("no IHDR chunk") }
        guard sawEnd else { throw PNGError.malformed("no IEND chunk") }
        let stride = width * 3
        let raw = try zlibDecompress(compressed, expectedSize: (stride + 1) * height)
        return Frame(width: width, height: height, pixels: try unfilter(raw, width: width, height: height))
    }

    static func readBigEndian(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func zlibDecompress(_ data: [UInt8], expectedSize: Int) throws -> [UInt8] {
        guard data.count >= 6 else { throw PNGError.malformed("zlib stream of \(data.count) bytes is too short") }
        guard data[0] & 0x0F == 8, (Int(data[0]) << 8 | Int(data[1])) % 31 == 0 else {
            throw PNGError.malformed("bad zlib header")
        }
        guard data[1] & 0x20 == 0 else { throw PNGError.unsupported("zlib preset dictionary") }
        let out = try Inflate.decompress(Array(data[2..<(data.count - 4)]), limit: expectedSize)
        guard out.count == expectedSize else {
            throw PNGError.malformed("image data has \(out.count) bytes, header implies \(expectedSize)")
        }
        var adler = Adler32()
        adler.update(out)
        guard adler.value == readBigEndian(data, data.count - 4) else { throw PNGError.malformed("Adler-32 mismatch") }
        return out
    }

    static func unfilter(_ raw: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let stride = width * 3
        var out = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let type = raw[y * (stride + 1)]
            guard type <= 4 else { throw PNGError.malformed("row \(y) has filter type \(type)") }
            for i in 0..<stride {
                let a = i >= 3 ? out[y * stride + i - 3] : 0
                let b = y > 0 ? out[(y - 1) * stride + i] : 0
                let c = (i >= 3 && y > 0) ? out[(y - 1) * stride + i - 3] : 0
                out[y * stride + i] = raw[y * (stride + 1) + 1 + i] &+ predictor(type, a, b, c)
            }
        }
        return out
    }
}
