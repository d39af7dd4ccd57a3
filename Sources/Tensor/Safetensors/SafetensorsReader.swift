// safetensors reader: an 8-byte little-endian header length N, N bytes of JSON
// ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the data buffer.
// Every field is checked before any byte is used: header length cap, JSON shape, known dtype, shape × dtype size
// (overflow-checked), offsets inside the buffer, and tensors contiguous and non-overlapping (the format forbids
// holes). A hostile file gives a SafetensorsError naming the file and tensor, never a crash or a huge allocation.
import Foundation

/// One tensor's place in the file.
public struct SafetensorsEntry: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    /// Byte range inside the data buffer.
    public let range: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A parsed, validated safetensors file (the bytes stay memory-mapped).
public struct SafetensorsFile: @unchecked Sendable {  // `Data` of a read-only mapping; never mutated.
    /// Largest JSON header accepted (the format's reference implementation also caps it at 100 MB).
    public static let maxHeaderBytes = 100_000_000

    /// Name used in errors (the path).
    public let fileName: String
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// Tensors by name.
    public let entries: [String: SafetensorsEntry]
    private let bytes: Data
    private let dataStart: Int

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// Maps and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw SafetensorsError(file: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        try self.init(data: data, fileName: url.path)
    }

    /// Validates in-memory bytes; `fileName` is only used in errors.
    public init(data: Data, fileName: String) throws {
        func fail(_ tensor: String?, _ msg: String) -> SafetensorsError { SafetensorsError(file: fileName, tensor: tensor, msg) }
        guard data.count >= 8 else { throw fail(nil, "file is \(data.count) bytes; a safetensors file starts with an 8-byte header length") }
        let n = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self)) }
        guard n <= UInt64(Self.maxHeaderBytes) else { throw fail(nil, "header length \(n) exceeds the \(Self.maxHeaderBytes)-byte cap (not a safetensors file?)") }
        let headerLen = Int(n)
        guard headerLen >= 2, 8 + headerLen <= data.count else {
            throw fail(nil, "header length \(headerLen) does not fit in a \(data.count)-byte file (truncated?)")
        }
        let header = data.subdata(in: data.startIndex + 8 ..< data.startIndex + 8 + headerLen)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: header) } catch {
            throw fail(nil, "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let root = json as? [String: Any] else { throw fail(nil, "header JSON is not an object") }

        let bufferLen = data.count - 8 - headerLen
        var metadata: [String: String] = [:]
        var entries: [String: SafetensorsEntry] = [:]
        for (name, value) in root {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail(nil, "__metadata__ must be an object of strings") }
                for (k, v) in map {
                    guard let s = v as? String else { throw fail(nil, "__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try Self.entry(name, value, bufferLen: bufferLen, fail: fail)
        }
        // The buffer must be covered exactly: sorted by offset, each tensor starts where the previous ended.
        var expected = 0
        for e in entries.values.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            if e.range.lowerBound < expected { throw fail(e.name, "data_offsets \(e.range) overlap the previous tensor (ends at \(expected))") }
            if e.range.lowerBound > expected { throw fail(e.name, "data_offsets \(e.range) leave a hole after byte \(expected)") }
            expected = e.range.upperBound
        }
        guard expected == bufferLen else { throw fail(nil, "tensors cover \(expected) bytes but the data buffer has \(bufferLen)") }
        self.fileName = fileName
        self.metadata = metadata
        self.entries = entries
        self.bytes = data
        self.dataStart = 8 + headerLen
    }

    private static func entry(_ name: String, _ value: Any, bufferLen: Int,
                              fail: (String?, String) -> SafetensorsError) throws -> SafetensorsEntry {
        guard let dict = value as? [String: Any] else { throw fail(name, "entry is not an object") }
        guard let dtypeName = dict["dtype"] as? String else { throw fail(name, "missing string field 'dtype'") }
        guard let dtype = DType(rawValue: dtypeName) else { throw fail(name, "unknown dtype '\(dtypeName)'") }
        guard let shapeAny = dict["shape"] as? [Any] else { throw fail(name, "missing array field 'shape'") }
        guard shapeAny.count <= 16 else { throw fail(name, "shape has \(shapeAny.count) dimensions (at most 16 supported)") }
        var shape: [Int] = []
        for d in shapeAny {
            guard let v = exactInt(d) else { throw fail(name, "shape \(shapeAny) has a dimension that is not a non-negative integer") }
            shape.append(v)
        }
        guard let offs = dict["data_offsets"] as? [Any], offs.count == 2,
              let begin = exactInt(offs[0]), let end = exactInt(offs[1]) else {
            throw fail(name, "'data_offsets' must be two non-negative integers [begin, end]")
        }
        guard begin <= end, end <= bufferLen else {
            throw fail(name, "data_offsets [\(begin), \(end)] outside the \(bufferLen)-byte data buffer (truncated file?)")
        }
        var bytes = dtype.size
        for d in shape {
            let (p, overflow) = bytes.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail(name, "shape \(shape) × \(dtype.rawValue) overflows the byte count") }
            bytes = p
        }
        guard bytes == end - begin else {
            throw fail(name, "shape \(shape) of \(dtype.rawValue) needs \(bytes) bytes but data_offsets span \(end - begin)")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, range: begin..<end)
    }

    /// A JSON number that is a non-negative integer below 2⁵³ (exactly representable), else nil.
    private static func exactInt(_ v: Any) -> Int? {
        guard let n = v as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d >= 0, d < 9_007_199_254_740_992, d == d.rounded(.towardZero) else { return nil }
        return Int(d)
    }

    /// The named tensor's values as Float (from F32, F16 or BF16).
    public func floats(_ name: String) throws -> [Float] {
        guard let e = entries[name] else { throw SafetensorsError(file: fileName, tensor: name, "not in the file") }
        guard e.dtype.isFloatStorable else {
            throw SafetensorsError(file: fileName, tensor: name, "dtype \(e.dtype.rawValue) cannot be read as float (F32, F16, BF16 only)")
        }
        var out = [Float](repeating: 0, count: e.elementCount)
        let start = dataStart + e.range.lowerBound
        bytes.withUnsafeBytes { raw in
            out.wp { dst in FloatCodec.decode(raw.baseAddress! + start, count: e.elementCount, dtype: e.dtype, into: dst) }
        }
        return out
    }

    /// The named tensor, checked against the shape the caller expects (nil: any shape).
    public func tensor(_ name: String, shape expected: [Int]? = nil, requiresGrad: Bool = false) throws -> Tensor {
        guard let e = entries[name] else { throw SafetensorsError(file: fileName, tensor: name, "not in the file") }
        if let expected, expected != e.shape {
            throw SafetensorsError(file: fileName, tensor: name, "shape \(e.shape), expected \(expected)")
        }
        return Tensor(shape: e.shape, data: try floats(name), requiresGrad: requiresGrad)
    }
}
