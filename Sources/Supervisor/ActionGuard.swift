// Safety promise 4: a policy chunk is checked as a whole before any of it can reach the robot.
// Shape, finiteness and gross range reject the chunk; step size is clamped later, per action, and logged.
import RobotKit

struct GuardProblem: Error, Equatable {
    var kind: SupervisorException
    var detail: String
}

enum ActionGuard {
    /// Rows of `[dx, dy, dz, dyaw, gripper]` → actions, or the first problem, naming row and component.
    static func check(_ rows: [[Double]], config: SupervisorConfiguration) -> Result<[Action], GuardProblem> {
        let names = Action.names
        guard !rows.isEmpty else {
            return .failure(GuardProblem(kind: .wrongShapeAction, detail: "empty chunk: expected at least one row of \(names.count)"))
        }
        guard rows.count <= config.maxChunkLength else {
            return .failure(GuardProblem(kind: .wrongShapeAction,
                                         detail: "chunk has \(rows.count) rows, more than the \(config.maxChunkLength) allowed"))
        }
        var actions: [Action] = []
        actions.reserveCapacity(rows.count)
        let tol = config.gripperTolerance
        for (h, row) in rows.enumerated() {
            guard row.count == names.count else {
                return .failure(GuardProblem(kind: .wrongShapeAction,
                    detail: "row \(h) has \(row.count) values, expected \(names.count) [\(names.joined(separator: ", "))]"))
            }
            for (i, v) in row.enumerated() {
                guard v.isFinite else {
                    return .failure(GuardProblem(kind: .nonFiniteAction, detail: "row \(h) \(names[i]) is \(v)"))
                }
                if i < 4 {
                    let bound = config.rejectBound(forComponent: i)
                    guard abs(v) <= bound else {
                        return .failure(GuardProblem(kind: .outOfRangeAction,
                                                     detail: "row \(h) \(names[i]) = \(fmt(v)) beyond ±\(fmt(bound))"))
                    }
                } else {
                    guard v >= -tol && v <= 1 + tol else {
                        return .failure(GuardProblem(kind: .outOfRangeAction,
                                                     detail: "row \(h) gripper = \(fmt(v)) outside 0…1 (± \(fmt(tol)))"))
                    }
                }
            }
            actions.append(Action(dx: row[0], dy: row[1], dz: row[2], dyaw: row[3], gripper: row[4]))
        }
        return .success(actions)
    }
}
