// A minimal RFC 6455 WebSocket client: opening handshake (Sec-WebSocket-Key/Accept), masked client frames,
// fragmented messages, ping/pong, close. Server frames are hostile: reserved bits, masking, oversize lengths
// and malformed control frames are protocol violations, and a length is checked before anything is allocated.
import Foundation
import RobotKit

final class WebSocketClient {
    enum Message: Equatable { case binary([UInt8]), text(String) }

    private let stream: ByteStream
    private let reader: StreamReader
    /// Largest message accepted (sum of fragments). openpi replies are kilobytes; 16 MiB leaves room for metadata.
    let maxMessageBytes: Int
    let peer: String
    private(set) var isOpen = true

    static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    private init(stream: ByteStream, peer: String, maxMessageBytes: Int) {
        self.stream = stream; self.reader = StreamReader(stream); self.peer = peer; self.maxMessageBytes = maxMessageBytes
    }

    /// Opens the connection and completes the handshake by `deadline`. `headers` carry e.g. the API key.
    static func connect(stream: ByteStream, host: String, port: Int, path: String = "/", headers: [(String, String)] = [],
                        deadline: Double, maxMessageBytes: Int = 16 << 20) throws -> WebSocketClient {
        let ws = WebSocketClient(stream: stream, peer: "\(host):\(port)", maxMessageBytes: maxMessageBytes)
        do {
            try ws.handshake(host: host, port: port, path: path, headers: headers, deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        return ws
    }

    static func acceptValue(forKey key: String) -> String {
        Data(SHA1.digest(Array((key + acceptGUID).utf8))).base64EncodedString()
    }

    private func handshake(host: String, port: Int, path: String, headers: [(String, String)], deadline: Double) throws {
        var rng = SystemRandomNumberGenerator()
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }).base64EncodedString()
        var req = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        req += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (k, v) in headers { req += "\(k): \(v)\r\n" }
        req += "\r\n"
        try stream.write(Array(req.utf8), deadline: deadline)

        let status = try reader.readLine(maxLength: 8192, deadline: deadline, what: "handshake status line")
        let parts = status.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
            throw PolicyError.protocolViolation("\(peer): not an HTTP reply to the WebSocket handshake: \(status.prefix(80))")
        }
        let fields = try readHeaders(reader, deadline: deadline, what: "handshake")
        guard code == 101 else {
            let hint = code == 401 || code == 403 ? " (check the API key)" : ""
            throw PolicyError.transport("\(peer) refused the WebSocket upgrade: HTTP \(code)\(hint)")
        }
        guard fields["upgrade"]?.lowercased() == "websocket" else {
            throw PolicyError.protocolViolation("\(peer): handshake reply lacks 'Upgrade: websocket'")
        }
        guard fields["sec-websocket-accept"] == WebSocketClient.acceptValue(forKey: key) else {
            throw PolicyError.protocolViolation("\(peer): wrong Sec-WebSocket-Accept in the handshake reply")
        }
    }

    func send(binary payload: [UInt8], deadline: Double) throws {
        try sendFrame(opcode: 0x2, payload, deadline: deadline)
    }

    func send(text: String, deadline: Double) throws {
        try sendFrame(opcode: 0x1, Array(text.utf8), deadline: deadline)
    }

    private func sendFrame(opcode: UInt8, _ payload: [UInt8], deadline: Double) throws {
        guard isOpen else { throw PolicyError.transport("websocket to \(peer) is closed") }
        let n = payload.count
        var frame: [UInt8] = []
        frame.reserveCapacity(14 + n)
        frame.append(0x80 | opcode)
        if n < 126 { frame.append(0x80 | UInt8(n)) }
        else if n < 0x10000 { frame.append(0x80 | 126); frame += [UInt8(n >> 8), UInt8(n & 0xff)] }
        else { frame.append(0x80 | 127); for s in stride(from: 56, through: 0, by: -8) { frame.append(UInt8(truncatingIfNeeded: UInt64(n) >> UInt64(s))) } }
        var rng = SystemRandomNumberGenerator()
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
        frame += mask
        let start = frame.count
        frame += payload
        // XOR 8 bytes at a time with the key repeated (images make payloads of hundreds of kilobytes).
        let key8 = UInt64(mask[0]) | UInt64(mask[1]) << 8 | UInt64(mask[2]) << 16 | UInt64(mask[3]) << 24
        let wide = key8 | key8 << 32
        frame.withUnsafeMutableBytes { raw in
            let words = n / 8
            for w in 0..<words {
                let o = start + w * 8
                raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self) ^ wide, toByteOffset: o, as: UInt64.self)
            }
            for i in (words * 8)..<n { raw[start + i] ^= mask[i & 3] }
        }
        try stream.write(frame, deadline: deadline)
    }

    /// The next data message; answers pings, skips pongs, turns a close frame into `.transport` with the reason.
    func receive(deadline: Double) throws -> Message {
        var opcode: UInt8?
        var message: [UInt8] = []
        while true {
            let head = try reader.readExact(2, deadline: deadline)
            let fin = head[0] & 0x80 != 0
            let op = head[0] & 0x0f
            guard head[0] & 0x70 == 0 else { throw violation("reserved bits set (no extension was negotiated)") }
            guard head[1] & 0x80 == 0 else { throw violation("server frames must not be masked") }
            var len = UInt64(head[1] & 0x7f)
            if len == 126 { len = try be(2, deadline) } else if len == 127 {
                len = try be(8, deadline)
                guard len >> 63 == 0 else { throw violation("64-bit length with the top bit set") }
            }
            if op >= 0x8 {
                guard fin, len <= 125 else { throw violation("control frame fragmented or longer than 125 bytes") }
                let body = try reader.readExact(Int(len), deadline: deadline)
                switch op {
                case 0x8:
                    let code = body.count >= 2 ? Int(body[0]) << 8 | Int(body[1]) : 1005
                    let reason = body.count > 2 ? String(decoding: body[2...], as: UTF8.self) : ""
                    try? sendFrame(opcode: 0x8, Array(body.prefix(2)), deadline: deadline)
                    close()
                    throw PolicyError.transport("\(peer) closed the websocket (code \(code)\(reason.isEmpty ? "" : ": \(reason)"))")
                case 0x9: try sendFrame(opcode: 0xA, body, deadline: deadline)
                case 0xA: break
                default: throw violation("unknown control opcode \(op)")
                }
                continue
            }
            switch op {
            case 0x0: guard opcode != nil else { throw violation("continuation frame without a message in progress") }
            case 0x1, 0x2: guard opcode == nil else { throw violation("new message inside a fragmented one") }; opcode = op
            default: throw violation("unknown opcode \(op)")
            }
            guard len <= UInt64(maxMessageBytes - message.count) else {
                throw violation("message larger than \(maxMessageBytes) bytes (frame claims \(len))")
            }
            message += try reader.readExact(Int(len), deadline: deadline)
            if fin {
                if opcode == 0x1 {
                    guard let s = String(validating: message, as: UTF8.self) else { throw violation("text message is not UTF-8") }
                    return .text(s)
                }
                return .binary(message)
            }
        }
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        stream.close()
    }

    private func be(_ n: Int, _ deadline: Double) throws -> UInt64 {
        try reader.readExact(n, deadline: deadline).reduce(0) { $0 << 8 | UInt64($1) }
    }

    private func violation(_ s: String) -> PolicyError {
        close()
        return .protocolViolation("\(peer) websocket: \(s)")
    }
}

/// HTTP header lines up to the blank line, names lower-cased; caps the count and each line's length.
func readHeaders(_ reader: StreamReader, deadline: Double, what: String) throws -> [String: String] {
    var fields: [String: String] = [:]
    for _ in 0..<128 {
        let line = try reader.readLine(maxLength: 8192, deadline: deadline, what: "\(what) header")
        if line.isEmpty { return fields }
        guard let colon = line.firstIndex(of: ":") else { throw PolicyError.protocolViolation("\(what): malformed header line '\(line.prefix(60))'") }
        let name = line[..<colon].lowercased()
        fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    throw PolicyError.protocolViolation("\(what): more than 128 header lines")
}
