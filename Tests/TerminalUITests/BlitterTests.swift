import RobotKit
@testable import TerminalUI
import XCTest

final class BlitterTests: XCTestCase {
    func testAreaAverageOfTwoPixelsIsTheirMean() {
        let f = makeFrame(width: 2, height: 1) { x, _ in x == 0 ? (255, 255, 255) : (0, 0, 0) }
        let g = AreaResampler().resample(f, width: 1, height: 1)
        XCTAssertEqual(g.pixels, [128, 128, 128])
    }

    func testFractionalCoverageWeightsEdges() {
        // 3 -> 2: output 0 covers pixel 0 fully and half of pixel 1: (0*1 + 90*0.5) / 1.5 = 30.
        let f = makeFrame(width: 3, height: 1) { x, _ in [(0, 0, 0), (90, 90, 90), (240, 240, 240)][x] }
        let g = AreaResampler().resample(f, width: 2, height: 1)
        XCTAssertEqual(g.pixels, [30, 30, 30, 190, 190, 190])
    }

    func testFitKeepsAspectWithTallCells() {
        // 96x72 (4:3) into 40x20 cells: width-limited, 40 / (2 * 4/3) = 15 rows, centred.
        XCTAssertEqual(fitImage(imageWidth: 96, imageHeight: 72, in: Rect(x: 0, y: 0, width: 40, height: 20)),
                       Rect(x: 0, y: 2, width: 40, height: 15))
        // Height-limited: 10 rows -> 27 columns.
        XCTAssertEqual(fitImage(imageWidth: 96, imageHeight: 72, in: Rect(x: 5, y: 1, width: 60, height: 10)),
                       Rect(x: 5 + 16, y: 1, width: 27, height: 10))
    }

    func testBlocksPutTopPixelInForegroundAndBottomInBackground() {
        // 4x4: top half red, bottom half blue -> 2x1 cells of "▀" red over blue.
        let f = makeFrame(width: 4, height: 4) { _, y in y < 2 ? (255, 0, 0) : (0, 0, 255) }
        var buf = CellBuffer(width: 2, height: 1)
        let r = Blitter(mode: .blocks, depth: .truecolor).draw(f, into: &buf, area: buf.bounds)
        XCTAssertEqual(r, Rect(x: 0, y: 0, width: 2, height: 1))
        for x in 0..<2 {
            XCTAssertEqual(buf[x, 0], Cell("▀", Style(fg: .rgb(255, 0, 0), bg: .rgb(0, 0, 255))))
        }
        Blitter(mode: .blocks, depth: .palette256).draw(f, into: &buf, area: buf.bounds)
        XCTAssertEqual(buf[0, 0].style, Style(fg: .indexed(196), bg: .indexed(21)))
    }

    func testASCIIRampFollowsLuminance() {
        let f = makeFrame(width: 4, height: 2) { x, _ in x < 2 ? (0, 0, 0) : (255, 255, 255) }
        var buf = CellBuffer(width: 2, height: 1)
        Blitter(mode: .ascii, depth: .mono).draw(f, into: &buf, area: buf.bounds)
        XCTAssertEqual(buf.text, " @\n")
    }

    func testBrailleLightsTheBrightDotsWithTwoColours() {
        // 2x4 cell, left column white, right column black -> dots 1,2,3,7 = U+2847.
        let f = makeFrame(width: 2, height: 4) { x, _ in x == 0 ? (255, 255, 255) : (0, 0, 0) }
        var buf = CellBuffer(width: 1, height: 1)
        let b = Blitter(mode: .braille, depth: .truecolor)
        let grid = AreaResampler().resample(f, width: 2, height: 4)
        b.draw(grid: grid, into: &buf, at: buf.bounds)
        XCTAssertEqual(buf[0, 0].scalar, "\u{2847}")
        XCTAssertEqual(buf[0, 0].style, Style(fg: .rgb(255, 255, 255), bg: .rgb(0, 0, 0)))
    }

    func testPaletteNearestIsExact() {
        XCTAssertEqual(Palette256.nearest(255, 0, 0), 196)
        XCTAssertEqual(Palette256.nearest(0, 0, 0), 16)
        XCTAssertEqual(Palette256.nearest(128, 128, 128), 244)
        XCTAssertEqual(Palette256.rgb(244).0, 128)
        var rng = SeededGenerator(seed: 7)
        var far = 0
        for _ in 0..<500 {
            let (r, g, b) = (UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng),
                             UInt8.random(in: 0...255, using: &rng))
            let fast = Palette256.rgb(Palette256.nearest(r, g, b)), exact = Palette256.rgb(Palette256.nearestExact(r, g, b))
            func d(_ p: (UInt8, UInt8, UInt8)) -> Int {
                let a = Int(p.0) - Int(r), bb = Int(p.1) - Int(g), c = Int(p.2) - Int(b)
                return a * a + bb * bb + c * c
            }
            if d(fast) != d(exact) { far += 1 }
        }
        XCTAssertEqual(far, 0)
    }
}

final class BlitQualityTests: XCTestCase {
    func testHalfBlockRasterisationAndPSNR() {
        let red: (UInt8, UInt8, UInt8) = (255, 0, 0), blue: (UInt8, UInt8, UInt8) = (0, 0, 255)
        let up = rasterizeHalfBlocks([(0x2580, red, blue)], cols: 1, rows: 1)
        let down = rasterizeHalfBlocks([(0x2584, blue, red)], cols: 1, rows: 1)
        XCTAssertEqual(up, down)
        XCTAssertEqual(up.pixels, [255, 0, 0, 0, 0, 255])
        XCTAssertEqual(psnr(up, up), .infinity)
        // One channel off by 255 in 6 values: MSE = 255^2/6 -> 10*log10(6) = 7.78 dB.
        var off = up; off.pixels[1] = 255
        XCTAssertEqual(psnr(up, off) ?? 0, 7.7815, accuracy: 1e-3)
        XCTAssertNil(psnr(up, RGBGrid(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 12))))
    }

    func testOurTruecolorBlocksReproduceTheAreaAverageExactly() {
        let f = sceneFrame(seed: 1)
        var buf = CellBuffer(width: 40, height: 15)
        let r = Blitter(mode: .blocks, depth: .truecolor).draw(f, into: &buf, area: buf.bounds)
        XCTAssertEqual(r, buf.bounds)
        let reference = AreaResampler().resample(f, width: 40, height: 30)
        XCTAssertEqual(psnr(rasterizeHalfBlocks(cellColors(buf, r), cols: 40, rows: 15), reference), .infinity)
        Blitter(mode: .blocks, depth: .palette256).draw(f, into: &buf, area: buf.bounds)
        let q = psnr(rasterizeHalfBlocks(cellColors(buf, r), cols: 40, rows: 15), reference) ?? 0
        XCTAssertTrue(q > 20 && q < 60, "256-colour quantisation costs some quality: \(q) dB")
    }
}
