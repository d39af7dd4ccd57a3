// Loopback test servers speaking the real wire formats (RFC 6455 websocket + msgpack, HTTP/1.1 + JSON), each on
// 127.0.0.1 with an ephemeral port, serving connections one at a time on a background thread.
import Foundation
import Glibc
import COpenSSL
@testable import Policy

/// One accepted connection, blocking I/O with a safety timeout so a broken test can never hang the suite.
final class ServerConnection {
    let fd: Int32
    /// Set for TLS connections: reads and writes go through OpenSSL on the (blocking) socket.
    var ssl: OpaquePointer?
    private var buffer: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    enum Failure: Error { case closed, timeout }

    func fill() throws {
        if ssl == nil || SSL_pending(ssl) == 0 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 10_000) == 1 else { throw Failure.timeout }
        }
        var tmp = [UInt8](repeating: 0, count: 65536)
        let n = tmp.withUnsafeMutableBytes { raw in
            if let ssl { return Int(SSL_read(ssl, raw.baseAddress!, 65536)) }
            return recv(fd, raw.baseAddress!, 65536, 0)
        }
        guard n > 0 else { throw Failure.closed }
        buffer += tmp[0..<n]
    }

    func readExact(_ n: Int) throws -> [UInt8] {
        while buffer.count < n { try fill() }
        defer { buffer.removeFirst(n) }
        return Array(buffer[0..<n])
    }

    /// Header block up to the blank line, as (request line, lower-cased headers).
    func readHead() throws -> (String, [String: String]) {
        while true {
            if let r = findCRLFCRLF() {
                let text = String(decoding: buffer[0..<r], as: UTF8.self)
                buffer.removeFirst(r + 4)
                var lines = text.components(separatedBy: "\r\n")
                let first = lines.removeFirst()
                var h: [String: String] = [:]
                for l in lines { if let c = l.firstIndex(of: ":") { h[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces) } }
                return (first, h)
            }
            try fill()
        }
    }

    private func findCRLFCRLF() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i }
        return nil
    }

    func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                if let ssl { return Int(SSL_write(ssl, raw.baseAddress! + sent, Int32(bytes.count - sent))) }
                return send(fd, raw.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Blocks until the client closes (or 10 s), for servers that never answer.
    func waitForClientClose() { while (try? fill()) != nil {} }

    // MARK: websocket server side

    func acceptWebSocket() throws -> [String: String] {
        let (_, h) = try readHead()
        let accept = WebSocketClient.acceptValue(forKey: h["sec-websocket-key"] ?? "")
        write(Array("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: \(accept)\r\n\r\n".utf8))
        return h
    }

    /// One client frame, unmasked. Returns (fin, opcode, payload). Checks the client masked it (RFC 6455 §5.1).
    func readFrame() throws -> (Bool, UInt8, [UInt8]) {
        let h = try readExact(2)
        precondition(h[1] & 0x80 != 0, "client frame not masked")
        var len = Int(h[1] & 0x7f)
        if len == 126 { len = try readExact(2).reduce(0) { $0 << 8 | Int($1) } }
        else if len == 127 { len = try readExact(8).reduce(0) { $0 << 8 | Int($1) } }
        let mask = try readExact(4)
        let p = try readExact(len)
        var out = p
        out.withUnsafeMutableBufferPointer { b in for i in 0..<b.count { b[i] ^= mask[i & 3] } }
        return (h[0] & 0x80 != 0, h[0] & 0x0f, out)
    }

    func readMessage() throws -> [UInt8] {
        while true {
            let (_, op, p) = try readFrame()
            if op == 0x2 || op == 0x1 { return p }
            if op == 0x8 { throw Failure.closed }
        }
    }

    func sendFrame(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) {
        var f: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let n = payload.count
        if n < 126 { f.append(UInt8(n)) } else if n < 65536 { f += [126, UInt8(n >> 8), UInt8(n & 0xff)] }
        else { f.append(127); for s in stride(from: 56, through: 0, by: -8) { f.append(UInt8(truncatingIfNeeded: n >> s)) } }
        write(f + payload)
    }

    func close() {
        if let ssl { SSL_free(ssl) }
        Glibc.close(fd)
    }
}

/// Listens on 127.0.0.1:0 and runs `handler` for each connection on one background thread.
final class LoopbackServer: @unchecked Sendable {   // port/listenFD are written once in init; `stopped` under `lock`
    let port: Int
    private let listenFD: Int32
    private let lock = NSLock()
    private var stopped = false

    /// `tls`: PEM certificate and key paths; each connection then starts with a TLS handshake.
    init(tls: (cert: String, key: String)? = nil, _ handler: @escaping @Sendable (ServerConnection, Int) -> Void) {
        nonisolated(unsafe) var ctx: OpaquePointer?   // read-only after this init; OpenSSL contexts are thread-safe for SSL_new
        if let tls, let c = SSL_CTX_new(TLS_server_method()) {
            SSL_CTX_use_certificate_file(c, tls.cert, SSL_FILETYPE_PEM)
            SSL_CTX_use_PrivateKey_file(c, tls.key, SSL_FILETYPE_PEM)
            ctx = c
        }
        let listenFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.listenFD = listenFD
        var one: Int32 = 1
        setsockopt(listenFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(listenFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listenFD, 8)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(listenFD, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        let fd = listenFD
        Thread {
            var index = 0
            while true {
                let c = accept(fd, nil, nil)
                // After stop() shut the socket down, accept fails; only now is the descriptor closed, so its
                // number cannot be reused by another test's server while this thread might still accept on it.
                if c < 0 { Glibc.close(fd); return }
                let conn = ServerConnection(fd: c)
                if let ctx {
                    conn.ssl = SSL_new(ctx)
                    SSL_set_fd(conn.ssl, c)
                    if SSL_accept(conn.ssl) != 1 { conn.close(); index += 1; continue }
                }
                handler(conn, index)
                index += 1
                conn.close()
            }
        }.start()
    }

    /// Idempotent. Shuts the listening socket down (waking accept); the server thread closes it.
    func stop() {
        lock.lock(); defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(listenFD, Int32(SHUT_RDWR))
    }
    deinit { stop() }
}
