// TLS for `+tls` endpoints (wss / https) over OpenSSL, non-blocking with the same deadlines as plain TCP:
// every WANT_READ / WANT_WRITE waits in poll() until the request's deadline, never longer.
// The server's certificate is verified against the system store (or `--ca-file`) and the host name.
#if canImport(Glibc)
import Glibc
#endif
import COpenSSL
import RobotKit

final class TLSStream: ByteStream {
    private let tcp: TCPStream
    private var ssl: OpaquePointer?
    private let ctx: OpaquePointer
    let peer: String

    private init(tcp: TCPStream, ssl: OpaquePointer, ctx: OpaquePointer, peer: String) {
        self.tcp = tcp; self.ssl = ssl; self.ctx = ctx; self.peer = peer
    }
    deinit { close() }

    /// Runs the TLS handshake on an open TCP connection; closes it on failure.
    static func wrap(_ tcp: TCPStream, host: String, caFile: String?, deadline: Double, clock: any Clock) throws -> ByteStream {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { tcp.close(); throw PolicyError.transport("TLS: cannot create a context") }
        _ = vt_ssl_ctx_min_tls12(ctx)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(ctx, $0, nil) } ?? SSL_CTX_set_default_verify_paths(ctx)
        guard loaded == 1 else {
            SSL_CTX_free(ctx); tcp.close()
            throw PolicyError.configuration("TLS: cannot load CA certificates\(caFile.map { " from \($0)" } ?? " from the system store"): \(lastError())")
        }
        guard let ssl = SSL_new(ctx) else { SSL_CTX_free(ctx); tcp.close(); throw PolicyError.transport("TLS: cannot create a session") }
        let stream = TLSStream(tcp: tcp, ssl: ssl, ctx: ctx, peer: "\(host) (TLS)")
        _ = vt_ssl_set_modes(ssl)
        SSL_set_fd(ssl, tcp.fileDescriptor)
        _ = vt_ssl_set_sni(ssl, host)
        // Host name (or IP address) checked against the certificate's subjectAltName.
        let param = SSL_get0_param(ssl)
        if host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) {
            X509_VERIFY_PARAM_set1_ip_asc(param, host)
        } else {
            SSL_set1_host(ssl, host)
        }
        do {
            _ = try stream.retry(deadline: deadline, clock: clock, what: "TLS handshake with \(host)") { SSL_connect(ssl) }
        } catch {
            let verify = SSL_get_verify_result(ssl)
            stream.close()
            if verify != X509_V_OK {
                throw PolicyError.transport("TLS: \(host)'s certificate was rejected: \(String(cString: X509_verify_cert_error_string(verify)))")
            }
            throw error
        }
        return stream
    }

    func write(_ bytes: [UInt8], deadline: Double) throws {
        var sent = 0
        while sent < bytes.count {
            let n = try bytes.withUnsafeBytes { raw in
                try retry(deadline: deadline, clock: tcp.clock, what: "sending to \(peer)") {
                    SSL_write(ssl, raw.baseAddress! + sent, Int32(min(bytes.count - sent, 1 << 30)))
                }
            }
            sent += Int(n)
        }
    }

    func read(max: Int, deadline: Double) throws -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = try buf.withUnsafeMutableBytes { raw in
            try retry(deadline: deadline, clock: tcp.clock, what: "reply from \(peer)") {
                SSL_read(ssl, raw.baseAddress!, Int32(Swift.min(max, 1 << 30)))
            }
        }
        return Array(buf[0..<Int(n)])
    }

    func close() {
        if let s = ssl {
            SSL_free(s)
            SSL_CTX_free(ctx)
            ssl = nil
        }
        tcp.close()
    }

    /// Calls an OpenSSL I/O function until it makes progress, waiting in poll() on WANT_READ / WANT_WRITE.
    private func retry(deadline: Double, clock: any Clock, what: String, _ op: () -> Int32) throws -> Int32 {
        guard let ssl else { throw PolicyError.transport("\(peer): connection closed") }
        while true {
            ERR_clear_error()
            let r = op()
            if r > 0 { return r }
            let err = SSL_get_error(ssl, r)
            let events: Int16
            switch err {
            case SSL_ERROR_WANT_READ: events = Int16(POLLIN)
            case SSL_ERROR_WANT_WRITE: events = Int16(POLLOUT)
            case SSL_ERROR_ZERO_RETURN: throw PolicyError.transport("\(peer) closed the TLS connection")
            case SSL_ERROR_SYSCALL where r == 0: throw PolicyError.transport("\(peer) closed the connection")
            default: throw PolicyError.transport("TLS \(what) failed: \(TLSStream.lastError())")
            }
            var p = pollfd(fd: tcp.fileDescriptor, events: events, revents: 0)
            if poll(&p, 1, try pollTimeout(deadline, clock: clock, waitingFor: what)) == 0 {
                throw PolicyError.deadlineMissed("no \(what) by the deadline")
            }
        }
    }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
