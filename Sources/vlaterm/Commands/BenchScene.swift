import Foundation
import RobotKit
import Simulator

/// The scene the renderer benchmark draws: the real MuJoCo tabletop of a seed, optionally mid-task.
struct BenchScene {
    var name: String
    var geoms: [RenderGeom]
    var cameras: [RenderCamera]

    /// The pick-place layout of `seed` after the scripted expert has driven `expertTicks` control ticks,
    /// so the arm is over the table as it is during an episode rather than parked at home.
    static func tabletop(seed: UInt64, expertTicks: Int) throws -> BenchScene {
        let sim = try TabletopSim(seed: seed)
        var expert = ScriptedExpert()
        for _ in 0..<expertTicks { try sim.send(expert.action(for: sim)) }
        return BenchScene(name: "TabletopSim seed \(seed) after \(expertTicks) expert ticks",
                          geoms: sim.renderGeoms(), cameras: sim.renderCameras())
    }
}
