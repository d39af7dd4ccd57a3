// JPEG encode/decode for camera channels through libturbojpeg. One codec per thread (handles are not shared).
import CTurboJPEG
import RobotKit

public final class JPEGCodec {
    public struct Failure: Error, CustomStringConvertible { public var description: String }

    /// Largest image we agree to decode: a hostile header cannot make us allocate more than this.
    public static let maxPixels = 4096 * 4096

    private var compressor: tjhandle?
    private var decompressor: tjhandle?
    private var scratch: [UInt8] = []
    public var quality: Int32

    public init(quality: Int = 90) { self.quality = Int32(quality) }

    deinit {
        if let c = compressor { tjDestroy(c) }
        if let d = decompressor { tjDestroy(d) }
    }

    private func error(_ h: tjhandle?, _ what: String) -> Failure {
        Failure(description: "\(what): \(h.flatMap { tjGetErrorStr2($0) }.map { String(cString: $0) } ?? "unknown error")")
    }

    /// RGB8 → JPEG (4:2:0, fast DCT: thumbnails for humans and training, not archival).
    public func encode(_ f: Frame) throws -> [UInt8] {
        if compressor == nil { compressor = tjInitCompress() }
        guard let h = compressor else { throw Failure(description: "tjInitCompress failed") }
        let bound = Int(tjBufSize(Int32(f.width), Int32(f.height), Int32(TJSAMP_420.rawValue)))
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: bound) }
        var size: UInt = UInt(bound)
        let rc = f.pixels.withUnsafeBufferPointer { src in
            scratch.withUnsafeMutableBufferPointer { dst -> Int32 in
                var out: UnsafeMutablePointer<UInt8>? = dst.baseAddress
                return tjCompress2(h, src.baseAddress, Int32(f.width), 0, Int32(f.height), Int32(TJPF_RGB.rawValue),
                                   &out, &size, Int32(TJSAMP_420.rawValue), quality,
                                   Int32(TJFLAG_FASTDCT | TJFLAG_NOREALLOC))
            }
        }
        if rc != 0 { throw error(h, "JPEG encode") }
        return Array(scratch[0..<Int(size)])
    }

    /// JPEG → RGB8 frame. Rejects images above `maxPixels` before allocating.
    public func decode(_ jpeg: [UInt8]) throws -> Frame {
        if decompressor == nil { decompressor = tjInitDecompress() }
        guard let h = decompressor else { throw Failure(description: "tjInitDecompress failed") }
        guard !jpeg.isEmpty else { throw Failure(description: "JPEG decode: empty image") }
        var w: Int32 = 0, ht: Int32 = 0, sub: Int32 = 0, cs: Int32 = 0
        let hr = jpeg.withUnsafeBufferPointer { b in
            tjDecompressHeader3(h, b.baseAddress, UInt(b.count), &w, &ht, &sub, &cs)
        }
        if hr != 0 { throw error(h, "JPEG header") }
        guard w > 0, ht > 0, Int(w) * Int(ht) <= Self.maxPixels else {
            throw Failure(description: "JPEG decode: \(w)x\(ht) is outside 1...\(Self.maxPixels) pixels")
        }
        var pixels = [UInt8](repeating: 0, count: Int(w) * Int(ht) * 3)
        let rc = jpeg.withUnsafeBufferPointer { b in
            pixels.withUnsafeMutableBufferPointer { p in
                tjDecompress2(h, b.baseAddress, UInt(b.count), p.baseAddress, w, 0, ht, Int32(TJPF_RGB.rawValue),
                              Int32(TJFLAG_FASTDCT))
            }
        }
        if rc != 0 { throw error(h, "JPEG decode") }
        return Frame(width: Int(w), height: Int(ht), pixels: pixels)
    }
}
