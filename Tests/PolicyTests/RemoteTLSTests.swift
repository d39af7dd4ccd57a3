import Foundation
import XCTest
import RobotKit
@testable import Policy

/// openpi over wss against a loopback TLS server with a self-signed certificate for localhost / 127.0.0.1
/// (Fixtures/remote-tls-*.pem, a test-only key).
final class RemoteTLSTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    let cert = fixtures.appendingPathComponent("remote-tls-cert.pem").path
    let key = fixtures.appendingPathComponent("remote-tls-key.pem").path
    var servers: [LoopbackServer] = []

    func tlsServer() -> LoopbackServer {
        let s = LoopbackServer(tls: (cert, key)) { conn, _ in
            guard (try? conn.acceptWebSocket()) != nil else { return }
            conn.sendFrame(0x2, MsgPackEncoder.encode(.map([])))
            while (try? conn.readMessage()) != nil {
                conn.sendFrame(0x2, MsgPackEncoder.encode(.map([MsgPackPair(.string("actions"), ndarrayF32([[0.2, 0, 0, 0, 0, 0, 1]]))])))
            }
        }
        servers.append(s)
        return s
    }

    func options(ca: String?) -> RemotePolicyOptions {
        var o = RemotePolicyOptions()
        o.caFile = ca
        o.mapping = .openpiLibero
        o.mapping?.imageSize = [12, 16]
        return o
    }

    var soon: Double { MonotonicClock().now() + 5 }

    func testWSSRoundTripVerifiesTheCertificate() throws {
        let s = tlsServer()
        for host in ["localhost", "127.0.0.1"] {
            let p = try RemotePolicies.make(url: "openpi+tls://\(host):\(s.port)", options: options(ca: cert))
            let chunk = try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: soon))
            XCTAssertEqual(chunk.actions[0][0], Double(Float(0.2)) * 0.05, accuracy: 1e-9, host)
            XCTAssertEqual(chunk.actions[0][4], 0, "LIBERO +1 = close")
        }
    }

    func testAnUntrustedCertificateIsRefused() throws {
        let s = tlsServer()
        let p = try RemotePolicies.make(url: "openpi+tls://127.0.0.1:\(s.port)", options: options(ca: nil))
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: soon))) {
            XCTAssertTrue("\($0)".contains("certificate"), "\($0)")
        }
    }

    func testAPlainClientAgainstATLSServerFailsCleanly() throws {
        let s = tlsServer()
        let p = try RemotePolicies.make(url: "openpi://127.0.0.1:\(s.port)", options: options(ca: nil))
        XCTAssertThrowsError(try p.infer(testRequest(id: 1, instruction: "pick 1", deadline: MonotonicClock().now() + 1)))
    }
}
