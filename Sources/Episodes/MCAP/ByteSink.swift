// Where the MCAP writer's bytes go: a file (POSIX, so we control fsync) or memory (tests, benchmarks).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes everything written so far durable (fdatasync for files).
    func sync() throws
    func close() throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

/// An I/O failure naming the file and the call.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
    static func errno(_ path: String, _ call: String) -> FileError {
        FileError(path: path, "\(call) failed: \(String(cString: strerror(Glibc.errno)))")
    }
}

/// A file opened for writing with O_CREAT|O_TRUNC (or O_EXCL when `exclusive`).
public final class FileSink: ByteSink {
    public let path: String
    private var fd: Int32

    public init(path: String, exclusive: Bool = false) throws {
        self.path = path
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        fd = open(path, flags, 0o644)
        if fd < 0 { throw FileError.errno(path, "open") }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.errno(path, "write")
            }
            done += n
        }
    }

    public func sync() throws { if fdatasync(fd) != 0 { throw FileError.errno(path, "fdatasync") } }

    public func close() throws {
        guard fd >= 0 else { return }
        let r = Glibc.close(fd)
        fd = -1
        if r != 0 { throw FileError.errno(path, "close") }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }
}

/// Collects bytes in memory.
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ b: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: b) }
    public func sync() throws {}
    public func close() throws {}
}

/// File-system helpers for crash-safe metadata: write to a temp name, fsync, rename, fsync the folder.
public enum DurableFile {
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        do {
            let sink = try FileSink(path: tmp)
            try sink.write(bytes)
            try sink.sync()
            try sink.close()
        } catch {
            unlink(tmp)
            throw error
        }
        try renameDurably(tmp, to: path)
    }

    /// rename(2) then fsync the destination folder so the new name survives a power cut.
    public static func renameDurably(_ from: String, to: String) throws {
        if rename(from, to) != 0 {
            let e = FileError.errno(to, "rename from \(from)")
            unlink(from)
            throw e
        }
        try syncDirectory(containing: to)
    }

    public static func syncDirectory(containing path: String) throws {
        let dir = parentDirectory(path)
        let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileError.errno(dir, "open directory") }
        defer { _ = Glibc.close(fd) }
        if fsync(fd) != 0 { throw FileError.errno(dir, "fsync directory") }
    }

    public static func parentDirectory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let d = String(path[..<slash])
        return d.isEmpty ? "/" : d
    }

    /// Reads a whole file, refusing anything above `maxBytes` (hostile or mistaken inputs).
    public static func read(_ path: String, maxBytes: Int = 4 << 30) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileError.errno(path, "open") }
        defer { _ = Glibc.close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileError.errno(path, "stat") }
        let size = Int(st.st_size)
        guard size <= maxBytes else { throw FileError(path: path, "is \(size) bytes, above the \(maxBytes)-byte limit") }
        var out = [UInt8](repeating: 0, count: size)
        var done = 0
        try out.withUnsafeMutableBytes { buf in
            while done < size {
                let n = Glibc.read(fd, buf.baseAddress! + done, size - done)
                if n < 0 { if errno == EINTR { continue }; throw FileError.errno(path, "read") }
                if n == 0 { break }
                done += n
            }
        }
        if done < size { out.removeSubrange(done...) }
        return out
    }
}
