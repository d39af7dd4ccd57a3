// From raw axis values to normalised controls: pure functions of (frame, device ranges, keymap).
// Per axis, in this order: normalise by the device's absinfo → deadzone (with the rest rescaled so output
// starts at 0 just outside it) → expo → invert → scale → clamp to -1...1.

/// The controls after the keymap, for one frame.
public struct MappedControls: Sendable, Equatable {
    /// Normalised -1...1 per axis.
    public var linear: SIMD3<Double> = .zero
    public var yaw: Double = 0
    /// Gripper target 0 (closed) ... 1 (open) from an analog trigger; nil when the keymap uses a toggle.
    public var gripperAnalog: Double?
    public var pressed: Set<ButtonControl> = []

    public init() {}

    /// Sticks at rest (after deadzones).
    public var isNeutral: Bool { linear == .zero && yaw == 0 }
}

public enum AxisMath {
    /// -1 at the minimum, +1 at the maximum, 0 at the centre of the range.
    public static func bipolar(_ raw: Int32, _ info: AbsInfo) -> Double {
        let lo = Double(info.minimum), hi = Double(info.maximum)
        guard hi > lo else { return 0 }
        let n = (Double(raw) - (lo + hi) / 2) / ((hi - lo) / 2)
        return min(max(n, -1), 1)
    }

    /// 0 at the minimum (trigger released), 1 at the maximum (fully pulled).
    public static func unipolar(_ raw: Int32, _ info: AbsInfo) -> Double {
        let lo = Double(info.minimum), hi = Double(info.maximum)
        guard hi > lo else { return 0 }
        return min(max((Double(raw) - lo) / (hi - lo), 0), 1)
    }

    /// Deadzone then expo on a value in -1...1 (sign-preserving). `expo` blends linear and cubic:
    /// (1 - e)·x + e·x³, so 0 is linear and 1 is fully cubic (fine control near the centre).
    public static func shape(_ n: Double, deadzone: Double, expo: Double) -> Double {
        let a = abs(n)
        guard a > deadzone else { return 0 }
        let x = (a - deadzone) / (1 - deadzone)
        let y = (1 - expo) * x + expo * x * x * x
        return n < 0 ? -y : y
    }
}

extension AxisBinding {
    /// Stick axes: -1...1. The gripper axis: target opening 0...1 (pulling the trigger closes; invert flips).
    public func map(raw: Int32, info: AbsInfo?) -> Double {
        guard let info else { return axis == .gripper ? 1 : 0 }
        if axis == .gripper {
            let pull = min(AxisMath.shape(AxisMath.unipolar(raw, info), deadzone: deadzone, expo: expo) * scale, 1)
            return invert ? pull : 1 - pull
        }
        var v = AxisMath.shape(AxisMath.bipolar(raw, info), deadzone: deadzone, expo: expo)
        if invert { v = -v }
        return min(max(v * scale, -1), 1)
    }
}

extension InputTrigger {
    /// Keys: non-zero value. Axis directions: past half the range that way.
    public func isActive(in frame: GamepadFrame, device: InputDeviceInfo) -> Bool {
        switch self {
        case .key(let c): return frame.isPressed(c)
        case .axisPositive(let c):
            guard let info = device.axes[c], let v = frame.axes[c] else { return false }
            return AxisMath.bipolar(v, info) > 0.5
        case .axisNegative(let c):
            guard let info = device.axes[c], let v = frame.axes[c] else { return false }
            return AxisMath.bipolar(v, info) < -0.5
        }
    }
}

extension Keymap {
    public func map(_ frame: GamepadFrame, device: InputDeviceInfo) -> MappedControls {
        var m = MappedControls()
        func value(_ a: MotionAxis) -> Double? {
            guard let b = axes[a] else { return nil }
            let info = device.axes[b.code]
            return b.map(raw: frame.axes[b.code] ?? info?.value ?? 0, info: info)
        }
        m.linear = SIMD3(value(.x) ?? 0, value(.y) ?? 0, value(.z) ?? 0)
        m.yaw = value(.yaw) ?? 0
        m.gripperAnalog = value(.gripper)
        for b in buttons where b.trigger.isActive(in: frame, device: device) { m.pressed.insert(b.control) }
        return m
    }

    /// Codes this keymap needs that the device does not report (shown by `devices`, warned at connect).
    public func missingCodes(on device: InputDeviceInfo) -> [String] {
        var out: [String] = []
        for a in axes.values.sorted(by: { $0.line < $1.line }) where device.axes[a.code] == nil { out.append(a.codeName) }
        for b in buttons {
            switch b.trigger {
            case .key(let c): if !device.keys.contains(c) { out.append(b.trigger.name) }
            case .axisPositive(let c), .axisNegative(let c): if device.axes[c] == nil { out.append(b.trigger.name) }
            }
        }
        return out
    }
}
