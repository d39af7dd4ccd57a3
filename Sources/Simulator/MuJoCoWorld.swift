// The one place that calls MuJoCo's C API through the shim's trapped wrappers (see Sources/CMuJoCo/shim.h:
// its static handler state is per object file, so every vt_mj_* call lives in this file).
import CMuJoCo

/// Installs MuJoCo's error and warning handlers once per process, before any model is loaded.
private let handlersInstalled: Bool = {
    vt_mj_install_handlers()
    return true
}()

/// An mjModel with its mjData, freed together. Errors raised inside MuJoCo come back as `SimError`.
final class MuJoCoWorld {
    let model: UnsafeMutablePointer<mjModel>
    let data: UnsafeMutablePointer<mjData>
    /// A second mjData of the same model for IK, so solving never disturbs the live state.
    let scratch: UnsafeMutablePointer<mjData>

    /// Compiles MJCF text (never touches the file system). Throws `SimError.badModel` with MuJoCo's message.
    init(mjcf: String) throws {
        _ = handlersInstalled
        var error = [CChar](repeating: 0, count: 1024)
        let bytes = Array(mjcf.utf8)
        guard !bytes.isEmpty else { throw SimError.badModel("empty MJCF text") }
        let loaded: UnsafeMutablePointer<mjModel>? = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { ptr in
                vt_mj_load_xml_string(ptr, Int32(buf.count), &error, Int32(error.count))
            }
        }
        guard let model = loaded else {
            let text = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SimError.badModel(text.isEmpty ? "mj_loadXML failed without a message" : text)
        }
        guard let data = vt_mj_make_data_trapped(model) else {
            mj_deleteModel(model)
            throw SimError.mujoco("mj_makeData: \(MuJoCoWorld.lastError())")
        }
        guard let scratch = vt_mj_make_data_trapped(model) else {
            mj_deleteData(data)
            mj_deleteModel(model)
            throw SimError.mujoco("mj_makeData: \(MuJoCoWorld.lastError())")
        }
        self.model = model
        self.data = data
        self.scratch = scratch
    }

    deinit {
        mj_deleteData(scratch)
        mj_deleteData(data)
        mj_deleteModel(model)
    }

    static func lastError() -> String { String(cString: vt_mj_error_text()) }
    static func lastWarning() -> String { String(cString: vt_mj_warning_text()) }
    /// Errors MuJoCo raised on this thread outside any trap (it then carried on; the data is suspect).
    static func untrappedErrorCount() -> Int { vt_mj_untrapped_error_count().pointee }

    private func trapped(_ what: String, _ fn: vt_mj_model_data_fn, _ d: UnsafeMutablePointer<mjData>) throws {
        if vt_mj_call_trapped(fn, model, d) != 0 {
            throw SimError.mujoco("\(what): \(MuJoCoWorld.lastError())")
        }
    }

    func step() throws { try trapped("mj_step", { m, d in mj_step(m, d) }, data) }
    /// `n` mj_steps in one C loop (no per-step Swift work): MuJoCo's raw speed on this model.
    func stepLoopInC(_ n: Int) throws {
        if vt_mj_step_n_trapped(model, data, Int32(clamping: n)) != 0 {
            throw SimError.mujoco("mj_step: \(MuJoCoWorld.lastError())")
        }
    }

    func forward() throws { try trapped("mj_forward", { m, d in mj_forward(m, d) }, data) }
    func reset() throws {
        try trapped("mj_resetData", { m, d in mj_resetData(m, d) }, data)
        vt_mj_clear_warnings(data)
    }

    /// Forward kinematics plus the com-based quantities mj_jacSite needs, on any mjData of this model.
    func kinematics(_ d: UnsafeMutablePointer<mjData>) throws {
        try trapped("mj_kinematics", { m, d in mj_kinematics(m, d); mj_comPos(m, d) }, d)
    }

    /// Translational and rotational Jacobians of a site (each 3 x nv, row-major) on `d`.
    func siteJacobian(_ d: UnsafeMutablePointer<mjData>, site: Int, jacp: inout [Double], jacr: inout [Double]) {
        jacp.withUnsafeMutableBufferPointer { p in
            jacr.withUnsafeMutableBufferPointer { r in
                mj_jacSite(model, d, p.baseAddress, r.baseAddress, Int32(site))
            }
        }
    }

    /// The normal component of contact `i`'s force (newtons).
    func contactNormalForce(_ i: Int) -> Double {
        var f = [Double](repeating: 0, count: 6)
        mj_contactForce(model, data, Int32(i), &f)
        return abs(f[0])
    }

    /// The warning count MuJoCo keeps in mjData for one mjtWarning.
    func warningCount(_ w: mjtWarning) -> Int { Int(vt_mj_warning_number(data, Int32(w.rawValue))) }

    func id(of type: mjtObj, named name: String) -> Int? {
        let i = Int(mj_name2id(model, Int32(type.rawValue), name))
        return i >= 0 ? i : nil
    }
}
