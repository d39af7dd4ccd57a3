// TLS for `+tls` endpoints. Not built yet: refuse clearly rather than silently sending in the clear.
import RobotKit

enum TLSStream {
    static func wrap(_ tcp: TCPStream, host: String, caFile: String?, deadline: Double, clock: any Clock) throws -> ByteStream {
        tcp.close()
        throw PolicyError.configuration("TLS (+tls) is not available in this build; use a loopback link or an SSH tunnel")
    }
}
