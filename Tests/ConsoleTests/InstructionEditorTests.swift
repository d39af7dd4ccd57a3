import Console
import Input
import XCTest

final class InstructionEditorTests: XCTestCase {
    func type(_ e: inout InstructionEditor, _ s: String) { for c in s { _ = e.handle(.char(c)) } }

    func testTypingMovingDeletingAndSubmitting() {
        var e = InstructionEditor()
        e.begin(with: "put cube")
        XCTAssertEqual(e.cursor, 8)
        for _ in 0..<4 { _ = e.handle(.left) }
        type(&e, "the red ")
        XCTAssertEqual(e.text, "put the red cube")
        _ = e.handle(.end); type(&e, " in the binx"); _ = e.handle(.backspace)
        _ = e.handle(.home); _ = e.handle(.delete); type(&e, "P")
        XCTAssertEqual(e.line.text, "Put the red cube in the bin")
        XCTAssertEqual(e.line.cursor, 1)
        XCTAssertTrue(e.line.editing)
        XCTAssertEqual(e.handle(.enter), .submitted("Put the red cube in the bin"))
        XCTAssertFalse(e.isEditing)
    }

    func testEscapeAndBlankEnterCancel() {
        var e = InstructionEditor()
        e.begin(with: "")
        type(&e, "   ")
        XCTAssertEqual(e.handle(.enter), .cancelled)
        e.begin(with: "x")
        XCTAssertEqual(e.handle(.escape), .cancelled)
        XCTAssertEqual(e.handle(.char("a")), .cancelled, "keys after editing ended change nothing")
        XCTAssertEqual(e.text, "x")
    }

    func testControlAndWideCharactersAreDroppedAndLengthIsBounded() {
        var e = InstructionEditor()
        e.begin(with: "")
        type(&e, "a\u{1B}b\u{7}日c")
        XCTAssertEqual(e.text, "abc")
        type(&e, String(repeating: "z", count: 2000))
        XCTAssertEqual(e.text.unicodeScalars.count, InstructionEditor.maxLength)
    }

    /// The prefilled sentence is replaced the way a shell line is: Ctrl-U, then type.
    func testReadlineKeysClearAndDeleteWords() {
        var e = InstructionEditor()
        e.begin(with: "transfer the blue cylinder to the gray bin")
        XCTAssertEqual(e.handle(.char("\u{17}")), .editing)
        XCTAssertEqual(e.text, "transfer the blue cylinder to the gray ", "Ctrl-W: the word before the cursor")
        _ = e.handle(.char("\u{15}"))
        XCTAssertEqual(e.text, "", "Ctrl-U: everything before the cursor")
        type(&e, "put the red cube in the bin")
        _ = e.handle(.char("\u{1}"))
        XCTAssertEqual(e.cursor, 0, "Ctrl-A")
        type(&e, "please ")
        _ = e.handle(.char("\u{5}"))
        XCTAssertEqual(e.cursor, e.scalars.count, "Ctrl-E")
        for _ in 0..<3 { _ = e.handle(.left) }
        _ = e.handle(.char("\u{b}"))
        XCTAssertEqual(e.text, "please put the red cube in the ", "Ctrl-K: everything after the cursor")
        XCTAssertEqual(e.handle(.enter), .submitted("please put the red cube in the"))
    }
}
