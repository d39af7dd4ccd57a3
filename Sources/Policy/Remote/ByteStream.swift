// A TCP connection over POSIX sockets where every operation has a deadline (poll with a timeout, never a
// blocking call without one), plus a buffered reader on top. TLS wraps the same protocol.
#if canImport(Glibc)
import Glibc
#endif
import RobotKit

/// Bytes in and out with deadlines on the injected clock (monotonic seconds).
protocol ByteStream: AnyObject {
    func write(_ bytes: [UInt8], deadline: Double) throws
    /// Up to `max` bytes (at least one); throws `.transport` when the peer closed, `.deadlineMissed` on timeout.
    func read(max: Int, deadline: Double) throws -> [UInt8]
    func close()
}

/// Milliseconds left until `deadline` for poll(), or a deadline miss naming what we were waiting for.
func pollTimeout(_ deadline: Double, clock: any Clock, waitingFor what: String) throws -> Int32 {
    let left = deadline - clock.now()
    guard left > 0 else { throw PolicyError.deadlineMissed("no \(what) by the deadline") }
    return Int32(min((left * 1000).rounded(.up), 600_000))
}

final class TCPStream: ByteStream {
    private var fd: Int32
    let clock: any Clock
    let peer: String

    private init(fd: Int32, clock: any Clock, peer: String) { self.fd = fd; self.clock = clock; self.peer = peer }

    /// The non-blocking socket, for TLS to run over (still owned and closed by this stream).
    var fileDescriptor: Int32 { fd }
    deinit { close() }

    /// Resolves `host` and connects (non-blocking connect + poll), trying each address until the deadline.
    static func connect(host: String, port: Int, deadline: Double, clock: any Clock) throws -> TCPStream {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw PolicyError.transport("cannot resolve \(host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var lastError = "no address"
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            ai = a.pointee.ai_next
            let fd = socket(a.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { lastError = String(cString: strerror(errno)); continue }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                lastError = String(cString: strerror(errno)); Glibc.close(fd); continue
            }
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let timeout: Int32
            do { timeout = try pollTimeout(deadline, clock: clock, waitingFor: "connection to \(host):\(port)") } catch {
                Glibc.close(fd); throw error
            }
            let n = poll(&p, 1, timeout)
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if n == 1 && soError == 0 {
                var one: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return TCPStream(fd: fd, clock: clock, peer: "\(host):\(port)")
            }
            Glibc.close(fd)
            if n == 0 { throw PolicyError.deadlineMissed("connecting to \(host):\(port) timed out") }
            lastError = soError != 0 ? String(cString: strerror(soError)) : "poll failed"
        }
        throw PolicyError.transport("cannot connect to \(host):\(port): \(lastError)")
    }

    func write(_ bytes: [UInt8], deadline: Double) throws {
        guard fd >= 0 else { throw PolicyError.transport("connection to \(peer) is closed") }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { sent += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, try pollTimeout(deadline, clock: clock, waitingFor: "room to send to \(peer)"))
                continue
            }
            throw PolicyError.transport("send to \(peer) failed: \(String(cString: strerror(errno)))")
        }
    }

    func read(max: Int, deadline: Double) throws -> [UInt8] {
        guard fd >= 0 else { throw PolicyError.transport("connection to \(peer) is closed") }
        var buf = [UInt8](repeating: 0, count: max)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, max, 0) }
            if n > 0 { return Array(buf[0..<n]) }
            if n == 0 { throw PolicyError.transport("\(peer) closed the connection") }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw PolicyError.transport("receive from \(peer) failed: \(String(cString: strerror(errno)))")
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, try pollTimeout(deadline, clock: clock, waitingFor: "reply from \(peer)"))
            if r == 0 { throw PolicyError.deadlineMissed("no reply from \(peer) by the deadline") }
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

/// Buffered reads with hard caps: exact byte counts and CRLF lines.
final class StreamReader {
    let stream: ByteStream
    private var buffer: [UInt8] = []
    private var start = 0

    init(_ stream: ByteStream) { self.stream = stream }

    private var available: Int { buffer.count - start }

    private func fill(deadline: Double) throws {
        if start > 65536 { buffer.removeFirst(start); start = 0 }
        buffer += try stream.read(max: 65536, deadline: deadline)
    }

    func readExact(_ n: Int, deadline: Double) throws -> [UInt8] {
        while available < n { try fill(deadline: deadline) }
        defer { start += n }
        return Array(buffer[start..<(start + n)])
    }

    /// One line without its CRLF; a line longer than `maxLength` is a protocol violation.
    func readLine(maxLength: Int, deadline: Double, what: String) throws -> String {
        var scanned = 0   // bytes after `start` already searched for LF (offsets survive the buffer compaction)
        while true {
            if let i = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                var end = i
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = i + 1
                return line
            }
            guard available <= maxLength else { throw PolicyError.protocolViolation("\(what): line longer than \(maxLength) bytes") }
            scanned = available
            try fill(deadline: deadline)
        }
    }
}
