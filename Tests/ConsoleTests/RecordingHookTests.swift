import Foundation
import RobotKit
import TerminalUI
import XCTest
@testable import Console
@testable import Episodes

final class RecordingHookTests: XCTestCase {
    let cams = [CameraSpec(name: "front", width: 8, height: 6)]

    func ctx(_ t: Double, _ events: [OperatorEvent] = [], mode: OperatingMode = .teleop, instruction: String = "pick up the cube",
             action: Action = Action(dx: 0.5, gripper: 1)) -> TickContext {
        TickContext(now: t, mode: mode, recording: false, events: events, command: nil, action: action, instruction: instruction,
                    alert: nil, session: SessionInfo())
    }

    func obs(_ i: Int) -> Observation {
        let s = SyntheticSource(cameras: cams, fps: 10)
        return s.observation(step: i, time: Double(i) / 10)
    }

    func testRecordMarkDiscardAndResetPhaseDriveTheRecorder() throws {
        let root = NSTemporaryDirectory() + "vlaterm-hook-\(getpid())"
        try? FileManager.default.removeItem(atPath: root)
        let store = try SessionStore.openOrCreate(root: root, name: "console", robot: "sim", cameras: cams, fps: 10)
        let rec = SessionRecorder(session: store, capacity: 100)
        let hook = RecordingHook(recorder: rec, sessionName: "console", limits: ActionLimits(maxTranslation: 0.02), resetSeconds: 5)
        var t = 0.0, i = 0
        func tick(_ events: [OperatorEvent] = [], mode: OperatingMode = .teleop, instruction: String = "pick up the cube") throws -> TickContext {
            var c = ctx(t, events, mode: mode, instruction: instruction)
            try hook.beforeSend(&c)
            try hook.afterSend(c, observation: obs(i))
            t += 0.1; i += 1
            return c
        }
        _ = try tick(); _ = try tick()                     // not recording yet
        var c = try tick([.recordToggle, .speedUp])
        XCTAssertTrue(c.recording)
        XCTAssertEqual(c.events, [.speedUp], "the hook consumes only recording events")
        XCTAssertEqual(c.session.episode, 1)
        for _ in 0..<4 { _ = try tick(mode: .takeover) }
        c = try tick([.markSuccess])
        XCTAssertFalse(c.recording)
        XCTAssertEqual(c.session.episodesRecorded, 1)
        XCTAssertNotNil(hook.panel()?.lines.first?.first { $0.text.contains("RESET") })
        c = try tick([.recordToggle], instruction: "open the drawer")   // start during reset: allowed
        _ = try tick(instruction: "open the drawer")
        c = try tick([.discard])
        XCTAssertFalse(c.recording)
        t += 10
        c = try tick()
        XCTAssertTrue(c.log.contains { $0.text.contains("reset time over") })
        c = try tick([.markFailure])
        XCTAssertTrue(c.log.contains { $0.text.contains("no episode is recording") })
        rec.close()
        let m = try SessionStore.open(directory: root + "/console").manifest
        XCTAssertEqual(m.episodes.count, 1, "the discarded episode is not listed")
        XCTAssertEqual(m.episodes[0].outcome, .success)
        XCTAssertEqual(m.episodes[0].task, "pick up the cube")
        XCTAssertEqual(m.episodes[0].length, 5, "the start tick and four takeover ticks")
        let ep = try EpisodeReader.read(path: root + "/console/" + m.episodes[0].file)
        XCTAssertEqual(ep.steps[0].action.dx, 0.02, "the clamped action, as sent")
        XCTAssertEqual(ep.steps[1].intervention, true); XCTAssertEqual(ep.steps[1].source, .teleop)
        XCTAssertEqual(ep.steps[0].state, obs(1).state, "step 0 pairs the start tick's action with the observation it was decided on (the previous tick's)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/console/episode-000001.mcap"))
    }
}
