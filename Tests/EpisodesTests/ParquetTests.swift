import Foundation
import RobotKit
import XCTest
@testable import Episodes

final class ParquetTests: XCTestCase {
    func sampleColumns(rows n: Int) -> [ParquetColumn] {
        [
            ParquetColumn("i", .int64((0..<n).map { Int64($0) * 1_000_000_007 - 5 })),
            ParquetColumn("f", .float32((0..<n).map { Float($0) * 0.5 - 1 })),
            ParquetColumn("d", .float64((0..<n).map { Double($0) / 3 })),
            ParquetColumn("b", .bool((0..<n).map { $0 % 3 == 0 })),
            ParquetColumn("s", .string((0..<n).map { "täsk \($0)" })),
            ParquetColumn("fl", .float32List((0..<n).map { r in (0..<(r % 4)).map { Float(r * 10 + $0) } })),
            ParquetColumn("dl", .float64List((0..<n).map { r in [Double(r), -Double(r)] })),
            ParquetColumn("il", .int64List((0..<n).map { r in [Int64(r)] })),
            ParquetColumn("sl", .stringList((0..<n).map { r in r % 2 == 0 ? ["a\(r)", "b"] : [] })),
            ParquetColumn("img", .image((0..<n).map { r in (bytes: [UInt8](repeating: UInt8(r % 256), count: 3 + r % 5), path: r % 2 == 0 ? "f\(r).png" : nil) })),
        ]
    }

    func testFooterReaderSeesOurSchemaAndChunks() throws {
        let bytes = try ParquetWriter.encode(sampleColumns(rows: 50), keyValue: [("k", "v")])
        let info = try ParquetFooter.read(bytes)
        XCTAssertEqual(info.numRows, 50)
        XCTAssertEqual(info.topLevelNames, ["i", "f", "d", "b", "s", "fl", "dl", "il", "sl", "img"])
        XCTAssertEqual(info.columns.map { $0.path.joined(separator: ".") },
                       ["i", "f", "d", "b", "s", "fl.list.element", "dl.list.element", "il.list.element", "sl.list.element",
                        "img.bytes", "img.path"])
        XCTAssertEqual(info.columns.first { $0.path == ["fl", "list", "element"] }?.numValues, (0..<50).map { max(1, $0 % 4) }.reduce(0, +))
        XCTAssertEqual(info.keyValue["k"], "v")
        XCTAssertTrue(info.columns.allSatisfy { $0.codec == 6 })
    }

    func testRandomAndMutatedBytesNeverCrashTheFooterReader() throws {
        var rng = SeededGenerator(seed: 3)
        let good = try ParquetWriter.encode(sampleColumns(rows: 20))
        for n in 0..<400 {
            var b: [UInt8]
            if n % 2 == 0 {
                b = good
                for _ in 0..<(1 + Int(rng.next() % 4)) {
                    // Mutate inside the footer, where the Thrift lives.
                    let i = b.count - 1 - Int(rng.next() % UInt64(min(b.count, 400)))
                    b[i] = UInt8(truncatingIfNeeded: rng.next())
                }
            } else {
                b = Array("PAR1".utf8) + (0..<Int(rng.next() % 512)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                var len = ByteWriter(); len.u32(UInt32(truncatingIfNeeded: rng.next() % UInt64(b.count + 8)))
                b += len.bytes + Array("PAR1".utf8)
            }
            _ = try? ParquetFooter.read(b)
        }
        XCTAssertThrowsError(try ParquetFooter.read(Array("PAR1PAR1".utf8)))
        // A list header claiming 2^60 entries is refused before allocating.
        var hostile = Array("PAR1".utf8)
        let footer: [UInt8] = [0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]
        var len = ByteWriter(); len.u32(UInt32(footer.count))
        hostile += footer + len.bytes + Array("PAR1".utf8)
        XCTAssertThrowsError(try ParquetFooter.read(hostile)) { XCTAssertTrue("\($0)".contains("exceeds"), "\($0)") }
    }

    func testPyarrowReadsEveryColumnTypeBack() throws {
        guard let python = Fixtures.python else { throw XCTSkip(".venv missing: run scripts/setup.sh (make test does)") }
        let dir = try Fixtures.tempDir()
        let n = 5_000
        let cols = sampleColumns(rows: n)
        let path = dir + "/t.parquet"
        try Data(try ParquetWriter.encode(cols, keyValue: [("hello", "world")], pageBytes: 4096)).write(to: URL(fileURLWithPath: path))
        let (status, out, err) = try Fixtures.run(python, [Fixtures.interopDir + "/read_parquet.py", path])
        XCTAssertEqual(status, 0, err)
        let all = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let j = try XCTUnwrap(all[path] as? [String: Any])
        XCTAssertEqual(j["num_rows"] as? Int, n)
        let schema = try XCTUnwrap(j["schema"] as? [String: String])
        XCTAssertEqual(schema["i"], "int64"); XCTAssertEqual(schema["f"], "float"); XCTAssertEqual(schema["d"], "double")
        XCTAssertEqual(schema["b"], "bool"); XCTAssertEqual(schema["s"], "string")
        XCTAssertEqual(schema["fl"], "list<element: float not null>")
        XCTAssertEqual(schema["sl"], "list<element: string not null>")
        XCTAssertEqual(schema["img"], "struct<bytes: binary, path: string>")
        XCTAssertEqual((j["metadata"] as? [String: String])?["hello"], "world")
        let rows = try XCTUnwrap(j["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, n)
        for r in [0, 1, 2, 3, 7, 1_234, 3_001, n - 1] {
            let row = rows[r]
            XCTAssertEqual((row["i"] as? NSNumber)?.int64Value, Int64(r) * 1_000_000_007 - 5)
            XCTAssertEqual(row["f"] as? Double, Double(Float(r) * 0.5 - 1))
            XCTAssertEqual(row["d"] as? Double ?? 0, Double(r) / 3, accuracy: 1e-12)
            XCTAssertEqual(row["b"] as? Bool, r % 3 == 0)
            XCTAssertEqual(row["s"] as? String, "täsk \(r)")
            XCTAssertEqual(row["fl"] as? [Double], (0..<(r % 4)).map { Double(r * 10 + $0) })
            XCTAssertEqual(row["dl"] as? [Double], [Double(r), -Double(r)])
            XCTAssertEqual(row["sl"] as? [String], r % 2 == 0 ? ["a\(r)", "b"] : [])
            let img = try XCTUnwrap(row["img"] as? [String: Any])
            XCTAssertEqual((img["bytes"] as? [String: Any])?["len"] as? Int, 3 + r % 5)
            if r % 2 == 0 { XCTAssertEqual(img["path"] as? String, "f\(r).png") } else { XCTAssertTrue(img["path"] is NSNull) }
        }
    }
}
