// The tabletop simulator's predicates as the supervision loop's world checks — one definition for the console
// (simulator under a lock shared with the policy thread) and `vlaterm run` (one thread, no lock).
import Foundation
import Simulator

extension WorldChecks {
    /// Contact force on the arm, the task's success predicate and the target's incidents (dropped in transit, pushed:
    /// `TabletopSim.targetIncident`), each read under `lock` when one is given (MuJoCo's data is not thread-safe).
    public static func tabletop(_ sim: TabletopSim, lock: NSLock?) -> WorldChecks {
        func locked<T>(_ body: () -> T) -> T {
            lock?.lock()
            defer { lock?.unlock() }
            return body()
        }
        return WorldChecks(contactForce: { locked { sim.maxArmContactForce() } },
                           isSuccess: { locked { sim.isSuccess() } },
                           objectIncident: { locked { sim.targetIncident } })
    }
}
