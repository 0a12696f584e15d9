import CReeShim
import ReeDockerfile
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

/// The build context: files are found and opened with the kernel resolving every path inside
/// the context (`openat2(RESOLVE_IN_ROOT)`), so neither `..` nor a symlink reaches outside it.
/// `.dockerignore` decides what exists at all.
public struct BuildContext {
    public let directory: String
    let root: FileDescriptor
    let ignore: DockerIgnore?

    public init(directory: String) throws {
        self.directory = directory
        root = try FileDescriptor.open(directory, O_PATH | O_DIRECTORY)
        if let bytes = try? FileSystem.readFile(directory + "/.dockerignore") {
            do {
                ignore = try DockerIgnore(text: String(decoding: bytes, as: UTF8.self))
            } catch {
                throw ReeError(.invalidInput, "invalid .dockerignore: \(error)")
            }
        } else {
            ignore = nil
        }
    }

    /// Reads a small file (the Dockerfile) from the context.
    public func readFile(_ relative: String, limit: Int = 4 << 20) throws -> [UInt8] {
        let fd = try open(relative, O_RDONLY)
        return try fd.readToEnd(limit: limit)
    }

    func open(_ relative: String, _ flags: Int32) throws -> FileDescriptor {
        let fd = ree_openat_in_root(root.rawValue, relative.isEmpty ? "." : relative, flags | O_CLOEXEC, 0)
        guard fd >= 0 else {
            if errno == ENOENT { throw ReeError(.notFound, "'\(relative)' is not in the build context") }
            throw ReeError.system("open", "\(directory)/\(relative)")
        }
        return FileDescriptor(adopting: fd, path: "\(directory)/\(relative)")
    }

    func isExcluded(_ relative: String) -> Bool { ignore?.isExcluded(relative) ?? false }

    func shouldDescend(_ relative: String) -> Bool { ignore?.shouldDescend(into: relative) ?? true }

    /// Normalises a source of COPY/ADD: relative to the context root, `..` may not leave it.
    static func clean(_ source: String) throws -> String {
        var parts: [Substring] = []
        for part in source.split(separator: "/") where part != "." {
            if part == ".." {
                guard !parts.isEmpty else {
                    throw ReeError(.invalidInput, "COPY source '\(source)' is outside the build context")
                }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }

    /// The context paths a COPY source names: itself, or the matches of a glob, sorted.
    func resolve(_ source: String) throws -> [String] {
        let cleaned = try Self.clean(source)
        guard cleaned.contains(where: { "*?[".contains($0) }) else {
            if isExcluded(cleaned) && !cleaned.isEmpty {
                throw ReeError(.notFound, "COPY failed: '\(source)' is excluded by .dockerignore")
            }
            _ = try open(cleaned, O_PATH | O_NOFOLLOW)   // exists inside the context
            return [cleaned]
        }
        // Glob: match component by component from the context root.
        var candidates = [""]
        for component in cleaned.split(separator: "/").map(String.init) {
            var next: [String] = []
            for base in candidates {
                let dir = try open(base, O_RDONLY | O_DIRECTORY)
                for name in try list(dir).sorted() where fnmatch(component, name, FNM_PERIOD) == 0 {
                    let path = base.isEmpty ? name : base + "/" + name
                    if !isExcluded(path) { next.append(path) }
                }
            }
            candidates = next
        }
        guard !candidates.isEmpty else { throw ReeError(.notFound, "COPY failed: no source files were specified by '\(source)'") }
        return candidates.sorted()
    }

    func list(_ dir: FileDescriptor) throws -> [String] { try FileSystem.listDirectory(dir) }
}
