// `vlaterm bench remote`: what our remote-policy client adds on top of the network itself. A loopback server
// (the measuring device, kept beside the client so the benchmark runs the exact client code) either echoes
// websocket messages back raw, or plays an openpi server that answers every observation with a canned reply.
// overhead = openpi infer round trip − raw echo round trip with the same sizes each way.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RobotKit

public enum RemoteLoopbackBenchmark {
    public struct Result: Codable, Sendable {
        public var requests: Int
        public var observation_bytes: Int
        public var reply_bytes: Int
        public var echo_rtt_median_ms: Double
        public var openpi_infer_median_ms: Double
        public var openpi_overhead_median_ms: Double
        public var encode_median_ms: Double
        public var decode_median_ms: Double
    }

    /// Runs `requests` round trips of each kind with `observation` (e.g. the sim's cameras) through the
    /// default LIBERO mapping.
    public static func run(requests: Int, observation: Observation) throws -> Result {
        let clock = MonotonicClock()
        let reply = MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), cannedActions())]))

        // openpi: the real client against a server that never looks at what it receives.
        let openpiServer = try BenchServer(mode: .openpi(reply: reply))
        defer { openpiServer.stop() }
        let policy = try OpenPIPolicy(endpoint: RemoteEndpoint(kind: .openpi, host: "127.0.0.1", port: openpiServer.port, tls: false))
        let request = PolicyRequest(id: 0, observation: observation, instruction: "put the red cube in the bin", deadline: 0)
        let encoded = MsgPackEncoder.encode(try policy.observation(request))
        // Raw echo: the same client websocket code and the same message sizes both ways (the server echoes the
        // first reply-size bytes of what it got), no msgpack, no images, no adapter.
        let echoServer = try BenchServer(mode: .echo(replyBytes: reply.count))
        defer { echoServer.stop() }
        let stream = try TCPStream.connect(host: "127.0.0.1", port: echoServer.port, deadline: clock.now() + 5, clock: clock)
        let ws = try WebSocketClient.connect(stream: stream, host: "127.0.0.1", port: echoServer.port, deadline: clock.now() + 5)
        defer { ws.close() }

        // Interleaved, so load from other processes hits both kinds alike.
        var infer: [Double] = [], encode: [Double] = [], decode: [Double] = [], echo: [Double] = []
        for i in 0..<(requests + 10) {
            var r = request
            r.id = UInt64(i)
            r.deadline = clock.now() + 5
            let t0 = clock.now()
            _ = try policy.infer(r)
            let t1 = clock.now()
            _ = MsgPackEncoder.encode(try policy.observation(r))
            let t2 = clock.now()
            _ = try policy.decodeReply(reply)
            let t3 = clock.now()
            try ws.send(binary: encoded, deadline: t3 + 5)
            _ = try ws.receive(deadline: t3 + 5)
            let t4 = clock.now()
            if i >= 10 {
                infer.append((t1 - t0) * 1000); encode.append((t2 - t1) * 1000)
                decode.append((t3 - t2) * 1000); echo.append((t4 - t3) * 1000)
            }
        }
        let mi = median(infer), me = median(echo)
        return Result(requests: requests, observation_bytes: encoded.count, reply_bytes: reply.count, echo_rtt_median_ms: me, openpi_infer_median_ms: mi,
                      openpi_overhead_median_ms: mi - me, encode_median_ms: median(encode), decode_median_ms: median(decode))
    }

    static func cannedActions() -> MsgPack {
        var data: [UInt8] = []
        for h in 0..<10 { for d in 0..<7 { withUnsafeBytes(of: Float(Double(h * d) * 0.001).bitPattern.littleEndian) { data += $0 } } }
        return .map([MsgPackPair(.binary(Array("__ndarray__".utf8)), .bool(true)), MsgPackPair(.binary(Array("data".utf8)), .binary(data)),
                     MsgPackPair(.binary(Array("dtype".utf8)), .string("<f4")), MsgPackPair(.binary(Array("shape".utf8)), .array([.int(10), .int(7)]))])
    }

    static func median(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.sorted()[xs.count / 2] }
}

/// One-connection-at-a-time websocket server on 127.0.0.1 for the benchmark.
/// `@unchecked Sendable`: `port` and `fd` are set once in init; the thread only reads them.
private final class BenchServer: @unchecked Sendable {
    enum Mode { case echo(replyBytes: Int), openpi(reply: [UInt8]) }
    let port: Int
    private let fd: Int32

    init(mode: Mode) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw PolicyError.transport("bench server: socket failed") }
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0, listen(fd, 4) == 0 else { throw PolicyError.transport("bench server: cannot listen on 127.0.0.1") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        Thread {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { Glibc.close(fd); return }
                var one: Int32 = 1   // like any real server's websocket library: no Nagle delay on small replies
                setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                BenchServer.serve(c, mode)
                Glibc.close(c)
            }
        }.start()
    }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    private static func serve(_ c: Int32, _ mode: Mode) {
        let clock = MonotonicClock()
        let stream = RawFD(fd: c)
        let reader = StreamReader(stream)
        let far = { clock.now() + 30 }
        do {
            var key = ""
            while true {
                let line = try reader.readLine(maxLength: 8192, deadline: far(), what: "bench handshake")
                if line.isEmpty { break }
                if line.lowercased().hasPrefix("sec-websocket-key:") { key = line.dropFirst(18).trimmingCharacters(in: .whitespaces) }
            }
            try stream.write(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(WebSocketClient.acceptValue(forKey: key))\r\n\r\n".utf8), deadline: far())
            if case .openpi = mode { try stream.write(frame(MsgPackEncoder.encode(.map([]))), deadline: far()) }
            while true {
                let h = try reader.readExact(2, deadline: far())
                var len = Int(h[1] & 0x7f)
                if len == 126 { len = try reader.readExact(2, deadline: far()).reduce(0) { $0 << 8 | Int($1) } }
                else if len == 127 { len = try reader.readExact(8, deadline: far()).reduce(0) { $0 << 8 | Int($1) } }
                let mask = try reader.readExact(4, deadline: far())
                var payload = try reader.readExact(len, deadline: far())
                if h[0] & 0x0f == 0x8 { return }
                switch mode {
                case .echo(let n):
                    payload.withUnsafeMutableBufferPointer { b in for i in 0..<b.count { b[i] ^= mask[i & 3] } }
                    try stream.write(frame(Array(payload.prefix(n))), deadline: far())
                case .openpi(let reply):
                    try stream.write(frame(reply), deadline: far())
                }
            }
        } catch {}
    }

    private static func frame(_ p: [UInt8]) -> [UInt8] {
        var f: [UInt8] = [0x82]
        if p.count < 126 { f.append(UInt8(p.count)) } else if p.count < 65536 { f += [126, UInt8(p.count >> 8), UInt8(p.count & 0xff)] }
        else { f.append(127); for s in stride(from: 56, through: 0, by: -8) { f.append(UInt8(truncatingIfNeeded: p.count >> s)) } }
        return f + p
    }
}

/// A blocking-socket ByteStream for the bench server side (deadlines are far away there).
private final class RawFD: ByteStream {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    func write(_ bytes: [UInt8], deadline: Double) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw PolicyError.transport("bench server: send failed") }
            sent += n
        }
    }
    func read(max: Int, deadline: Double) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, max, 0) }
        guard n > 0 else { throw PolicyError.transport("bench server: peer closed") }
        return Array(buf[0..<n])
    }
    func close() {}
}
