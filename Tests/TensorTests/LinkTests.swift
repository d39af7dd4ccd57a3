import XCTest
@testable import Tensor

final class LinkTests: XCTestCase {
    func testLinksOpenBLAS() { XCTAssertGreaterThanOrEqual(blasThreadCount, 1) }
}
