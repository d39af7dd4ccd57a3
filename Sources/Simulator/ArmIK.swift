// Inverse kinematics for the arm: damped least squares on MuJoCo's site Jacobian (mj_jacSite), solved on a
// scratch mjData so the live simulation is never disturbed. The target is a position plus a tool yaw with
// the gripper pointing straight down (site orientation = Rz(yaw)).
import CMuJoCo

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Indices of the arm's joints, dofs, actuators and the end-effector site in one compiled model.
struct ArmIndex {
    var armQpos: [Int] = [], armDof: [Int] = [], lower: [Double] = [], upper: [Double] = []
    var fingerQpos: [Int] = [], fingerDof: [Int] = []
    var armActuators: [Int] = [], fingerActuators: [Int] = []
    var site = 0
    var armBodies: Set<Int> = []
    var fingerBodies: [Int] = []

    init(world: MuJoCoWorld) throws {
        let m = world.model.pointee
        func need(_ type: mjtObj, _ name: String) throws -> Int {
            guard let i = world.id(of: type, named: name) else {
                throw SimError.badModel("the scene has no \(type) named \"\(name)\"")
            }
            return i
        }
        for name in SceneMJCF.armJoints {
            let j = try need(mjOBJ_JOINT, name)
            armQpos.append(Int(m.jnt_qposadr[j])); armDof.append(Int(m.jnt_dofadr[j]))
            lower.append(m.jnt_range[2 * j]); upper.append(m.jnt_range[2 * j + 1])
            armActuators.append(try need(mjOBJ_ACTUATOR, "a\(armActuators.count + 1)"))
        }
        for name in SceneMJCF.fingerJoints {
            let j = try need(mjOBJ_JOINT, name)
            fingerQpos.append(Int(m.jnt_qposadr[j])); fingerDof.append(Int(m.jnt_dofadr[j]))
            fingerActuators.append(try need(mjOBJ_ACTUATOR, name))
            fingerBodies.append(try need(mjOBJ_BODY, name))
        }
        site = try need(mjOBJ_SITE, SceneMJCF.eeSite)
        for name in SceneMJCF.armBodies { armBodies.insert(try need(mjOBJ_BODY, name)) }
    }

    /// Joint values clamped into their ranges, keeping `margin` radians away from the stops.
    func clampToLimits(_ q: [Double], margin: Double = 0.01) -> [Double] {
        q.indices.map { min(max(q[$0], lower[$0] + margin), upper[$0] - margin) }
    }
}

/// Site pose read from an mjData after kinematics: position and the 3x3 rotation (row-major).
struct SitePose {
    var position: SIMD3<Double>
    var rotation: [Double]
    /// Yaw of the site's x axis about world z.
    var yaw: Double { atan2(rotation[3], rotation[0]) }

    init(_ d: UnsafeMutablePointer<mjData>, site: Int) {
        let p = d.pointee.site_xpos + 3 * site, r = d.pointee.site_xmat + 9 * site
        position = SIMD3(p[0], p[1], p[2])
        rotation = (0..<9).map { r[$0] }
    }
}

struct IKResult {
    var q: [Double]
    var achieved: SitePose
    var positionError: Double
    var rotationError: Double
}

enum ArmIK {
    /// Solves for joints that put the site at `target` with tool yaw `yaw`, starting from `q0`.
    /// Joint limits are enforced at every iteration, so an unreachable target ends at the nearest reachable pose.
    static func solve(world: MuJoCoWorld, scratch: UnsafeMutablePointer<mjData>, index: ArmIndex, q0: [Double],
                      target: SIMD3<Double>, yaw: Double, maxIterations: Int = 40,
                      damping: Double = 0.03) throws -> IKResult {
        let nv = Int(world.model.pointee.nv), n = index.armDof.count
        var q = index.clampToLimits(q0)
        var jacp = [Double](repeating: 0, count: 3 * nv), jacr = [Double](repeating: 0, count: 3 * nv)
        let (c, s) = (cos(yaw), sin(yaw))
        let goalAxes: [SIMD3<Double>] = [SIMD3(c, s, 0), SIMD3(-s, c, 0), SIMD3(0, 0, 1)]
        var pose = SitePose(scratch, site: index.site)
        var ep = SIMD3<Double>.zero, er = SIMD3<Double>.zero

        for iteration in 0...maxIterations {
            for i in 0..<n { scratch.pointee.qpos[index.armQpos[i]] = q[i] }
            try world.kinematics(scratch)
            pose = SitePose(scratch, site: index.site)
            ep = target - pose.position
            er = .zero
            for a in 0..<3 {
                let axis = SIMD3(pose.rotation[a], pose.rotation[3 + a], pose.rotation[6 + a])
                er += 0.5 * ikCross(axis, goalAxes[a])
            }
            if length(ep) < 1e-4 && length(er) < 1e-3 || iteration == maxIterations { break }

            // J: 6 x n (rows: position xyz, rotation xyz) over the arm's dofs only.
            world.siteJacobian(scratch, site: index.site, jacp: &jacp, jacr: &jacr)
            var J = [Double](repeating: 0, count: 6 * n)
            for (col, dof) in index.armDof.enumerated() {
                for r in 0..<3 {
                    J[r * n + col] = jacp[r * nv + dof]
                    J[(3 + r) * n + col] = jacr[r * nv + dof]
                }
            }
            let e = [ep.x, ep.y, ep.z, er.x, er.y, er.z]
            // dq = Jᵀ (J Jᵀ + λ² I)⁻¹ e
            var A = [Double](repeating: 0, count: 36)
            for i in 0..<6 {
                for j in 0..<6 {
                    var sum = 0.0
                    for k in 0..<n { sum += J[i * n + k] * J[j * n + k] }
                    A[i * 6 + j] = sum + (i == j ? damping * damping : 0)
                }
            }
            guard let y = solveLinear(A, e, size: 6) else { break }
            var dq = (0..<n).map { k in (0..<6).reduce(0.0) { $0 + J[$1 * n + k] * y[$1] } }
            let biggest = dq.map(abs).max() ?? 0
            if biggest > 0.25 { dq = dq.map { $0 * 0.25 / biggest } }
            q = index.clampToLimits(zip(q, dq).map(+))
        }
        return IKResult(q: q, achieved: pose, positionError: length(ep), rotationError: length(er))
    }

    /// Gaussian elimination with partial pivoting; nil when singular.
    static func solveLinear(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var a = a, b = b
        for col in 0..<n {
            var pivot = col
            for r in col + 1..<n where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
            guard abs(a[pivot * n + col]) > 1e-12 else { return nil }
            if pivot != col {
                for k in 0..<n { a.swapAt(col * n + k, pivot * n + k) }
                b.swapAt(col, pivot)
            }
            for r in col + 1..<n {
                let f = a[r * n + col] / a[col * n + col]
                if f == 0 { continue }
                for k in col..<n { a[r * n + k] -= f * a[col * n + k] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[r]
            for k in r + 1..<n { sum -= a[r * n + k] * x[k] }
            x[r] = sum / a[r * n + r]
        }
        return x
    }
}

@inline(__always) private func ikCross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
/// Length across the table (x and y only).
@inline(__always) func horizontal(_ v: SIMD3<Double>) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }
