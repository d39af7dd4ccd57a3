// OpenVLA's REST deploy API (vla-scripts/deploy.py): POST /act with JSON {"image": json_numpy (H, W, 3) uint8,
// "instruction": str, "unnorm_key": str?}; the reply is the action as json_numpy (7-D), or the JSON string
// "error" when the server failed. One connection per request (`Connection: close`), so a missed deadline just
// drops the socket.
import Foundation
import RobotKit

public final class OpenVLAPolicy: Policy {
    public let name: String
    public let chunkSize = 1
    public let endpoint: RemoteEndpoint
    public let mapping: RemoteMapping
    let options: RemotePolicyOptions
    let clock: any Clock

    public init(endpoint: RemoteEndpoint, options: RemotePolicyOptions = RemotePolicyOptions(), clock: any Clock = MonotonicClock()) throws {
        try checkLoopback(endpoint, options)
        self.endpoint = endpoint
        self.options = options
        self.mapping = options.mapping ?? .openvlaBridge
        self.clock = clock
        self.name = endpoint.description
    }

    public func reset() {}

    public func infer(_ r: PolicyRequest) throws -> ActionChunk {
        var body: [String: Any] = [mapping.prompt: r.instruction]
        for (key, cam) in mapping.images {
            let (bytes, shape) = mapping.pixels(of: try mapping.camera(for: cam, in: r.observation.frames))
            body[key] = NumpyWire.jsonNumpy(uint8: bytes, shape: shape)
        }
        if let k = options.unnormKey { body["unnorm_key"] = k }
        let json = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let key = options.apiKey { headers.append(("Authorization", "Api-Key \(key)")) }
        let stream = try openStream(endpoint, options: options, deadline: r.deadline, clock: clock)
        let resp = try HTTPClient.post(stream: stream, host: endpoint.host, port: endpoint.port, path: "/act",
                                       headers: headers, body: [UInt8](json), deadline: r.deadline)
        guard resp.status == 200 else {
            throw PolicyError.server("\(name): HTTP \(resp.status): \(clip(String(decoding: resp.body.prefix(500), as: UTF8.self)))")
        }
        return try decodeReply(resp.body)
    }

    func decodeReply(_ body: [UInt8]) throws -> ActionChunk {
        let top: Any
        do { top = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) } catch {
            throw PolicyError.protocolViolation("\(name): reply is not JSON (\(body.count) bytes)")
        }
        if let s = top as? String {
            throw PolicyError.server("\(name) replied \"\(clip(s, max: 200))\" (the server log has the traceback; check image/instruction/unnorm_key)")
        }
        // deploy.py returns the array itself; some forks wrap it as {"action": …}.
        let value = (top as? [String: Any]).flatMap { $0["__numpy__"] == nil ? $0[mapping.actions] : nil } ?? top
        let array = try NumpyWire.decode(json: value, field: mapping.actions)
        guard let rows = array.rows, !rows.isEmpty, rows[0].count > 0 else {
            throw PolicyError.protocolViolation("\(name): '\(mapping.actions)' has shape \(array.shape), expected (D) or (H, D)")
        }
        return ActionChunk(actions: try mapping.adapter.adapt(rows, field: mapping.actions))
    }
}

/// `openpi://…` or `openvla://…` → the matching client.
public enum RemotePolicies {
    public static func make(url: String, options: RemotePolicyOptions = RemotePolicyOptions(),
                            clock: any Clock = MonotonicClock()) throws -> Policy {
        let e = try RemoteEndpoint.parse(url)
        switch e.kind {
        case .openpi: return try OpenPIPolicy(endpoint: e, options: options, clock: clock)
        case .openvla: return try OpenVLAPolicy(endpoint: e, options: options, clock: clock)
        }
    }
}
