import RobotKit
import TerminalUI
import XCTest

final class ConsoleScreenTests: XCTestCase {
    /// A fixed snapshot: three cameras, a 6-joint arm, a keyboard, a log, an instruction.
    static func sample(mode: OperatingMode = .teleop, recording: Bool = false) -> ConsoleSnapshot {
        var s = ConsoleSnapshot()
        s.mode = mode; s.recording = recording
        s.robotName = "tabletop-sim"
        s.state = RobotState(jointPositions: [0.0, -0.8, 1.2, 0.3, -1.5, 3.0], jointVelocities: [0, 0, 0, 0, 0, 0],
                             endEffector: Pose(position: SIMD3(0.412, -0.031, 0.205),
                                               quaternion: SIMD4(0.9659, 0, 0, 0.2588)), gripper: 0.75)
        s.cameras = [CameraThumbnail(name: "front", frame: sceneFrame(seed: 0)),
                     CameraThumbnail(name: "side", frame: sceneFrame(seed: 1)),
                     CameraThumbnail(name: "wrist", frame: sceneFrame(seed: 2))]
        s.devices = [DeviceStatus(name: "keyboard", status: "active", role: .good),
                     DeviceStatus(name: "gamepad", status: "none found", role: .dim)]
        s.teleop = TeleopCommand(linear: SIMD3(1, 0, 0), yaw: 0, gripper: nil, deadman: true)
        s.speedScale = 0.5
        s.session = SessionInfo(name: "demo", episode: 3, episodesRecorded: 2, episodeSeconds: 12.5)
        s.timing = LoopTiming(controlTarget: 20, controlAchieved: 19.9, tickMillis: 2.4, renderFPS: 30)
        s.log = [LogLine(time: 0.0, text: "console started on tabletop-sim (seed 1)"),
                 LogLine(time: 3.2, text: "teleop: keyboard", role: .good),
                 LogLine(time: 7.9, text: "speed 50%")]
        s.instruction = InstructionLine(text: "put the red cube in the bin")
        s.help = [HelpSection(title: "keyboard", note: "keys act while held (no key-up in terminals)",
                              rows: [("w / s", "move +x / -x"), ("a / d", "move +y / -y"), ("space", "stop (latches)")])]
        return s
    }

    func render(_ s: ConsoleSnapshot, _ w: Int, _ h: Int, mode: BlitMode = .ascii, theme: Theme = .mono()) -> CellBuffer {
        var buf = CellBuffer(width: w, height: h)
        ConsoleScreen(theme: theme, blitMode: mode, depth: .mono).render(s, into: &buf)
        return buf
    }

    func testMainLayouts() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            assertSnapshot(render(Self.sample(), w, h), named: "console-\(w)x\(h)")
        }
        assertSnapshot(render(Self.sample(), 120, 40, mode: .braille), named: "console-120x40-braille")
    }

    func testEachModeBanner() {
        for mode in OperatingMode.allCases {
            assertSnapshot(render(Self.sample(mode: mode), 80, 24), named: "mode-\(mode.rawValue)")
        }
        assertSnapshot(render(Self.sample(mode: .teleop, recording: true), 80, 24), named: "mode-teleop-recording")
    }

    func testModesHaveDistinctColourRolesAndReadableLabels() {
        let theme = Theme.color()
        var styles: [Style] = []
        for mode in OperatingMode.allCases {
            let buf = render(Self.sample(mode: mode), 80, 24, theme: theme)
            XCTAssertTrue(buf.text.split(separator: "\n")[0].contains(mode.label), "\(mode) label missing")
            styles.append(buf[3, 0].style)
        }
        XCTAssertEqual(Set(styles).count, OperatingMode.allCases.count)
        XCTAssertNotEqual(theme[.modeRecording], theme[.modeTeleop])
    }

    func testCameraCountBySize() {
        XCTAssertGreaterThanOrEqual(ConsoleLayout(width: 80, height: 24, cameraCount: 3).cameraSlots.count, 2)
        for (w, h) in [(120, 40), (200, 60)] {
            let l = ConsoleLayout(width: w, height: h, cameraCount: 3)
            XCTAssertEqual(l.cameraSlots.count, 3, "\(w)x\(h)")
            for s in l.cameraSlots { XCTAssertTrue(s.x >= 0 && s.maxX <= l.cameraArea.maxX && s.maxY <= l.cameraArea.maxY) }
        }
        let small = fitImage(imageWidth: 96, imageHeight: 72, in: ConsoleLayout(width: 120, height: 40, cameraCount: 3).cameraSlots[0].inset(1))
        let big = fitImage(imageWidth: 96, imageHeight: 72, in: ConsoleLayout(width: 200, height: 60, cameraCount: 3).cameraSlots[0].inset(1))
        XCTAssertGreaterThan(big.width, small.width)
    }

    func testHelpOverlayListsTheGivenBindings() {
        var s = Self.sample()
        s.showHelp = true
        let buf = render(s, 80, 24)
        assertSnapshot(buf, named: "help-80x24")
        XCTAssertTrue(buf.text.contains("stop (latches)"))
        s.help[0].rows.append(("F9", "a binding added as data"))
        XCTAssertTrue(render(s, 80, 24).text.contains("a binding added as data"))
    }

    func testLongHelpWrapsNotesAndUsesTwoColumns() {
        var s = Self.sample()
        s.showHelp = true
        let moves = (1...14).map { ("k\($0)", "binding number \($0) from the keymap table") }
        s.help = [HelpSection(title: "keyboard teleop",
                              note: "terminals send no key-up: a key moves while held, stopping 150 ms after its last repeat",
                              rows: moves),
                  HelpSection(title: "console", rows: [("?", "show / hide this help"), ("Q", "quit")])]
        let buf = render(s, 80, 24)
        assertSnapshot(buf, named: "help-80x24-two-columns")
        let text = buf.text
        XCTAssertTrue(text.contains("last repeat"), "the note wraps instead of being cut")
        XCTAssertTrue(text.contains("binding number 14"))
        XCTAssertTrue(text.contains("quit"))
    }

    func testEditingInstructionShowsCursorAndTinySizesDoNotCrash() {
        var s = Self.sample()
        s.instruction = InstructionLine(text: "stack the cubes", editing: true, cursor: 5)
        let buf = render(s, 80, 24)
        XCTAssertTrue(buf.text.split(separator: "\n")[23].hasPrefix("instruction> stack the cubes"))
        XCTAssertTrue(buf[13 + 5, 23].style.attributes.contains(.reverse))
        for (w, h) in [(1, 1), (10, 3), (20, 5), (0, 0), (300, 2)] { _ = render(s, w, h) }
    }
}
