// Module Simulator: the MuJoCo tabletop world, tasks, scripted expert and CPU renderer (issue #2).
import CMuJoCo

/// The MuJoCo library version linked at run time, e.g. 222 for 2.2.2.
public var mujocoVersion: Int { Int(mj_version()) }
