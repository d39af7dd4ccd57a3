import XCTest
@testable import RobotKit

final class PNGTests: XCTestCase {
    /// A frame with flat areas, gradients and noise, so every filter and both literals and matches get used.
    static func sampleFrame(width: Int = 37, height: Int = 23, seed: UInt64 = 7) -> Frame {
        var rng = SeededGenerator(seed: seed)
        var px = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                if x < width / 3 { px[i] = 200; px[i + 1] = 30; px[i + 2] = 30 }
                else if x < 2 * width / 3 { px[i] = UInt8(x * 5 % 256); px[i + 1] = UInt8(y * 9 % 256); px[i + 2] = 90 }
                else { for c in 0..<3 { px[i + c] = UInt8.random(in: 0...255, using: &rng) } }
            }
        }
        return Frame(width: width, height: height, pixels: px)
    }

    func testRoundTripIsLossless() throws {
        for (w, h) in [(1, 1), (37, 23), (96, 72), (320, 240)] {
            let frame = Self.sampleFrame(width: w, height: h, seed: UInt64(w))
            let decoded = try PNG.decode(PNG.encode(frame))
            XCTAssertEqual(decoded.width, w); XCTAssertEqual(decoded.height, h)
            XCTAssertEqual(decoded.pixels, frame.pixels, "\(w)x\(h)")
        }
    }

    func testFlatImagesCompress() {
        let flat = Frame(width: 96, height: 72, pixels: [UInt8](repeating: 128, count: 96 * 72 * 3))
        XCTAssertLessThan(PNG.encode(flat).count, 500, "LZ77 should collapse a flat image far below its raw 20 KiB")
    }

    func testSignatureHeaderAndChunkCRCsAreValid() throws {
        let bytes = PNG.encode(Self.sampleFrame())
        XCTAssertEqual(Array(bytes[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        while offset < bytes.count {
            let length = Int(PNG.readBigEndian(bytes, offset))
            let body = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            var crc = CRC32()
            crc.update(body)
            XCTAssertEqual(crc.value, PNG.readBigEndian(bytes, offset + 8 + length))
            types.append(String(decoding: body[0..<4], as: UTF8.self))
            offset += length + 12
        }
        XCTAssertEqual(offset, bytes.count)
        XCTAssertEqual(types, ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(Array(bytes[16..<29]), [0, 0, 0, 37, 0, 0, 0, 23, 8, 2, 0, 0, 0])
    }

    func testChecksumsMatchPublishedValues() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        XCTAssertEqual(crc.value, 0xCBF4_3926)   // the CRC-32 check value
        var adler = Adler32()
        adler.update(Array("Wikipedia".utf8))
        XCTAssertEqual(adler.value, 0x11E6_0398)
        var long = Adler32()
        long.update([UInt8](repeating: 255, count: 100_000))
        // a and b computed with modular arithmetic by hand: a = 1 + 255n, b = n + 255 n(n+1)/2 (mod 65521).
        let n = 100_000
        let a = (1 + 255 * n) % 65521, b = (n + 255 * (n * (n + 1) / 2)) % 65521
        XCTAssertEqual(long.value, UInt32(b << 16 | a))
    }

    func testInflateReadsFixedStoredAndDynamicBlocksFromZlib() throws {
        // Deflate data (zlib header and Adler-32 stripped) produced by Python's zlib module.
        let fixed: [UInt8] = [0xCB, 0x48, 0xCD, 0xC9, 0xC9, 0x57, 0xC8, 0x40, 0x27, 0x01]
        XCTAssertEqual(try Inflate.decompress(fixed, limit: 100), Array("hello hello hello hello".utf8))
        let stored: [UInt8] = [0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]
        XCTAssertEqual(try Inflate.decompress(stored, limit: 100), Array("abc".utf8))
        let dynamic: [UInt8] = [
            0xB5, 0xCB, 0xC9, 0x11, 0x80, 0x20, 0x10, 0x44, 0xD1, 0x54, 0x3A, 0x0F, 0xA3, 0x01, 0x65, 0x53, 0x60, 0xD8,
            0x11, 0xA3, 0x77, 0xCA, 0x1C, 0x3C, 0x76, 0xFD, 0xD7, 0xCD, 0x2A, 0xE4, 0xEE, 0xF6, 0x0B, 0xB2, 0xD0, 0x8C,
            0xD0, 0x74, 0xE3, 0xEC, 0x21, 0x55, 0xD0, 0x50, 0x05, 0x8D, 0xB3, 0x17, 0xCF, 0xC2, 0x41, 0x66, 0xFB, 0xD6,
            0x3F, 0x38, 0x09, 0x76, 0x61, 0x41, 0x32, 0x9A, 0xAE, 0x59, 0x68, 0x37, 0x14, 0xA7, 0x47, 0x45, 0x78, 0x97,
            0x3B, 0x15, 0xFE, 0x9A, 0xFA, 0x02,
        ]
        let text = String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 3)
            + "pack my box with five dozen liquor jugs"
        XCTAssertEqual(try Inflate.decompress(dynamic, limit: 1000), Array(text.utf8))
        XCTAssertThrowsError(try Inflate.decompress(dynamic, limit: 50), "output is bounded by the limit")
    }

    func testHostileFilesGiveErrorsNotCrashes() {
        let good = PNG.encode(Self.sampleFrame())
        XCTAssertThrowsError(try PNG.decode([])) { XCTAssertTrue("\($0)".contains("signature")) }
        var flipped = good
        flipped[40] ^= 0x55
        XCTAssertThrowsError(try PNG.decode(flipped)) { XCTAssertTrue("\($0)".contains("CRC")) }
        XCTAssertThrowsError(try PNG.decode(Array(good[0..<(good.count - 20)])))
        // A header claiming a 60000 x 60000 image is refused before anything is allocated.
        var huge = Array(good[0..<33])
        huge[16...23] = [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]
        var crc = CRC32()
        crc.update(huge[12..<29])
        huge.replaceSubrange(29..<33, with: [UInt8(crc.value >> 24), UInt8(crc.value >> 16 & 0xFF),
                                            UInt8(crc.value >> 8 & 0xFF), UInt8(crc.value & 0xFF)])
        XCTAssertThrowsError(try PNG.decode(huge + Array(good[33...]))) { XCTAssertTrue("\($0)".contains("too large")) }
        // Random garbage after a valid signature.
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<200 {
            let junk = PNG.signature + (0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertThrowsError(try PNG.decode(junk))
        }
    }
}
