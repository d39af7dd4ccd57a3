// safetensors element types and the float conversions we support (F32, F16, BF16 ↔ Float).

/// An element type named in a safetensors header.
public enum DType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"
    case u16 = "U16", u32 = "U32", u64 = "U64"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// Whether vlaterm can read it as Float (and write Float as it).
    public var isFloatStorable: Bool { self == .f32 || self == .f16 || self == .bf16 }
}

enum FloatCodec {
    /// Decodes `count` little-endian elements of `dtype` at `src` (any alignment) into Floats.
    static func decode(_ src: UnsafeRawPointer, count: Int, dtype: DType, into dst: UnsafeMutablePointer<Float>) {
        switch dtype {
        case .f32:
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            #if _endian(big)
            for i in 0..<count { dst[i] = Float(bitPattern: UInt32(littleEndian: dst[i].bitPattern)) }
            #endif
        case .f16:
            for i in 0..<count {
                dst[i] = Float(Float16(bitPattern: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            }
        case .bf16:
            for i in 0..<count {
                let b = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                dst[i] = Float(bitPattern: UInt32(b) << 16)
            }
        default:
            preconditionFailure("FloatCodec.decode: \(dtype) is not a float storage type (checked by the reader)")
        }
    }

    /// Appends Floats encoded as little-endian `dtype` (F32, F16 or BF16, round-to-nearest-even).
    static func encode(_ values: [Float], as dtype: DType, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + values.count * dtype.size)
        switch dtype {
        case .f32:
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .f16:
            for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .bf16:
            for v in values { withUnsafeBytes(of: bfloat16Bits(v).littleEndian) { out.append(contentsOf: $0) } }
        default:
            preconditionFailure("FloatCodec.encode: \(dtype) is not a float storage type")
        }
    }

    /// Float → bfloat16 bits with round-to-nearest-even; NaN stays a quiet NaN.
    static func bfloat16Bits(_ v: Float) -> UInt16 {
        if v.isNaN { return 0x7FC0 }
        let bits = v.bitPattern
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
