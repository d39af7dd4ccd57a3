// Reads a Parquet file's footer (FileMetaData) from untrusted bytes: the schema, row count, column chunk
// locations and key/value metadata, each offset and size checked against the file. Used to validate our own
// exports and to read them back in tests; it does not decode column pages.

public struct ParquetFileInfo: Sendable {
    public struct SchemaNode: Sendable, Equatable {
        public var name: String
        public var physicalType: Int?
        public var repetition: Int?
        public var children: Int
    }
    public struct ColumnChunk: Sendable {
        public var path: [String]
        public var physicalType: Int
        public var codec: Int
        public var numValues: Int
        public var dataPageOffset: Int
        public var compressedSize: Int
    }
    public var numRows: Int
    public var schema: [SchemaNode]
    public var columns: [ColumnChunk]
    public var keyValue: [String: String]
    /// Top-level column names (children of the schema root, in order).
    public var topLevelNames: [String] {
        var out: [String] = []
        var i = 1
        while i < schema.count {   // iterative, so a hostile deep schema cannot overflow the stack
            out.append(schema[i].name)
            var pending = schema[i].children
            i += 1
            while pending > 0 && i < schema.count { pending += schema[i].children - 1; i += 1 }
        }
        return out
    }
}

public enum ParquetFooter {
    public static func read(_ bytes: [UInt8]) throws -> ParquetFileInfo {
        let magic = Array("PAR1".utf8)
        guard bytes.count >= 12, Array(bytes[0..<4]) == magic, Array(bytes[(bytes.count - 4)...]) == magic else {
            throw ParquetError("not a Parquet file: PAR1 magic missing at the start or end")
        }
        var lr = ByteReader(bytes[(bytes.count - 8)..<(bytes.count - 4)], baseOffset: bytes.count - 8)
        let footerLength = Int(try lr.u32("footer length"))
        guard footerLength > 0, footerLength <= bytes.count - 12 else {
            throw ParquetError("footer length \(footerLength) does not fit in a \(bytes.count)-byte file")
        }
        let start = bytes.count - 8 - footerLength
        var tr = ThriftReader(ByteReader(bytes[start..<(bytes.count - 8)], baseOffset: start))
        let meta: [Int16: ThriftValue]
        do { meta = try tr.readStruct() } catch let e as DecodeError { throw ParquetError("FileMetaData: \(e)") }

        guard let numRows = meta[3]?.int, numRows >= 0 else { throw ParquetError("FileMetaData.num_rows missing or negative") }
        guard let schemaList = meta[2]?.list, !schemaList.isEmpty else { throw ParquetError("FileMetaData.schema missing") }
        var schema: [ParquetFileInfo.SchemaNode] = []
        for (i, e) in schemaList.enumerated() {
            guard let f = e.fields, let name = f[4]?.string else { throw ParquetError("schema element \(i): no name") }
            let children = Int(f[5]?.int ?? 0)
            guard children >= 0, children < schemaList.count else { throw ParquetError("schema element \(name): bad num_children \(children)") }
            schema.append(.init(name: name, physicalType: f[1]?.int.map(Int.init), repetition: f[3]?.int.map(Int.init), children: children))
        }
        var columns: [ParquetFileInfo.ColumnChunk] = []
        for (g, rg) in (meta[4]?.list ?? []).enumerated() {
            guard let rgf = rg.fields, let cols = rgf[1]?.list else { throw ParquetError("row group \(g): no columns") }
            for (k, c) in cols.enumerated() {
                guard let md = c.fields?[3]?.fields,
                      let type = md[1]?.int, let codec = md[4]?.int, let nv = md[5]?.int,
                      let size = md[7]?.int, let offset = md[9]?.int,
                      let path = md[3]?.list?.compactMap(\.string) else {
                    throw ParquetError("row group \(g) column \(k): incomplete ColumnMetaData")
                }
                guard offset >= 4, size >= 0, offset <= Int64(start), size <= Int64(start) - offset, nv >= 0 else {
                    throw ParquetError("row group \(g) column \(path.joined(separator: ".")): pages at \(offset)+\(size) lie outside the data")
                }
                columns.append(.init(path: path, physicalType: Int(type), codec: Int(codec), numValues: Int(nv),
                                     dataPageOffset: Int(offset), compressedSize: Int(size)))
            }
        }
        var kv: [String: String] = [:]
        for e in meta[5]?.list ?? [] {
            if let f = e.fields, let k = f[1]?.string { kv[k] = f[2]?.string ?? "" }
        }
        return ParquetFileInfo(numRows: Int(numRows), schema: schema, columns: columns, keyValue: kv)
    }
}
