// safetensors writer: tensors sorted by name, contiguous, header JSON padded with spaces to 8 bytes (so the
// data buffer is aligned), written to a temporary file, fsynced and renamed so a crash never leaves half a file.
import Foundation

public enum Safetensors {
    /// Serialises named tensors as `dtype` (F32, F16 or BF16) with a `__metadata__` string map.
    public static func encode(_ tensors: [String: Tensor], dtype: DType = .f32, metadata: [String: String] = [:]) throws -> Data {
        guard dtype.isFloatStorable else {
            throw SafetensorsError(file: "(encoding)", "cannot store float tensors as \(dtype.rawValue); use F32, F16 or BF16")
        }
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var body: [UInt8] = []
        for name in tensors.keys.sorted() {
            guard name != "__metadata__" else { throw SafetensorsError(file: "(encoding)", tensor: name, "reserved name") }
            let t = tensors[name]!
            let begin = body.count
            FloatCodec.encode(t.data, as: dtype, into: &body)
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [begin, body.count]] as [String: Any]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data(capacity: 8 + json.count + body.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(contentsOf: body)
        return out
    }

    /// Writes named tensors to `url` atomically (temp file + fsync + rename).
    public static func write(_ tensors: [String: Tensor], to url: URL, dtype: DType = .f32,
                             metadata: [String: String] = [:]) throws {
        let data = try encode(tensors, dtype: dtype, metadata: metadata)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
                throw SafetensorsError(file: url.path, "cannot create \(tmp.path) (does the folder exist and is it writable?)")
            }
            let fh = try FileHandle(forWritingTo: tmp)
            try fh.write(contentsOf: data)
            try fh.synchronize()
            try fh.close()
            if rename(tmp.path, url.path) != 0 {
                throw SafetensorsError(file: url.path, "cannot rename \(tmp.path) into place (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            if let e = error as? SafetensorsError { throw e }
            throw SafetensorsError(file: url.path, "cannot write (\(error.localizedDescription))")
        }
    }
}
