// Everything that can go wrong in the simulator, each naming its cause and what to do about it.

public enum SimError: Error, CustomStringConvertible, Equatable {
    /// MJCF that MuJoCo refused to compile; carries MuJoCo's own message (element, attribute, line).
    case badModel(String)
    /// The simulation produced non-finite numbers or MuJoCo flagged an unstable acceleration.
    case diverged(String)
    /// MuJoCo raised an error during a call (its message, prefixed with the call).
    case mujoco(String)
    /// A SimConfig field is out of range.
    case badConfig(String)
    /// A TaskRequest names something the task family cannot build.
    case badTask(String)
    /// An action that cannot be applied (non-finite component); nothing was applied.
    case badAction(String)
    /// A camera name the sim does not have.
    case unknownCamera(String, available: [String])

    public var description: String {
        switch self {
        case .badModel(let m): "MuJoCo could not compile the scene MJCF: \(m)"
        case .diverged(let m): "simulation diverged: \(m) (lower the physics timestep or the gains)"
        case .mujoco(let m): "MuJoCo error: \(m)"
        case .badConfig(let m): "bad simulator config: \(m)"
        case .badTask(let m): "bad task request: \(m)"
        case .badAction(let m): "bad action: \(m)"
        case .unknownCamera(let n, let all): "no camera named \"\(n)\"; cameras are \(all.joined(separator: ", "))"
        }
    }
}
