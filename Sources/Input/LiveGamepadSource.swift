// A real pad: /dev/input/eventN through libevdev, non-blocking, with re-plug through inotify on /dev/input.
#if canImport(Glibc)
import Glibc
#endif
import CEvdev

public final class LiveGamepadSource: GamepadEventSource {
    /// nil = the first gamepad found; otherwise this node only.
    private let requestedPath: String?
    private let grab: Bool
    private var device: EvdevDevice?
    private var lastID: DeviceID?
    private var inotifyFD: Int32 = -1
    private var needsScan = true
    private var lastScan = -Double.infinity
    /// Why the last open failed (e.g. permission denied with the fix), for the console and `devices`.
    public private(set) var lastProblem: String?

    public var label: String { device?.path ?? requestedPath ?? "auto" }

    public init(path: String?, grab: Bool = false) {
        requestedPath = path
        self.grab = grab
        let fd = inotify_init1(vt_inotify_flags())
        if fd >= 0 {
            if inotify_add_watch(fd, DeviceScanner.inputDirectory, vt_inotify_mask()) < 0 { close(fd) } else { inotifyFD = fd }
        }
    }

    deinit { if inotifyFD >= 0 { close(inotifyFD) } }

    public func read(until now: Double) -> [GamepadInput] {
        var out: [GamepadInput] = []
        if drainInotify() { needsScan = true }
        // Without inotify (no /dev/input yet, or the watch failed) look again once a second.
        if inotifyFD < 0, now - lastScan >= 1 { needsScan = true }
        if device == nil, needsScan {
            needsScan = false
            lastScan = now
            if let (dev, info) = openDevice() {
                device = dev
                lastID = info.id
                out.append(.connected(info))
                // Baseline: the pad's state right now, as one complete frame.
                out.append(.resynced(dev.stateSnapshot(time: now)))
            }
        }
        guard let dev = device else { return out }
        dev.readAvailable(into: &out)
        if case .lost = out.last {
            device = nil   // closes the fd; inotify tells us when a node comes back
            needsScan = true
        }
        return out
    }

    /// True when something changed in /dev/input (created, permissions set by udev, removed).
    private func drainInotify() -> Bool {
        guard inotifyFD >= 0 else { return false }
        var buf = [UInt8](repeating: 0, count: 4096)
        var changed = false
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(inotifyFD, $0.baseAddress, $0.count) }
            if n <= 0 { return changed }
            changed = true
        }
    }

    private func openDevice() -> (EvdevDevice, InputDeviceInfo)? {
        let paths = requestedPath.map { [$0] } ?? DeviceScanner.eventNodes()
        var candidates: [(EvdevDevice, InputDeviceInfo)] = []
        lastProblem = nil
        for p in paths {
            do {
                let d = try EvdevDevice(path: p)
                let info = d.info
                if requestedPath != nil || info.isGamepad { candidates.append((d, info)) }
            } catch {
                lastProblem = "\(error)"
            }
        }
        // After a re-plug prefer the same pad (same ids) over any other gamepad.
        guard let chosen = candidates.first(where: { $0.1.id == lastID }) ?? candidates.first else {
            if lastProblem == nil { lastProblem = requestedPath == nil ? "no gamepad found in /dev/input" : "\(requestedPath ?? "") is not readable" }
            return nil
        }
        if grab {
            do { try chosen.0.grabExclusively() } catch { lastProblem = "\(error)"; return nil }
        }
        lastProblem = nil
        return chosen
    }
}
