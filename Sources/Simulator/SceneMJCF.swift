// The tabletop scene in MJCF, written for vlaterm: a 6-DoF arm of primitive geoms (yaw, shoulder, elbow,
// forearm roll, wrist pitch, tool yaw) with a two-finger parallel gripper, a table, the layout's objects
// and open bins. Grasping is by contact and friction only: no welds, no equality constraints.
//
// Frames: world z up, table top at z = 0, arm base at the origin, the workspace in front along +x.
// With all joints at 0 the upper arm is vertical, the forearm horizontal and the gripper points down;
// the "ee" site (between the fingertips) then has the world orientation, so its yaw is the tool yaw.

enum SceneMJCF {
    /// Names shared with TabletopSim.
    static let armJoints = ["j1", "j2", "j3", "j4", "j5", "j6"]
    static let fingerJoints = ["finger_left", "finger_right"]
    static let eeSite = "ee"
    static let handBody = "hand"
    static let cameraNames = ["front", "overhead", "wrist"]
    /// Finger travel per side (metres): opening 1 = 2 x this gap between the pads.
    static let fingerTravel = 0.045
    static let armBodies = ["link1", "link2", "link3", "link4", "link5", "hand", "finger_left", "finger_right"]

    static func bodyName(of object: ObjectSpec) -> String { "obj_" + object.name.replacing(token: " ", with: "_") }
    static func bodyName(of container: ContainerSpec) -> String { "bin_\(container.color.name)" }

    static func xml(layout: SceneLayout, timestep: Double) -> String {
        """
        <mujoco model="vlaterm-tabletop">
          <compiler angle="radian"/>
          <option timestep="\(timestep)" integrator="Euler" cone="elliptic" impratio="5"/>
          <size njmax="600" nconmax="150"/>
          <default>
            <geom contype="1" conaffinity="3" friction="1 0.01 0.0005" solref="0.005 1" solimp="0.95 0.99 0.001"/>
            <joint limited="true" armature="0.02"/>
            <default class="arm">
              <geom contype="2" conaffinity="1" density="300" rgba="0.72 0.74 0.78 1"/>
              <joint damping="12"/>
              <position kp="500" ctrllimited="true" forcelimited="true" forcerange="-120 120"/>
              <default class="wrist">
                <joint damping="3"/>
                <position kp="150" forcerange="-40 40"/>
              </default>
              <default class="finger">
                <geom density="800" friction="2 0.02 0.001" condim="4" rgba="0.25 0.25 0.28 1"/>
                <joint type="slide" damping="6" armature="0.01"/>
                <position kp="400" forcerange="-20 20"/>
              </default>
            </default>
          </default>
          <worldbody>
            <geom name="floor" type="plane" size="2 2 0.1" pos="0 0 -0.75" rgba="0.32 0.32 0.35 1"/>
            <geom name="table" type="box" size="0.45 0.65 0.375" pos="0.35 0 -0.375" rgba="0.62 0.50 0.36 1"/>
            <camera name="front" pos="0.92 0 0.42" xyaxes="0 1 0 -0.58 0 0.815" fovy="55"/>
            <camera name="overhead" pos="0.42 0 1.05" xyaxes="0 -1 0 1 0 0" fovy="50"/>
        \(arm)
        \(layout.containers.map(container).joined(separator: "\n"))
        \(layout.objects.map(object).joined(separator: "\n"))
          </worldbody>
          <contact>
            <exclude body1="finger_left" body2="finger_right"/>
          </contact>
          <actuator>
            <position name="a1" class="arm" joint="j1" ctrlrange="-2.9 2.9"/>
            <position name="a2" class="arm" joint="j2" ctrlrange="-1.8 1.8"/>
            <position name="a3" class="arm" joint="j3" ctrlrange="-2.7 2.7"/>
            <position name="a4" class="wrist" joint="j4" ctrlrange="-2.9 2.9"/>
            <position name="a5" class="wrist" joint="j5" ctrlrange="-2.2 2.2"/>
            <position name="a6" class="wrist" joint="j6" ctrlrange="-3.1 3.1"/>
            <position name="finger_left" class="finger" joint="finger_left" ctrlrange="0 \(f(fingerTravel))"/>
            <position name="finger_right" class="finger" joint="finger_right" ctrlrange="0 \(f(fingerTravel))"/>
          </actuator>
        </mujoco>
        """
    }

    // Links: base 0.05 high, shoulder at z 0.15, upper arm 0.32, forearm 0.12 + 0.22 to the wrist centre,
    // hand 0.06 below the wrist, fingertips 0.104 below the hand, the ee site 0.015 above the tips.
    private static let arm = """
            <body name="base" pos="0 0 0">
              <geom name="base" type="cylinder" size="0.07 0.025" pos="0 0 0.025" contype="2" conaffinity="1" rgba="0.2 0.2 0.22 1"/>
              <body name="link1" childclass="arm" pos="0 0 0.05">
                <joint name="j1" axis="0 0 1" range="-2.9 2.9"/>
                <geom type="cylinder" size="0.05 0.05" pos="0 0 0.05"/>
                <body name="link2" pos="0 0 0.1">
                  <joint name="j2" axis="0 1 0" range="-1.8 1.8"/>
                  <geom type="capsule" fromto="0 0 0 0 0 0.32" size="0.035"/>
                  <body name="link3" pos="0 0 0.32">
                    <joint name="j3" axis="0 1 0" range="-2.7 2.7"/>
                    <geom type="capsule" fromto="0 0 0 0.12 0 0" size="0.03"/>
                    <body name="link4" pos="0.12 0 0" childclass="wrist">
                      <joint name="j4" axis="1 0 0" range="-2.9 2.9"/>
                      <geom type="capsule" fromto="0 0 0 0.22 0 0" size="0.027"/>
                      <body name="link5" pos="0.22 0 0">
                        <joint name="j5" axis="0 1 0" range="-2.2 2.2"/>
                        <geom type="sphere" size="0.032" rgba="0.3 0.3 0.33 1"/>
                        <body name="hand" pos="0 0 -0.06">
                          <joint name="j6" axis="0 0 1" range="-3.1 3.1"/>
                          <geom type="cylinder" size="0.03 0.02" pos="0 0 0.02"/>
                          <geom name="palm" type="box" size="0.025 0.075 0.012" pos="0 0 -0.012" rgba="0.3 0.3 0.33 1"/>
                          <camera name="wrist" pos="0.045 0 -0.02" xyaxes="0 -1 0 0.94 0 -0.34" fovy="80"/>
                          <site name="ee" pos="0 0 -0.089" size="0.005"/>
                          <body name="finger_left" pos="0 0.008 -0.024" childclass="finger">
                            <joint name="finger_left" axis="0 1 0" range="0 \(f(fingerTravel))"/>
                            <geom name="finger_left" type="box" size="0.012 0.008 0.04" pos="0 0 -0.04"/>
                          </body>
                          <body name="finger_right" pos="0 -0.008 -0.024" childclass="finger">
                            <joint name="finger_right" axis="0 -1 0" range="0 \(f(fingerTravel))"/>
                            <geom name="finger_right" type="box" size="0.012 0.008 0.04" pos="0 0 -0.04"/>
                          </body>
                        </body>
                      </body>
                    </body>
                  </body>
                </body>
              </body>
            </body>
    """

    private static func container(_ c: ContainerSpec) -> String {
        let t = c.wallThickness, h = c.wallHeight, i = c.innerHalf, o = c.outerHalf
        let rgba = "\(f(c.color.rgba.x)) \(f(c.color.rgba.y)) \(f(c.color.rgba.z)) 1"
        return """
            <body name="\(bodyName(of: c))" pos="\(f(c.x)) \(f(c.y)) 0">
              <geom type="box" size="\(f(o)) \(f(o)) \(f(t / 2))" pos="0 0 \(f(t / 2))" rgba="\(rgba)"/>
              <geom type="box" size="\(f(t / 2)) \(f(o)) \(f(h / 2))" pos="\(f(i + t / 2)) 0 \(f(h / 2))" rgba="\(rgba)"/>
              <geom type="box" size="\(f(t / 2)) \(f(o)) \(f(h / 2))" pos="\(f(-i - t / 2)) 0 \(f(h / 2))" rgba="\(rgba)"/>
              <geom type="box" size="\(f(i)) \(f(t / 2)) \(f(h / 2))" pos="0 \(f(i + t / 2)) \(f(h / 2))" rgba="\(rgba)"/>
              <geom type="box" size="\(f(i)) \(f(t / 2)) \(f(h / 2))" pos="0 \(f(-i - t / 2)) \(f(h / 2))" rgba="\(rgba)"/>
            </body>
        """
    }

    private static func object(_ o: ObjectSpec) -> String {
        let rgba = "\(f(o.color.rgba.x)) \(f(o.color.rgba.y)) \(f(o.color.rgba.z)) 1"
        let geom: String
        switch o.shape {
        case .cube:
            geom = #"type="box" size="\#(f(o.halfWidth)) \#(f(o.halfWidth)) \#(f(o.halfHeight))""#
        case .cylinder:
            geom = #"type="cylinder" size="\#(f(o.halfWidth)) \#(f(o.halfHeight))""#
        }
        return """
            <body name="\(bodyName(of: o))" pos="\(f(o.x)) \(f(o.y)) \(f(o.halfHeight + 0.0005))" euler="0 0 \(f(o.yaw))">
              <joint type="free" limited="false" damping="0.0005"/>
              <geom \(geom) density="600" condim="3" rgba="\(rgba)"/>
            </body>
        """
    }

    /// Fixed-point text: MJCF gets the same bytes for the same layout on every machine. (The timestep is written
    /// with Swift's shortest round-trip form instead: it must be exact for ticks to fill whole control periods.)
    static func f(_ v: Double) -> String {
        let scaled = (v * 1_000_000).rounded()
        let negative = scaled < 0
        let units = Int64(abs(scaled))
        let whole = units / 1_000_000, frac = units % 1_000_000
        var fracText = String(frac)
        fracText = String(repeating: "0", count: 6 - fracText.count) + fracText
        return (negative ? "-" : "") + "\(whole).\(fracText)"
    }
}
