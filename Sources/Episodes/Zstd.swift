// zstd through libzstd, for MCAP chunks and Parquet pages.
import CZstd

public enum Zstd {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compresses `input` at `level` (1 is fast and already shrinks state data a lot; images are JPEG already).
    public static func compress(_ input: ArraySlice<UInt8>, level: Int32 = 1) throws -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_compress(dst.baseAddress, bound, src.baseAddress, src.count, level) }
        }
        if ZSTD_isError(n) != 0 { throw Failure(description: "zstd compress: \(String(cString: ZSTD_getErrorName(n)))") }
        out.removeSubrange(n...)
        return out
    }

    /// Decompresses one frame whose decompressed size the container already told us.
    /// `expectedSize` is checked against a cap first, so a hostile header cannot make us allocate gigabytes.
    public static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int, maxSize: Int = 1 << 30) throws -> [UInt8] {
        guard expectedSize >= 0, expectedSize <= maxSize else {
            throw Failure(description: "zstd: declared size \(expectedSize) exceeds the \(maxSize)-byte limit")
        }
        if expectedSize == 0 { return [] }
        var out = [UInt8](repeating: 0, count: expectedSize)
        let n = out.withUnsafeMutableBytes { dst in
            input.withUnsafeBytes { src in ZSTD_decompress(dst.baseAddress, expectedSize, src.baseAddress, src.count) }
        }
        if ZSTD_isError(n) != 0 { throw Failure(description: "zstd decompress: \(String(cString: ZSTD_getErrorName(n)))") }
        guard n == expectedSize else { throw Failure(description: "zstd: got \(n) bytes, header said \(expectedSize)") }
        return out
    }
}
