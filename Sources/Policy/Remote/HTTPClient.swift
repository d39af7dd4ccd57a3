// A minimal HTTP/1.1 client for one POST per connection (`Connection: close`): a missed deadline simply
// drops the socket, so a late reply can never be read as the answer to a newer request.
import Foundation

struct HTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
}

enum HTTPClient {
    /// Largest response body accepted. OpenVLA's reply is one 7-D action (~100 bytes of JSON).
    static let maxBodyBytes = 4 << 20

    static func post(stream: ByteStream, host: String, port: Int, path: String, headers: [(String, String)],
                     body: [UInt8], deadline: Double) throws -> HTTPResponse {
        defer { stream.close() }
        var req = "POST \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { req += "\(k): \(v)\r\n" }
        req += "\r\n"
        try stream.write(Array(req.utf8) + body, deadline: deadline)

        let reader = StreamReader(stream)
        let peer = "\(host):\(port)"
        let statusLine = try reader.readLine(maxLength: 8192, deadline: deadline, what: "\(peer) status line")
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw PolicyError.protocolViolation("\(peer): not an HTTP status line: '\(statusLine.prefix(80))'")
        }
        let fields = try readHeaders(reader, deadline: deadline, what: "\(peer) response")
        var out: [UInt8] = []
        if fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try reader.readLine(maxLength: 1024, deadline: deadline, what: "\(peer) chunk size")
                let hex = sizeLine.split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
                guard let n = Int(hex, radix: 16), n >= 0 else { throw PolicyError.protocolViolation("\(peer): bad chunk size '\(sizeLine.prefix(40))'") }
                guard n <= maxBodyBytes - out.count else { throw PolicyError.protocolViolation("\(peer): body larger than \(maxBodyBytes) bytes") }
                if n == 0 {
                    while try !reader.readLine(maxLength: 8192, deadline: deadline, what: "\(peer) trailer").isEmpty {}
                    break
                }
                out += try reader.readExact(n, deadline: deadline)
                _ = try reader.readLine(maxLength: 2, deadline: deadline, what: "\(peer) chunk end")
            }
        } else if let cl = fields["content-length"] {
            guard let n = Int(cl), n >= 0 else { throw PolicyError.protocolViolation("\(peer): bad Content-Length '\(cl.prefix(40))'") }
            guard n <= maxBodyBytes else { throw PolicyError.protocolViolation("\(peer): Content-Length \(n) larger than \(maxBodyBytes) bytes") }
            out = try reader.readExact(n, deadline: deadline)
        } else {
            // No length: the body runs to the close.
            while true {
                let piece: [UInt8]
                do { piece = try reader.readExact(1, deadline: deadline) } catch PolicyError.transport { break }
                out += piece
                guard out.count <= maxBodyBytes else { throw PolicyError.protocolViolation("\(peer): body larger than \(maxBodyBytes) bytes") }
            }
        }
        return HTTPResponse(status: status, headers: fields, body: out)
    }
}
