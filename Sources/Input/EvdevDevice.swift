// One libevdev device: opened from /dev/input/eventN, or built from a description (evemu replay) so
// capability queries and keymap matching run through libevdev either way.
#if canImport(Glibc)
import Glibc
#endif
import CEvdev

/// Errors from opening and reading evdev nodes, with the fix in the message.
public enum InputDeviceError: Error, Equatable, CustomStringConvertible {
    case permissionDenied(path: String)
    case openFailed(path: String, errno: Int32)
    case notAnInputDevice(path: String, errno: Int32)
    case libevdevFailed(what: String, code: Int32)

    public var description: String {
        switch self {
        case .permissionDenied(let p):
            return """
            \(p): permission denied. Add yourself to the `input` group (`sudo usermod -aG input $USER`, then log in \
            again), or install a udev rule such as \
            `KERNEL=="event*", SUBSYSTEM=="input", ENV{ID_INPUT_JOYSTICK}=="1", TAG+="uaccess"` \
            in /etc/udev/rules.d/70-vlaterm-gamepad.rules and run `sudo udevadm trigger`.
            """
        case .openFailed(let p, let e): return "\(p): cannot open: \(String(cString: strerror(e)))"
        case .notAnInputDevice(let p, let e): return "\(p): not an evdev device (\(String(cString: strerror(-e))))"
        case .libevdevFailed(let w, let c): return "libevdev: \(w) failed (\(String(cString: strerror(c < 0 ? -c : c))))"
        }
    }
}

/// Owns a `struct libevdev*` (and the fd when opened from a node). Not thread-safe: one reader at a time.
public final class EvdevDevice {
    let handle: OpaquePointer
    private let fd: Int32
    public let path: String?

    /// Opens `path` non-blocking. `grab` takes the device exclusively (EVIOCGRAB) so other programs stop seeing it.
    public init(path: String, grab: Bool = false) throws {
        let fd = Glibc.open(path, vt_evdev_open_flags())
        if fd < 0 {
            let e = errno
            if e == EACCES || e == EPERM { throw InputDeviceError.permissionDenied(path: path) }
            throw InputDeviceError.openFailed(path: path, errno: e)
        }
        var dev: OpaquePointer?
        let rc = libevdev_new_from_fd(fd, &dev)
        guard rc == 0, let dev else {
            close(fd)
            throw InputDeviceError.notAnInputDevice(path: path, errno: rc)
        }
        if grab {
            let g = libevdev_grab(dev, LIBEVDEV_GRAB)
            if g < 0 { libevdev_free(dev); close(fd); throw InputDeviceError.libevdevFailed(what: "EVIOCGRAB on \(path)", code: g) }
        }
        // Event timestamps on the monotonic clock, the same one the control tick reads.
        _ = libevdev_set_clock_id(dev, CLOCK_MONOTONIC)
        self.handle = dev; self.fd = fd; self.path = path
    }

    /// A device with no fd whose capabilities come from a description (an evemu file's header).
    public init(describing info: InputDeviceInfo) throws {
        guard let dev = libevdev_new() else { throw InputDeviceError.libevdevFailed(what: "libevdev_new", code: ENOMEM) }
        libevdev_set_name(dev, info.name)
        libevdev_set_id_bustype(dev, Int32(info.id.bus))
        libevdev_set_id_vendor(dev, Int32(info.id.vendor))
        libevdev_set_id_product(dev, Int32(info.id.product))
        libevdev_set_id_version(dev, Int32(info.id.version))
        for code in info.keys {
            let rc = libevdev_enable_event_code(dev, UInt32(EV_KEY), UInt32(code), nil)
            if rc != 0 { libevdev_free(dev); throw InputDeviceError.libevdevFailed(what: "enable EV_KEY 0x\(String(code, radix: 16))", code: EINVAL) }
        }
        for (code, a) in info.axes {
            var abs = input_absinfo(value: a.value, minimum: a.minimum, maximum: a.maximum,
                                    fuzz: a.fuzz, flat: a.flat, resolution: a.resolution)
            let rc = libevdev_enable_event_code(dev, UInt32(EV_ABS), UInt32(code), &abs)
            if rc != 0 { libevdev_free(dev); throw InputDeviceError.libevdevFailed(what: "enable EV_ABS 0x\(String(code, radix: 16))", code: EINVAL) }
        }
        self.handle = dev; self.fd = -1; self.path = nil
    }

    /// Takes the device exclusively (EVIOCGRAB): other programs stop receiving its events while we hold it.
    public func grabExclusively() throws {
        let g = libevdev_grab(handle, LIBEVDEV_GRAB)
        if g < 0 { throw InputDeviceError.libevdevFailed(what: "EVIOCGRAB on \(path ?? "device")", code: g) }
    }

    deinit {
        libevdev_free(handle)
        if fd >= 0 { close(fd) }
    }

    /// Name, ids and capabilities, queried from libevdev.
    public var info: InputDeviceInfo {
        let name = libevdev_get_name(handle).map { String(cString: $0) } ?? ""
        let id = DeviceID(bus: UInt16(truncatingIfNeeded: libevdev_get_id_bustype(handle)),
                          vendor: UInt16(truncatingIfNeeded: libevdev_get_id_vendor(handle)),
                          product: UInt16(truncatingIfNeeded: libevdev_get_id_product(handle)),
                          version: UInt16(truncatingIfNeeded: libevdev_get_id_version(handle)))
        var keys: [UInt16] = []
        if libevdev_has_event_type(handle, UInt32(EV_KEY)) != 0 {
            for c in 0...UInt32(KEY_MAX) where libevdev_has_event_code(handle, UInt32(EV_KEY), c) != 0 { keys.append(UInt16(c)) }
        }
        var axes: [UInt16: AbsInfo] = [:]
        if libevdev_has_event_type(handle, UInt32(EV_ABS)) != 0 {
            for c in 0...UInt32(ABS_MAX) {
                guard let a = libevdev_get_abs_info(handle, c)?.pointee else { continue }
                axes[UInt16(c)] = AbsInfo(minimum: a.minimum, maximum: a.maximum, fuzz: a.fuzz, flat: a.flat,
                                          resolution: a.resolution, value: a.value)
            }
        }
        return InputDeviceInfo(name: name, id: id, keys: keys, axes: axes)
    }

    /// Current value of every key and axis as libevdev tracks it: a complete, consistent state.
    func stateSnapshot(time: Double) -> [RawInputEvent] {
        let i = info
        var out: [RawInputEvent] = []
        for k in i.keys {
            out.append(RawInputEvent(time: time, type: EvdevCodes.evKey, code: k,
                                     value: libevdev_get_event_value(handle, UInt32(EV_KEY), UInt32(k))))
        }
        for a in i.sortedAxisCodes {
            out.append(RawInputEvent(time: time, type: EvdevCodes.evAbs, code: a,
                                     value: libevdev_get_event_value(handle, UInt32(EV_ABS), UInt32(a))))
        }
        return out
    }

    /// Reads everything the kernel has queued, without blocking. A SYN_DROPPED is passed on (so the assembler
    /// throws away the half-frame), libevdev's resync is drained, and the synced state arrives as `.resynced`.
    /// ENODEV (unplugged) or any other read error ends in `.lost`.
    func readAvailable(into out: inout [GamepadInput]) {
        var ev = input_event()
        let normal = UInt32(LIBEVDEV_READ_FLAG_NORMAL.rawValue)
        let sync = UInt32(LIBEVDEV_READ_FLAG_SYNC.rawValue)
        // Bounded so a device that floods us cannot starve the control tick.
        for _ in 0..<4096 {
            let rc = libevdev_next_event(handle, normal, &ev)
            if rc == -EAGAIN { return }
            if rc == -EINTR { continue }   // a signal, not the device
            if rc == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue) {
                let t = Self.seconds(ev)
                out.append(.event(RawInputEvent(time: t, type: EvdevCodes.evSyn, code: EvdevCodes.synDropped, value: 0)))
                var drained = 0
                while libevdev_next_event(handle, sync, &ev) == Int32(LIBEVDEV_READ_STATUS_SYNC.rawValue), drained < 4096 {
                    drained += 1
                }
                out.append(.resynced(stateSnapshot(time: t)))
                continue
            }
            if rc < 0 {
                let why = rc == -ENODEV ? "device removed" : String(cString: strerror(-rc))
                out.append(.lost(reason: "\(path ?? "device"): \(why)"))
                return
            }
            out.append(.event(RawInputEvent(time: Self.seconds(ev), type: UInt16(ev.type), code: ev.code, value: ev.value)))
        }
    }

    private static func seconds(_ ev: input_event) -> Double {
        var e = ev
        return Double(vt_input_event_sec(&e)) + Double(vt_input_event_usec(&e)) * 1e-6
    }
}
