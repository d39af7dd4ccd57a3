// Where a remote policy lives and how our observation and action spaces map onto the server's.
// Safety promise 10: loopback only unless the operator explicitly allows another host; TLS and an API key
// are optional; only msgpack and JSON cross the wire (never pickle).
import Foundation
import RobotKit

/// `openpi://HOST:PORT`, `openvla://HOST:PORT`, with `+tls` (`openpi+tls://…`) for wss/https.
public struct RemoteEndpoint: Sendable, Equatable {
    public enum Kind: String, Sendable { case openpi, openvla }
    public var kind: Kind
    public var host: String
    public var port: Int
    public var tls: Bool

    public static func parse(_ url: String) throws -> RemoteEndpoint {
        guard let sep = url.range(of: "://") else {
            throw PolicyError.configuration("'\(url)': expected openpi://HOST:PORT or openvla://HOST:PORT")
        }
        var scheme = String(url[..<sep.lowerBound]).lowercased()
        let tls = scheme.hasSuffix("+tls")
        if tls { scheme.removeLast(4) }
        guard let kind = Kind(rawValue: scheme) else {
            throw PolicyError.configuration("'\(url)': unknown scheme '\(scheme)' (openpi, openvla, optionally with +tls)")
        }
        var rest = String(url[sep.upperBound...])
        if rest.hasSuffix("/") { rest.removeLast() }
        let host: String, portText: String
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {          // [::1]:8000
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            portText = rest[rest.index(after: close)...].hasPrefix(":") ? String(rest[rest.index(close, offsetBy: 2)...]) : ""
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon]); portText = String(rest[rest.index(after: colon)...])
        } else {
            host = rest; portText = ""
        }
        guard !host.isEmpty, !host.contains("/") else { throw PolicyError.configuration("'\(url)': missing or bad host") }
        let port = portText.isEmpty ? 8000 : Int(portText) ?? -1
        guard (1...65535).contains(port) else { throw PolicyError.configuration("'\(url)': port must be 1…65535") }
        return RemoteEndpoint(kind: kind, host: host, port: port, tls: tls)
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { "\(kind.rawValue)\(tls ? "+tls" : "")://\(host):\(port)" }
}

/// Operator choices for a remote link.
public struct RemotePolicyOptions: Sendable {
    /// Sent as `Authorization: Api-Key KEY` (openpi's client convention; also sent to OpenVLA servers).
    public var apiKey: String?
    /// Non-loopback hosts are refused unless this is set (the operator must mean it).
    public var allowNonLoopback = false
    /// Observation/action mapping; nil uses the defaults for the endpoint kind.
    public var mapping: RemoteMapping?
    /// OpenVLA: which dataset statistics un-normalise the actions (e.g. "bridge_orig").
    public var unnormKey: String?
    /// PEM file of CA certificates for TLS; nil uses the system store.
    public var caFile: String?
    public init() {}
}

/// How one server's action row maps onto our `[dx, dy, dz, dyaw, gripper]`.
public struct ActionAdapter: Codable, Sendable, Equatable {
    public struct Axis: Codable, Sendable, Equatable {
        /// Column of the server's action; nil = this component is always 0.
        public var column: Int?
        /// Multiplier from the server's units to metres (or radians) per tick.
        public var scale: Double
        public init(column: Int?, scale: Double) { self.column = column; self.scale = scale }
    }
    public struct Gripper: Codable, Sendable, Equatable {
        public var column: Int?
        /// Linear map: server value `from[0]` → our `to[0]`, `from[1]` → `to[1]` (our 0 = closed, 1 = open).
        public var from: [Double]
        public var to: [Double]
    }
    public var dx: Axis, dy: Axis, dz: Axis, dyaw: Axis
    public var gripper: Gripper

    /// LIBERO (openpi's pi0/pi05 LIBERO checkpoints): 7-D [dx, dy, dz, droll, dpitch, dyaw, gripper] in
    /// [-1, 1], which LIBERO's OSC controller scales to 0.05 m and 0.5 rad; gripper -1 = open, +1 = close.
    /// Roll and pitch are dropped (our arm has no wrist roll/pitch command).
    public static let libero = ActionAdapter(
        dx: Axis(column: 0, scale: 0.05), dy: Axis(column: 1, scale: 0.05), dz: Axis(column: 2, scale: 0.05),
        dyaw: Axis(column: 5, scale: 0.5), gripper: Gripper(column: 6, from: [-1, 1], to: [1, 0]))

    /// OpenVLA with `bridge_orig` statistics: 7-D deltas already in metres/radians; gripper 0 = close, 1 = open.
    public static let bridge = ActionAdapter(
        dx: Axis(column: 0, scale: 1), dy: Axis(column: 1, scale: 1), dz: Axis(column: 2, scale: 1),
        dyaw: Axis(column: 5, scale: 1), gripper: Gripper(column: 6, from: [0, 1], to: [0, 1]))

    /// Server rows (H, D) → our rows (H, 5). Non-finite values are refused here too (the supervisor also checks).
    public func adapt(_ rows: [[Double]], field: String) throws -> [[Double]] {
        guard gripper.from.count == 2, gripper.to.count == 2, gripper.from[0] != gripper.from[1] else {
            throw PolicyError.configuration("adapter.gripper: 'from' and 'to' need two values each, 'from' distinct")
        }
        let axes = [dx, dy, dz, dyaw]
        return try rows.enumerated().map { h, row in
            func read(_ c: Int?, _ what: String) throws -> Double {
                guard let c else { return 0 }
                guard c >= 0, c < row.count else {
                    throw PolicyError.protocolViolation("\(field)[\(h)] has \(row.count) values; the adapter reads column \(c) for \(what)")
                }
                guard row[c].isFinite else { throw PolicyError.protocolViolation("\(field)[\(h)][\(c)] (\(what)) is \(row[c])") }
                return row[c]
            }
            var out = try zip(axes, Action.names).map { axis, name in try read(axis.column, name) * axis.scale }
            let g = try read(gripper.column, "gripper")
            let t = (g - gripper.from[0]) / (gripper.from[1] - gripper.from[0])
            out.append(gripper.column == nil ? 1 : gripper.to[0] + t * (gripper.to[1] - gripper.to[0]))
            return out
        }
    }
}

/// Names on the wire. A JSON file overrides only the fields it names:
/// `{"images": {"observation/image": "front"}, "stateSize": 8, "adapter": {…}}`.
public struct RemoteMapping: Codable, Sendable, Equatable {
    /// Wire key → camera name; "@main" = the first camera not named like a wrist camera, "@wrist" = the first
    /// camera with "wrist" in its name (falling back to the main camera).
    public var images: [String: String]
    /// Wire key for proprioception `[x, y, z, yaw, gripper, joints…]`; nil = not sent.
    public var state: String?
    /// Pad with zeros or truncate the state to this length (LIBERO checkpoints expect 8); nil = as is.
    public var stateSize: Int?
    /// Wire key for the instruction.
    public var prompt: String
    /// [height, width] to resize images to (nearest neighbour) before sending; nil = as captured.
    public var imageSize: [Int]?
    /// Reply key holding the (H, D) action array.
    public var actions: String
    public var adapter: ActionAdapter

    /// openpi's LIBERO example client layout.
    public static let openpiLibero = RemoteMapping(
        images: ["observation/image": "@main", "observation/wrist_image": "@wrist"], state: "observation/state",
        stateSize: 8, prompt: "prompt", imageSize: [224, 224], actions: "actions", adapter: .libero)

    /// OpenVLA deploy.py: one image, the instruction; the reply is the action itself.
    public static let openvlaBridge = RemoteMapping(
        images: ["image": "@main"], state: nil, stateSize: nil, prompt: "instruction", imageSize: [224, 224],
        actions: "action", adapter: .bridge)

    static let knownKeys: Set<String> = ["images", "state", "stateSize", "prompt", "imageSize", "actions", "adapter"]

    /// Loads a mapping file over `base`; unknown keys are errors (a typo must not silently use a default).
    public static func load(path: String, over base: RemoteMapping) throws -> RemoteMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError.configuration("\(path): cannot read the mapping file")
        }
        guard data.count <= 1 << 20 else { throw PolicyError.configuration("\(path): larger than 1 MiB; not a mapping file") }
        let top: [String: Any]
        do {
            guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw PolicyError.configuration("\(path): expected a JSON object at the top level")
            }
            top = obj
        } catch let e as PolicyError { throw e } catch {
            throw PolicyError.configuration("\(path): not valid JSON (\(error.localizedDescription))")
        }
        if let bad = top.keys.sorted().first(where: { !knownKeys.contains($0) }) {
            throw PolicyError.configuration("\(path): unknown key '\(bad)' (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        var m = base
        do {
            func field<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
                guard let v = top[key], !(v is NSNull) else { return nil }
                let d = try JSONSerialization.data(withJSONObject: ["v": v])
                return try JSONDecoder().decode([String: T].self, from: d)["v"]
            }
            if let v = try field("images", [String: String].self) { m.images = v }
            if top["state"] is NSNull { m.state = nil } else if let v = try field("state", String.self) { m.state = v }
            if let v = try field("stateSize", Int.self) { m.stateSize = v }
            if let v = try field("prompt", String.self) { m.prompt = v }
            if let v = try field("imageSize", [Int].self) { m.imageSize = v }
            if let v = try field("actions", String.self) { m.actions = v }
            if let v = try field("adapter", ActionAdapter.self) { m.adapter = v }
        } catch {
            throw PolicyError.configuration("\(path): \(describe(error))")
        }
        if let s = m.imageSize, s.count != 2 || !s.allSatisfy({ (1...4096).contains($0) }) {
            throw PolicyError.configuration("\(path): imageSize must be [height, width], each 1…4096")
        }
        if let n = m.stateSize, !(0...4096).contains(n) { throw PolicyError.configuration("\(path): stateSize must be 0…4096") }
        return m
    }

    /// Picks the camera for a wire key from what the robot has.
    func camera(for spec: String, in frames: [String: Frame]) throws -> Frame {
        let names = frames.keys.sorted()
        let main = names.first { !$0.lowercased().contains("wrist") } ?? names.first
        let chosen: String?
        switch spec {
        case "@main": chosen = main
        case "@wrist": chosen = names.first { $0.lowercased().contains("wrist") } ?? main
        default: chosen = frames[spec] != nil ? spec : nil
        }
        guard let name = chosen, let f = frames[name] else {
            throw PolicyError.configuration("mapping asks for camera '\(spec)' but the robot has [\(names.joined(separator: ", "))]")
        }
        return f
    }

    /// RGB8 pixels, resized by nearest neighbour when `imageSize` is set. Returns (bytes, [H, W, 3]).
    func pixels(of f: Frame) -> ([UInt8], [Int]) {
        guard let s = imageSize, s.count == 2, (s[0], s[1]) != (f.height, f.width), f.width > 0, f.height > 0 else {
            return (f.pixels, [f.height, f.width, 3])
        }
        let (h, w) = (s[0], s[1])
        var out = [UInt8](repeating: 0, count: h * w * 3)
        for y in 0..<h {
            let sy = min(f.height - 1, y * f.height / h)
            for x in 0..<w {
                let sx = min(f.width - 1, x * f.width / w)
                let si = (sy * f.width + sx) * 3, di = (y * w + x) * 3
                out[di] = f.pixels[si]; out[di + 1] = f.pixels[si + 1]; out[di + 2] = f.pixels[si + 2]
            }
        }
        return (out, [h, w, 3])
    }

    func stateVector(_ s: RobotState) -> [Double] {
        var v = s.proprioception
        if let n = stateSize {
            if v.count > n { v.removeLast(v.count - n) } else { v += [Double](repeating: 0, count: n - v.count) }
        }
        return v
    }
}

/// Decoding errors without Foundation's noise: the path to the field and what was wrong.
func describe(_ error: Error) -> String {
    if let e = error as? DecodingError {
        switch e {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            let path = c.codingPath.map(\.stringValue).filter { $0 != "v" }.joined(separator: ".")
            return "\(path.isEmpty ? "" : "field '\(path)': ")\(c.debugDescription)"
        @unknown default: return "\(e)"
        }
    }
    return "\(error)"
}
