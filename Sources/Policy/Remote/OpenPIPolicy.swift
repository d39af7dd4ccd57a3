// openpi's websocket protocol (openpi_client.WebsocketClientPolicy ↔ openpi.serving.WebsocketPolicyServer):
// on connect the server sends one binary frame with its metadata (a msgpack map); then each binary frame we
// send (a msgpack observation) is answered by one binary frame (a msgpack map with `actions`, shape (H, D)).
// A text frame is the server's traceback. Any error or missed deadline drops the connection, so a reply that
// was still on its way can never be read as the answer to the next request.
import Foundation
import RobotKit

public final class OpenPIPolicy: Policy {
    public let name: String
    public private(set) var chunkSize = 10
    public let endpoint: RemoteEndpoint
    public let mapping: RemoteMapping
    let options: RemotePolicyOptions
    let clock: any Clock
    private var socket: WebSocketClient?
    /// What the server said about itself on connect (robot type, action horizon, …), for `--json` reports.
    public private(set) var serverMetadata: MsgPack?
    /// Connections opened so far (a deadline miss or error drops the connection; tests check it is re-opened).
    public private(set) var connectionsOpened = 0

    public init(endpoint: RemoteEndpoint, options: RemotePolicyOptions = RemotePolicyOptions(), clock: any Clock = MonotonicClock()) throws {
        try checkLoopback(endpoint, options)
        self.endpoint = endpoint
        self.options = options
        self.mapping = options.mapping ?? .openpiLibero
        self.clock = clock
        self.name = endpoint.description
    }

    public func reset() {}   // openpi policies keep no per-episode state on the client side

    public func infer(_ request: PolicyRequest) throws -> ActionChunk {
        do {
            let ws = try connection(deadline: request.deadline)
            try ws.send(binary: MsgPackEncoder.encode(try observation(request)), deadline: request.deadline)
            let reply: [UInt8]
            switch try ws.receive(deadline: request.deadline) {
            case .text(let t): throw PolicyError.server("\(name): \(clip(t))")
            case .binary(let b): reply = b
            }
            return try decodeReply(reply)
        } catch {
            drop()
            throw error
        }
    }

    /// Closes the connection; the next request opens a new one.
    public func drop() {
        socket?.close()
        socket = nil
    }

    private func connection(deadline: Double) throws -> WebSocketClient {
        if let s = socket, s.isOpen { return s }
        let stream = try openStream(endpoint, options: options, deadline: deadline, clock: clock)
        let headers = options.apiKey.map { [("Authorization", "Api-Key \($0)")] } ?? []
        let ws = try WebSocketClient.connect(stream: stream, host: endpoint.host, port: endpoint.port, headers: headers, deadline: deadline)
        connectionsOpened += 1
        socket = ws
        switch try ws.receive(deadline: deadline) {
        case .text(let t): throw PolicyError.server("\(name) on connect: \(clip(t))")
        case .binary(let b):
            let meta = try decodeMsgPack(b, what: "metadata")
            guard case .map = meta else { throw PolicyError.protocolViolation("\(name): metadata is \(meta.typeName), expected a map") }
            serverMetadata = meta
            if let h = meta["action_horizon"]?.intValue, (1...1024).contains(h) { chunkSize = h }
        }
        return ws
    }

    func observation(_ r: PolicyRequest) throws -> MsgPack {
        var pairs: [MsgPackPair] = []
        for key in mapping.images.keys.sorted() {
            let (bytes, shape) = mapping.pixels(of: try mapping.camera(for: mapping.images[key] ?? "@main", in: r.observation.frames))
            pairs.append(MsgPackPair(.string(key), NumpyWire.msgpack(uint8: bytes, shape: shape)))
        }
        if let key = mapping.state {
            pairs.append(MsgPackPair(.string(key), NumpyWire.msgpack(float32: mapping.stateVector(r.observation.state))))
        }
        pairs.append(MsgPackPair(.string(mapping.prompt), .string(r.instruction)))
        return .map(pairs)
    }

    func decodeReply(_ bytes: [UInt8]) throws -> ActionChunk {
        let reply = try decodeMsgPack(bytes, what: "reply")
        guard case .map(let pairs) = reply else { throw PolicyError.protocolViolation("\(name): reply is \(reply.typeName), expected a map") }
        guard let a = reply[mapping.actions] else {
            let keys = pairs.compactMap(\.key.stringValue).prefix(10).joined(separator: ", ")
            throw PolicyError.protocolViolation("\(name): reply has no '\(mapping.actions)' (keys: \(keys))")
        }
        let array = try NumpyWire.decode(msgpack: a, field: mapping.actions)
        guard let rows = array.rows, !rows.isEmpty, rows[0].count > 0 else {
            throw PolicyError.protocolViolation("\(name): '\(mapping.actions)' has shape \(array.shape), expected (H, D)")
        }
        let ms = reply["server_timing"]?["infer_ms"]?.doubleValue ?? reply["policy_timing"]?["infer_ms"]?.doubleValue
        return ActionChunk(actions: try mapping.adapter.adapt(rows, field: mapping.actions), done: false, inferenceMs: ms ?? 0)
    }

    private func decodeMsgPack(_ b: [UInt8], what: String) throws -> MsgPack {
        do { return try MsgPackDecoder().decode(b) } catch let e as MsgPackError {
            throw PolicyError.protocolViolation("\(name) \(what): \(e)")
        }
    }
}

/// Safety promise 10: a non-loopback host needs the operator's explicit permission.
func checkLoopback(_ e: RemoteEndpoint, _ o: RemotePolicyOptions) throws {
    guard e.isLoopback || o.allowNonLoopback else {
        throw PolicyError.configuration("\(e.description) is not a loopback address; remote links must be allowed explicitly (--allow-remote), preferably with +tls and an API key")
    }
}

/// Opens TCP, or TLS over TCP for `+tls` endpoints.
func openStream(_ e: RemoteEndpoint, options: RemotePolicyOptions, deadline: Double, clock: any Clock) throws -> ByteStream {
    let tcp = try TCPStream.connect(host: e.host, port: e.port, deadline: deadline, clock: clock)
    guard e.tls else { return tcp }
    return try TLSStream.wrap(tcp, host: e.host, caFile: options.caFile, deadline: deadline, clock: clock)
}

/// Server text in log lines: the last lines of a traceback say what went wrong; cap the size.
func clip(_ s: String, max: Int = 2000) -> String {
    s.count <= max ? s : "…" + s.suffix(max)
}
