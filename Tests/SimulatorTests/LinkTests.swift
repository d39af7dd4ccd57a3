import XCTest
@testable import Simulator

final class LinkTests: XCTestCase {
    func testLinksDebianMuJoCo22() {
        XCTAssertGreaterThanOrEqual(mujocoVersion, 220)
        XCTAssertLessThan(mujocoVersion, 300)
    }
}
