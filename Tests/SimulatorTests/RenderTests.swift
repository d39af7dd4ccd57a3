import XCTest
import RobotKit
@testable import Simulator

/// Known scenes give known pixels: exact Lambert colours, occlusion, background, clipping and conventions.
final class RenderTests: XCTestCase {
    static let identity: [Double] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
    /// At the origin looking along world -z with +y up (MuJoCo's camera frame with no rotation).
    static let forward = RenderCamera(name: "test", position: .zero, rotation: identity, fovy: 60)

    static func box(at p: SIMD3<Double>, half: Double, rgba: SIMD4<Double>, rotation: [Double] = identity) -> RenderGeom {
        RenderGeom(shape: .box(halfExtents: SIMD3(repeating: half)), position: p, rotation: rotation, rgba: rgba)
    }

    static func rotationY(_ angle: Double) -> [Double] {
        [cos(angle), 0, sin(angle), 0, 1, 0, -sin(angle), 0, cos(angle)]
    }

    /// The expected byte, computed here from first principles rather than through the renderer's helpers.
    static func lambertByte(_ channel: Double, normal n: SIMD3<Double>, light: RenderLight) -> UInt8 {
        let l = -light.direction / (light.direction * light.direction).sum().squareRoot()
        let shade = light.ambient + light.diffuse * max(0, (n * l).sum())
        return UInt8((min(max(channel * shade, 0), 1) * 255).rounded())
    }

    func testBoxFacePixelIsLambertShadedExactly() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let angle = 30 * Double.pi / 180
        let rgba = SIMD4(0.9, 0.2, 0.1, 1.0)
        let light = RenderLight(direction: SIMD3(-0.3, 0.2, -1), ambient: 0.3, diffuse: 0.7)
        let frame = renderer.render(geoms: [Self.box(at: SIMD3(0, 0, -2), half: 0.3, rgba: rgba,
                                                     rotation: Self.rotationY(angle))],
                                    camera: Self.forward, light: light)
        // The view ray through the image centre meets the box's local +z face, turned 30° about y.
        let normal = SIMD3(sin(angle), 0, cos(angle))
        let (r, g, b) = frame.rgb(x: 48, y: 36)
        XCTAssertEqual(r, Self.lambertByte(0.9, normal: normal, light: light))
        XCTAssertEqual(g, Self.lambertByte(0.2, normal: normal, light: light))
        XCTAssertEqual(b, Self.lambertByte(0.1, normal: normal, light: light))
        XCTAssertGreaterThan(r, 150, "a red box should read as red")
    }

    func testFaceTurnedFromTheLightGetsAmbientOnly() throws {
        let renderer = try SoftwareRenderer(width: 64, height: 48)
        // Light travels towards -x... from the camera's point of view it lights only faces looking +x.
        let light = RenderLight(direction: SIMD3(-1, 0, 0), ambient: 0.25, diffuse: 0.75)
        let frame = renderer.render(geoms: [Self.box(at: SIMD3(0, 0, -2), half: 0.3, rgba: SIMD4(0, 1, 0, 1))],
                                    camera: Self.forward, light: light)
        XCTAssertEqual(frame.rgb(x: 32, y: 24).1, UInt8((0.25 * 255).rounded()))
    }

    func testNearBoxHidesFarBoxWhateverTheDrawOrder() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let near = Self.box(at: SIMD3(0, 0, -1.5), half: 0.1, rgba: SIMD4(0, 1, 0, 1))
        let far = Self.box(at: SIMD3(0, 0, -3), half: 0.6, rgba: SIMD4(1, 0, 0, 1))
        let a = renderer.render(geoms: [near, far], camera: Self.forward)
        let b = renderer.render(geoms: [far, near], camera: Self.forward)
        XCTAssertEqual(a.pixels, b.pixels)
        let centre = a.rgb(x: 48, y: 36)
        XCTAssertGreaterThan(centre.1, 100); XCTAssertEqual(centre.0, 0)
        // Beside the small green box, the big red one shows.
        let side = a.rgb(x: 60, y: 36)
        XCTAssertGreaterThan(side.0, 100); XCTAssertEqual(side.1, 0)
    }

    func testBackgroundWhereNothingIsDrawn() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        renderer.background = SIMD3(0.2, 0.4, 0.6)
        let frame = renderer.render(geoms: [Self.box(at: SIMD3(0, 0, -2), half: 0.1, rgba: SIMD4(1, 0, 0, 1))],
                                    camera: Self.forward)
        XCTAssertTrue(frame.rgb(x: 0, y: 0) == (51, 102, 153))
        XCTAssertTrue(frame.rgb(x: 95, y: 71) == (51, 102, 153))
    }

    func testGeomBehindTheCameraDrawsNothing() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let empty = renderer.render(geoms: [], camera: Self.forward)
        let behind = renderer.render(geoms: [Self.box(at: SIMD3(0, 0, 2), half: 0.5, rgba: SIMD4(1, 0, 0, 1))],
                                     camera: Self.forward)
        XCTAssertEqual(behind.pixels, empty.pixels)
        XCTAssertEqual(renderer.lastTriangleCount, 0)
    }

    func testInfiniteFloorCrossingTheNearPlaneIsClippedNotLost() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        // Eye 1 m above the floor looking along world +x: local z = -x, local y = +z, local x = -y.
        let camera = RenderCamera(name: "level", position: SIMD3(0, 0, 1), rotation: [0, 0, -1, -1, 0, 0, 0, 1, 0],
                                  fovy: 60)
        let floor = RenderGeom(shape: .plane(halfX: 0, halfY: 0), position: .zero, rotation: Self.identity,
                               rgba: SIMD4(0.5, 0.5, 0.5, 1))
        let light = RenderLight(direction: SIMD3(0, 0, -1), ambient: 0.4, diffuse: 0.6)
        let frame = renderer.render(geoms: [floor], camera: camera, light: light)
        let grey = UInt8((0.5 * 255).rounded())
        for x in [0, 48, 95] {
            XCTAssertTrue(frame.rgb(x: x, y: 71) == (grey, grey, grey), "floor under the camera at column \(x)")
            XCTAssertFalse(frame.rgb(x: x, y: 0) == (grey, grey, grey), "sky above the horizon at column \(x)")
        }
        // The same view built by aiming agrees with the hand-written MuJoCo matrix.
        let aimed = try XCTUnwrap(RenderCamera.lookingAt(SIMD3(5, 0, 1), from: SIMD3(0, 0, 1), fovy: 60, name: "level"))
        for (u, v) in zip(aimed.rotation, camera.rotation) { XCTAssertEqual(u, v, accuracy: 1e-12) }
    }

    func testImageAxesFollowMuJoCoCameraConvention() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let right = renderer.render(geoms: [Self.box(at: SIMD3(0.5, 0, -2), half: 0.05, rgba: SIMD4(1, 1, 1, 1))],
                                    camera: Self.forward)
        // f = 36 / tan(30°) ≈ 62.35 px, so x = 0.5 m at 2 m lands near column 48 + 15.6.
        XCTAssertNotEqual(right.rgb(x: 63, y: 36).0, right.rgb(x: 0, y: 0).0)
        XCTAssertTrue(right.rgb(x: 32, y: 36) == right.rgb(x: 0, y: 0))
        let up = renderer.render(geoms: [Self.box(at: SIMD3(0, 0.5, -2), half: 0.05, rgba: SIMD4(1, 1, 1, 1))],
                                 camera: Self.forward)
        XCTAssertNotEqual(up.rgb(x: 48, y: 20).0, up.rgb(x: 0, y: 0).0, "+y is up: the box lands above the centre row")
    }

    func testRoundShapesAreStretchedAlongTheirAxis() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let side = try XCTUnwrap(RenderCamera.lookingAt(.zero, from: SIMD3(3, 0, 0), fovy: 60, name: "side"))
        for shape in [RenderShape.cylinder(radius: 0.1, halfLength: 0.5), .capsule(radius: 0.1, halfLength: 0.4)] {
            let frame = renderer.render(geoms: [RenderGeom(shape: shape, position: .zero, rotation: Self.identity,
                                                           rgba: SIMD4(0, 0, 1, 1))], camera: side)
            let bg = frame.rgb(x: 0, y: 0)
            let tall = (0..<72).filter { frame.rgb(x: 48, y: $0) != bg }.count
            let wide = (0..<96).filter { frame.rgb(x: $0, y: 36) != bg }.count
            // Both are 1.0 m tall and 0.2 m wide: about 20.8 px by 4.2 px at 3 m.
            XCTAssertEqual(Double(tall), 20.8, accuracy: 2.5, "\(shape)")
            XCTAssertEqual(Double(wide), 4.2, accuracy: 2.0, "\(shape)")
        }
    }

    func testEveryShapeDrawsAndSphereFacingTheLightIsFullyLit() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        let shapes: [RenderShape] = [.plane(halfX: 0.3, halfY: 0.3), .box(halfExtents: SIMD3(0.2, 0.1, 0.3)),
                                     .sphere(radius: 0.3), .cylinder(radius: 0.2, halfLength: 0.2),
                                     .capsule(radius: 0.2, halfLength: 0.1)]
        let light = RenderLight(direction: SIMD3(0, 0, -1), ambient: 0.2, diffuse: 0.8)
        for shape in shapes {
            let geom = RenderGeom(shape: shape, position: SIMD3(0, 0, -2), rotation: Self.identity, rgba: SIMD4(1, 1, 1, 1))
            let frame = renderer.render(geoms: [geom], camera: Self.forward, light: light)
            // Every shape presents a face looking back at the camera (and the light) at the centre: flat faces
            // exactly, the faceted poles of spheres and capsules within their facet tilt (half of 360°/16).
            let lowest = UInt8(((0.2 + 0.8 * cos(Double.pi / 16)) * 255).rounded(.down))
            let (r, g, b) = frame.rgb(x: 48, y: 36)
            XCTAssertTrue(r == g && g == b && r >= lowest, "\(shape): \((r, g, b))")
            if case .sphere = shape {} else if case .capsule = shape {} else { XCTAssertEqual(r, 255, "\(shape)") }
            XCTAssertGreaterThan(renderer.lastTriangleCount, 0)
        }
    }

    func testCurvedSurfacesAreShadedSmoothly() throws {
        let renderer = try SoftwareRenderer(width: 320, height: 240)
        let light = RenderLight(direction: SIMD3(0, 0, -1), ambient: 0.2, diffuse: 0.8)
        let sphere = RenderGeom(shape: .sphere(radius: 0.5), position: SIMD3(0, 0, -2), rotation: Self.identity,
                                rgba: SIMD4(1, 1, 1, 1))
        let frame = renderer.render(geoms: [sphere], camera: Self.forward, light: light)
        let background = frame.rgb(x: 0, y: 0)
        var row: [UInt8] = []
        for x in 160..<320 where frame.rgb(x: x, y: 120) != background { row.append(frame.rgb(x: x, y: 120).0) }
        XCTAssertGreaterThan(row.count, 30)
        // From the centre to the rim the light falls off steadily: never brighter outward, and in many small steps
        // (per-face shading would give one level per facet, about four across this half).
        for (inner, outer) in zip(row, row.dropFirst()) { XCTAssertGreaterThanOrEqual(inner, outer) }
        XCTAssertGreaterThan(Set(row).count, 12)
        XCTAssertGreaterThanOrEqual(row[0], 250, "the point facing the light is (nearly) fully lit")
        XCTAssertLessThan(row[row.count - 1], 180, "the rim turns away from the light")
    }

    func testSmallRoundShapesUseTheCoarseMesh() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        func trianglesDrawn(radius: Double) -> Int {
            let ball = RenderGeom(shape: .sphere(radius: radius), position: SIMD3(0, 0, -2), rotation: Self.identity,
                                  rgba: SIMD4(1, 1, 1, 1))
            _ = renderer.render(geoms: [ball], camera: Self.forward)
            return renderer.lastTriangleCount
        }
        // f ≈ 62.4 px: radius 0.05 m at 2 m is ~1.6 px (coarse), 0.5 m is ~15.6 px (fine). Back faces are culled,
        // so about half of each mesh reaches the rasteriser.
        let small = trianglesDrawn(radius: 0.05), large = trianglesDrawn(radius: 0.5)
        XCTAssertLessThanOrEqual(small, UnitMeshes.coarseSphere.triangleCount)
        XCTAssertGreaterThan(large, UnitMeshes.coarseSphere.triangleCount)
        XCTAssertLessThanOrEqual(large, UnitMeshes.sphere.triangleCount)
    }

    func testDeterministicAcrossRendersAndRenderers() throws {
        let geoms = Self.mixedScene()
        let camera = try XCTUnwrap(RenderCamera.lookingAt(SIMD3(0, 0, 0.1), from: SIMD3(1.2, -0.9, 0.9), fovy: 50,
                                                          name: "front"))
        let one = try SoftwareRenderer(width: 160, height: 120)
        let first = one.render(geoms: geoms, camera: camera)
        _ = one.render(geoms: [Self.box(at: .zero, half: 5, rgba: SIMD4(1, 0, 1, 1))], camera: camera)
        let again = one.render(geoms: geoms, camera: camera)
        let fresh = try SoftwareRenderer(width: 160, height: 120).render(geoms: geoms, camera: camera)
        XCTAssertEqual(first.pixels, again.pixels)
        XCTAssertEqual(first.pixels, fresh.pixels)
        XCTAssertGreaterThan(Set(stride(from: 0, to: first.pixels.count, by: 3).map { first.pixels[$0] }).count, 5,
                             "the scene shows several shades")
    }

    func testRenderIntoReusesAMatchingFrameAndReplacesAWrongOne() throws {
        let renderer = try SoftwareRenderer(width: 32, height: 24)
        var frame = Frame(width: 8, height: 8)
        renderer.render(geoms: Self.mixedScene(), camera: Self.forward, into: &frame)
        XCTAssertEqual(frame.width, 32); XCTAssertEqual(frame.height, 24)
        XCTAssertEqual(frame.pixels, renderer.render(geoms: Self.mixedScene(), camera: Self.forward).pixels)
    }

    func testRenderIntoKeepsTheFramesStorage() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        var frame = Frame(width: 96, height: 72)
        let before = frame.pixels.withUnsafeBufferPointer { $0.baseAddress }
        for _ in 0..<3 { renderer.render(geoms: Self.mixedScene(), camera: Self.forward, into: &frame) }
        XCTAssertEqual(frame.pixels.withUnsafeBufferPointer { $0.baseAddress }, before, "no new pixel buffer per frame")
    }

    func testCurvedShapeCrossingTheNearPlaneIsClippedAndShaded() throws {
        let renderer = try SoftwareRenderer(width: 96, height: 72)
        // A cylinder beside the camera along its view axis, from 1 m behind to 3 m ahead: only the front part shows,
        // reaching from the vanishing point out to the right edge of the image.
        let rod = RenderGeom(shape: .cylinder(radius: 0.1, halfLength: 2), position: SIMD3(0.3, 0, -1),
                             rotation: Self.identity, rgba: SIMD4(0.2, 0.9, 0.2, 1))
        let light = RenderLight(direction: SIMD3(1, 0.5, -0.5))   // grazing across the rod's curve
        let frame = renderer.render(geoms: [rod], camera: Self.forward, light: light)
        let empty = renderer.render(geoms: [], camera: Self.forward, light: light)
        XCTAssertTrue(frame.rgb(x: 95, y: 36) != empty.rgb(x: 95, y: 36), "the near end fills the right edge")
        XCTAssertTrue(frame.rgb(x: 10, y: 36) == empty.rgb(x: 10, y: 36), "nothing on the left")
        var greens = Set<UInt8>()
        for y in 0..<72 {
            for x in 0..<96 where frame.rgb(x: x, y: y) != empty.rgb(x: x, y: y) {
                let (r, g, b) = frame.rgb(x: x, y: y)
                XCTAssertTrue(g > r && g > b, "pixel (\(x), \(y)) is green: \((r, g, b))")
                greens.insert(g)
            }
        }
        XCTAssertGreaterThan(greens.count, 5, "light varies around the rod's curve")
    }

    func testResolutionIsValidated() {
        XCTAssertNoThrow(try SoftwareRenderer(width: 96, height: 72))
        XCTAssertNoThrow(try SoftwareRenderer(width: 320, height: 240))
        for (w, h) in [(0, 72), (96, 0), (321, 240), (320, 241), (-5, 10)] {
            XCTAssertThrowsError(try SoftwareRenderer(width: w, height: h)) { error in
                XCTAssertEqual(error as? RenderError, .badResolution(width: w, height: h))
                XCTAssertTrue("\(error)".contains("320"), "the message names the limit")
            }
        }
    }

    func testNonFiniteGeomsAndCamerasAreSkippedNotFatal() throws {
        let renderer = try SoftwareRenderer(width: 48, height: 36)
        let empty = renderer.render(geoms: [], camera: Self.forward)
        let bad = [Self.box(at: SIMD3(.nan, 0, -2), half: 0.3, rgba: SIMD4(1, 0, 0, 1)),
                   Self.box(at: SIMD3(0, 0, -2), half: .infinity, rgba: SIMD4(1, 0, 0, 1)),
                   Self.box(at: SIMD3(0, 0, -2), half: 0.3, rgba: SIMD4(1, 0, 0, 0))]   // alpha 0: invisible
        XCTAssertEqual(renderer.render(geoms: bad, camera: Self.forward).pixels, empty.pixels)
        var nanCamera = Self.forward
        nanCamera.position = SIMD3(0, .nan, 0)
        XCTAssertEqual(renderer.render(geoms: Self.mixedScene(), camera: nanCamera).pixels, empty.pixels)
    }

    /// A little tabletop: floor, table, objects of every shape.
    static func mixedScene() -> [RenderGeom] {
        var g: [RenderGeom] = [
            RenderGeom(shape: .plane(halfX: 0, halfY: 0), position: .zero, rotation: identity, rgba: SIMD4(0.4, 0.4, 0.4, 1)),
            RenderGeom(shape: .box(halfExtents: SIMD3(0.4, 0.3, 0.02)), position: SIMD3(0, 0, -0.1), rotation: identity,
                       rgba: SIMD4(0.6, 0.45, 0.3, 1)),
        ]
        g.append(box(at: SIMD3(0.1, 0.1, 0.0), half: 0.03, rgba: SIMD4(0.9, 0.1, 0.1, 1), rotation: rotationY(0.4)))
        g.append(RenderGeom(shape: .sphere(radius: 0.04), position: SIMD3(-0.1, 0.05, 0.0), rotation: identity,
                            rgba: SIMD4(0.1, 0.8, 0.2, 1)))
        g.append(RenderGeom(shape: .cylinder(radius: 0.03, halfLength: 0.05), position: SIMD3(0, -0.1, 0.0),
                            rotation: identity, rgba: SIMD4(0.1, 0.2, 0.9, 1)))
        g.append(RenderGeom(shape: .capsule(radius: 0.02, halfLength: 0.15), position: SIMD3(0, 0, 0.2),
                            rotation: rotationY(1.2), rgba: SIMD4(0.8, 0.8, 0.1, 1)))
        return g
    }
}
