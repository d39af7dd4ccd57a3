// A small Parquet writer: one row group, PLAIN values, RLE levels, zstd pages (data page v1), and a Thrift
// compact FileMetaData footer. Columns: required scalars (int64, float, double, bool, UTF-8 string),
// optional LIST columns in the standard 3-level layout, and nullable {bytes, path} structs for images
// (the Hugging Face `Image` feature that LeRobot's dtype "image" maps to).

public enum ParquetValues: Sendable {
    case int64([Int64]), float32([Float]), float64([Double]), bool([Bool]), string([String])
    case float32List([[Float]]), float64List([[Double]]), int64List([[Int64]]), stringList([[String]])
    /// Image cells: encoded image bytes plus an optional path (HF `Image` storage).
    case image([(bytes: [UInt8], path: String?)])

    var count: Int {
        switch self {
        case .int64(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        case .float32List(let v): v.count
        case .float64List(let v): v.count
        case .int64List(let v): v.count
        case .stringList(let v): v.count
        case .image(let v): v.count
        }
    }
}

public struct ParquetColumn: Sendable {
    public var name: String
    public var values: ParquetValues
    public init(_ name: String, _ values: ParquetValues) { self.name = name; self.values = values }
}

public struct ParquetError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

public enum ParquetWriter {
    enum Physical: Int32 { case boolean = 0, int32 = 1, int64 = 2, float = 4, double = 5, byteArray = 6 }

    /// One leaf column: how to encode a range of rows into (level count, rep levels, def levels, PLAIN values).
    struct Leaf {
        var path: [String]
        var type: Physical
        var maxDef: Int
        var maxRep: Int
        var rows: Int
        var rowBytes: (Int) -> Int
        var encode: (Range<Int>) -> (count: Int, rep: [UInt8], def: [UInt8], values: [UInt8])
    }

    /// Encodes `columns` (all the same length) as a complete Parquet file.
    /// Pages close once they reach `pageBytes` of values (always at a row boundary).
    public static func encode(_ columns: [ParquetColumn], keyValue: [(String, String)] = [], compress: Bool = true,
                              pageBytes: Int = 1 << 20) throws -> [UInt8] {
        let rows = columns.first?.values.count ?? 0
        for c in columns where c.values.count != rows {
            throw ParquetError("column \(c.name) has \(c.values.count) rows, expected \(rows)")
        }
        var out: [UInt8] = Array("PAR1".utf8)
        var chunks: [(leaf: Leaf, offset: Int, numValues: Int, uncompressed: Int, compressed: Int)] = []
        for c in columns {
            for leaf in leaves(c) {
                let start = out.count
                var numValues = 0, uncompressed = 0
                var row = 0
                repeat {   // at least one page, even for zero rows
                    var end = row, bytes = 0
                    while end < rows && (end == row || bytes < pageBytes) { bytes += leaf.rowBytes(end); end += 1 }
                    let page = leaf.encode(row..<end)
                    var body: [UInt8] = []
                    if leaf.maxRep > 0 { appendLevels(page.rep, maxLevel: leaf.maxRep, to: &body) }
                    if leaf.maxDef > 0 { appendLevels(page.def, maxLevel: leaf.maxDef, to: &body) }
                    body += page.values
                    let stored = compress ? try Zstd.compress(body[...], level: 3) : body
                    var h = ThriftWriter()
                    h.i32(1, 0)                                   // type: DATA_PAGE
                    h.i32(2, Int32(body.count)); h.i32(3, Int32(stored.count))
                    h.structField(5) {                            // DataPageHeader
                        $0.i32(1, Int32(page.count)); $0.i32(2, 0)   // num_values, encoding PLAIN
                        $0.i32(3, 3); $0.i32(4, 3)                // definition / repetition levels: RLE
                    }
                    h.stop()
                    out += h.bytes; out += stored
                    numValues += page.count
                    uncompressed += h.bytes.count + body.count
                    row = end
                } while row < rows
                chunks.append((leaf, start, numValues, uncompressed, out.count - start))
            }
        }
        var m = ThriftWriter()
        m.i32(1, 1)                                               // version
        let schema = schemaElements(columns)
        m.structList(2, schema) { w, e in e(&w) }
        m.i64(3, Int64(rows))
        m.structList(4, [0]) { w, _ in                            // one row group
            w.structList(1, chunks) { w, c in
                w.i64(2, Int64(c.offset))                         // file_offset
                w.structField(3) { w in                           // ColumnMetaData
                    w.i32(1, c.leaf.type.rawValue)
                    w.i32List(2, [0, 3])                          // PLAIN, RLE
                    w.stringList(3, c.leaf.path)
                    w.i32(4, compress ? 6 : 0)                    // ZSTD / UNCOMPRESSED
                    w.i64(5, Int64(c.numValues))
                    w.i64(6, Int64(c.uncompressed)); w.i64(7, Int64(c.compressed))
                    w.i64(9, Int64(c.offset))                     // data_page_offset
                }
            }
            w.i64(2, Int64(chunks.map(\.uncompressed).reduce(0, +)))
            w.i64(3, Int64(rows))
        }
        if !keyValue.isEmpty {
            m.structList(5, keyValue) { w, kv in w.string(1, kv.0); w.string(2, kv.1) }
        }
        m.string(6, "vlaterm parquet writer")
        m.stop()
        out += m.bytes
        var n = ByteWriter(); n.u32(UInt32(m.bytes.count))
        out += n.bytes
        out += Array("PAR1".utf8)
        return out
    }

    /// RLE/bit-packed hybrid with RLE runs only, prefixed by its byte length (data page v1 layout).
    static func appendLevels(_ levels: [UInt8], maxLevel: Int, to out: inout [UInt8]) {
        let width = (maxLevel + 1).bitWidthNeeded
        var body = ThriftWriter()   // reuse its varint
        var i = 0
        while i < levels.count {
            var j = i + 1
            while j < levels.count && levels[j] == levels[i] { j += 1 }
            body.varint(UInt64(j - i) << 1)
            for k in 0..<((width + 7) / 8) { body.bytes.append(k == 0 ? levels[i] : 0) }
            i = j
        }
        var n = ByteWriter(); n.u32(UInt32(body.bytes.count))
        out += n.bytes; out += body.bytes
    }

    // MARK: schema

    static func schemaElements(_ columns: [ParquetColumn]) -> [(inout ThriftWriter) -> Void] {
        // SchemaElement: 1 type, 3 repetition_type (0 REQUIRED, 1 OPTIONAL, 2 REPEATED), 4 name, 5 num_children,
        // 6 converted_type (0 UTF8, 3 LIST), 10 logicalType (union: 1 STRING, 3 LIST).
        func leaf(_ name: String, _ t: Physical, _ rep: Int32, utf8: Bool = false) -> (inout ThriftWriter) -> Void {
            { w in
                w.i32(1, t.rawValue); w.i32(3, rep); w.string(4, name)
                if utf8 { w.i32(6, 0); w.structField(10) { $0.structField(1) { _ in } } }
            }
        }
        func group(_ name: String, _ rep: Int32, children: Int32, list: Bool = false) -> (inout ThriftWriter) -> Void {
            { w in
                w.i32(3, rep); w.string(4, name); w.i32(5, children)
                if list { w.i32(6, 3); w.structField(10) { $0.structField(3) { _ in } } }
            }
        }
        var out: [(inout ThriftWriter) -> Void] = [{ w in w.string(4, "schema"); w.i32(5, Int32(columns.count)) }]
        for c in columns {
            switch c.values {
            case .int64: out.append(leaf(c.name, .int64, 0))
            case .float32: out.append(leaf(c.name, .float, 0))
            case .float64: out.append(leaf(c.name, .double, 0))
            case .bool: out.append(leaf(c.name, .boolean, 0))
            case .string: out.append(leaf(c.name, .byteArray, 0, utf8: true))
            case .float32List, .float64List, .int64List, .stringList:
                out.append(group(c.name, 1, children: 1, list: true))
                out.append(group("list", 2, children: 1))
                switch c.values {
                case .float32List: out.append(leaf("element", .float, 0))
                case .float64List: out.append(leaf("element", .double, 0))
                case .int64List: out.append(leaf("element", .int64, 0))
                default: out.append(leaf("element", .byteArray, 0, utf8: true))
                }
            case .image:
                out.append(group(c.name, 1, children: 2))
                out.append(leaf("bytes", .byteArray, 1))
                out.append(leaf("path", .byteArray, 1, utf8: true))
            }
        }
        return out
    }

    // MARK: leaves

    static func leaves(_ c: ParquetColumn) -> [Leaf] {
        func scalar<T>(_ v: [T], _ t: Physical, size: Int, _ put: @escaping (inout ByteWriter, T) -> Void) -> Leaf {
            Leaf(path: [c.name], type: t, maxDef: 0, maxRep: 0, rows: v.count, rowBytes: { _ in size }) { r in
                var w = ByteWriter(capacity: r.count * size)
                for i in r { put(&w, v[i]) }
                return (r.count, [], [], w.bytes)
            }
        }
        func list<T>(_ v: [[T]], _ t: Physical, size: @escaping (T) -> Int, _ put: @escaping (inout ByteWriter, T) -> Void) -> Leaf {
            Leaf(path: [c.name, "list", "element"], type: t, maxDef: 2, maxRep: 1, rows: v.count,
                 rowBytes: { i in v[i].reduce(2) { $0 + size($1) } }) { r in
                var w = ByteWriter(), rep: [UInt8] = [], def: [UInt8] = []
                for i in r {
                    if v[i].isEmpty { rep.append(0); def.append(1); continue }   // empty list: defined, no element
                    for (k, x) in v[i].enumerated() { rep.append(k == 0 ? 0 : 1); def.append(2); put(&w, x) }
                }
                return (rep.count, rep, def, w.bytes)
            }
        }
        let putString: (inout ByteWriter, String) -> Void = { w, s in w.bytes32(Array(s.utf8)) }
        switch c.values {
        case .int64(let v): return [scalar(v, .int64, size: 8) { $0.u64(UInt64(bitPattern: $1)) }]
        case .float32(let v): return [scalar(v, .float, size: 4) { $0.u32($1.bitPattern) }]
        case .float64(let v): return [scalar(v, .double, size: 8) { $0.u64($1.bitPattern) }]
        case .string(let v):
            return [Leaf(path: [c.name], type: .byteArray, maxDef: 0, maxRep: 0, rows: v.count, rowBytes: { v[$0].utf8.count + 4 }) { r in
                var w = ByteWriter(); for i in r { putString(&w, v[i]) }; return (r.count, [], [], w.bytes)
            }]
        case .bool(let v):
            return [Leaf(path: [c.name], type: .boolean, maxDef: 0, maxRep: 0, rows: v.count, rowBytes: { _ in 1 }) { r in
                var bits = [UInt8](repeating: 0, count: (r.count + 7) / 8)
                for (k, i) in r.enumerated() where v[i] { bits[k / 8] |= 1 << UInt8(k % 8) }
                return (r.count, [], [], bits)
            }]
        case .float32List(let v): return [list(v, .float, size: { _ in 4 }) { $0.u32($1.bitPattern) }]
        case .float64List(let v): return [list(v, .double, size: { _ in 8 }) { $0.u64($1.bitPattern) }]
        case .int64List(let v): return [list(v, .int64, size: { _ in 8 }) { $0.u64(UInt64(bitPattern: $1)) }]
        case .stringList(let v): return [list(v, .byteArray, size: { $0.utf8.count + 4 }, putString)]
        case .image(let v):
            let bytes = Leaf(path: [c.name, "bytes"], type: .byteArray, maxDef: 2, maxRep: 0, rows: v.count,
                             rowBytes: { v[$0].bytes.count + 4 }) { r in
                var w = ByteWriter(); for i in r { w.bytes32(v[i].bytes) }
                return (r.count, [], [UInt8](repeating: 2, count: r.count), w.bytes)
            }
            let path = Leaf(path: [c.name, "path"], type: .byteArray, maxDef: 2, maxRep: 0, rows: v.count,
                            rowBytes: { (v[$0].path?.utf8.count ?? 0) + 4 }) { r in
                var w = ByteWriter(), def: [UInt8] = []
                for i in r { if let p = v[i].path { putString(&w, p); def.append(2) } else { def.append(1) } }
                return (r.count, [], def, w.bytes)
            }
            return [bytes, path]
        }
    }
}

extension Int {
    /// Bits needed to store values 0..<self (the RLE bit width of levels 0...maxLevel is (maxLevel+1).bitWidthNeeded).
    var bitWidthNeeded: Int { self <= 1 ? 0 : Int.bitWidth - (self - 1).leadingZeroBitCount }
}
