import Policy
import XCTest

final class InstructionCasesTests: XCTestCase {
    func testParsesCasesSkippingCommentsAndBlankLines() throws {
        let text = """
        # held-out paraphrases
        red cube | bin | grab the crimson cube and drop it in the bin

          Blue Cylinder |  white bin  | Put the BLUE can in the white bin  \r
        """
        let cases = try InstructionCases.parse(text, file: "h.txt")
        XCTAssertEqual(cases, [
            InstructionCase(object: "red cube", container: "bin", instruction: "grab the crimson cube and drop it in the bin", line: 2),
            InstructionCase(object: "blue cylinder", container: "white bin", instruction: "Put the BLUE can in the white bin", line: 4),
        ])
    }

    func testBadLinesNameFileAndLine() {
        func error(_ text: String) -> String {
            do { _ = try InstructionCases.parse(text, file: "cases.txt"); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(error("red cube | bin | ok\nred cube | put it in").hasPrefix("cases.txt:2: 2 field(s)"))
        XCTAssertTrue(error("# c\n\nred cube | | put it in the bin").hasPrefix("cases.txt:3: CONTAINER is empty"))
        XCTAssertTrue(error("a | b | c | d").hasPrefix("cases.txt:1: 4 field(s)"))
        XCTAssertTrue(error("# only comments\n").contains("no cases"))
        XCTAssertTrue(error("red cube | bin | " + String(repeating: "x", count: 2000)).hasPrefix("cases.txt:1: line is"))
    }
}
