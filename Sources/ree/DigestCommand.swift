import ArgumentParser
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// `ree digest FILE...`: the sha256 digest of files, as OCI names blobs.
struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "digest", abstract: "Print the sha256 digest of files (as OCI names blobs).")
    @Argument(help: "Files to hash.") var files: [String]

    func run() async throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        for path in files {
            let fd = try FileDescriptor.open(path)
            posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)
            let hasher = SHA256()
            while true {
                let n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
                if n == 0 { break }
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            print("sha256:\(hasher.finalizeHex())  \(path)")
        }
    }
}
