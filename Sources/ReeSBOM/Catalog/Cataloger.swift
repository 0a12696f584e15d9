import ReeOS

/// Finds the packages in a root filesystem: dpkg (`/var/lib/dpkg/status`, `status.d/*`), apk
/// (`/lib/apk/db/installed`), Python (`*.dist-info`, `*.egg-info`, `*.egg` in every
/// `site-packages` and `dist-packages`) and npm (`node_modules/**/package.json`).
///
/// Never throws: a file it cannot read, or reads only in part, is listed in `Catalog.unreadable`
/// with the reason, and everything else is still cataloged.
public struct Cataloger {
    public struct Configuration: Sendable {
        /// Top-level directories not walked (kernel file systems, empty in images anyway).
        public var skippedTopLevel: Set<String> = ["proc", "sys", "dev"]
        /// How deep the walk for Python and npm packages goes.
        public var maximumDepth = 48
        /// The largest metadata file read (a dpkg status file is a few MB).
        public var fileSizeLimit = 64 << 20
        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    public func catalog(_ root: some RootFileSystem) -> Catalog {
        let run = CatalogRun(root: root, configuration: configuration)
        run.os = run.readOSRelease()
        DpkgCataloger(run: run).catalog()
        ApkCataloger(run: run).catalog()
        run.walk("", depth: 0)
        return Catalog(os: run.os, packages: run.packages.sorted(by: Package.ordered), unreadable: run.unreadable.sorted())
    }
}

/// The state of one catalog: the root, what was found so far, what could not be read.
final class CatalogRun<Root: RootFileSystem> {
    let root: Root
    let configuration: Cataloger.Configuration
    var os: OSRelease?
    var packages: [Package] = []
    var unreadable: [UnreadableFile] = []

    init(root: Root, configuration: Cataloger.Configuration) {
        self.root = root
        self.configuration = configuration
    }

    /// Notes a file that could not be read (`path` relative to the root).
    func report(_ path: String, _ reason: String) {
        unreadable.append(UnreadableFile(path: "/" + path, reason: reason))
    }

    /// Notes a parser's problems with a file, at most ten of them and a count of the rest.
    func report(_ path: String, problems: [String]) {
        for p in problems.prefix(10) { report(path, p) }
        if problems.count > 10 { report(path, "and \(problems.count - 10) more problems") }
    }

    /// The file at `path` (symlinks followed inside the root); nil when absent. A read error is
    /// reported and gives nil too.
    func read(_ path: String) -> [UInt8]? {
        do {
            guard let real = try root.resolve(path), let kind = try root.kind(real) else { return nil }
            guard kind == .regular else {
                report(path, "not a regular file")
                return nil
            }
            return try root.contents(real, limit: configuration.fileSizeLimit)
        } catch {
            report(path, "cannot read: \(error)")
            return nil
        }
    }

    func entries(_ path: String) -> [RootEntry] {
        do {
            return try root.entries(path)
        } catch {
            report(path, "cannot list directory: \(error)")
            return []
        }
    }

    /// The kind of the entry, following a symlink inside the root (nil when it dangles).
    func followedKind(_ path: String, _ entry: RootEntry) -> (path: String, kind: RootEntry.Kind)? {
        guard entry.kind == .symlink else { return (path, entry.kind) }
        guard let real = try? root.resolve(path), let kind = try? root.kind(real) else { return nil }
        return (real, kind)
    }

    func readOSRelease() -> OSRelease? {
        for path in ["etc/os-release", "usr/lib/os-release"] {
            guard let bytes = read(path) else { continue }
            if let os = OSRelease.parse(String(decoding: bytes, as: UTF8.self)) { return os }
            report(path, "no ID= line")
        }
        return nil
    }

    /// Walks real directories (symlinks are not followed, so nothing is found twice) looking for
    /// Python package directories and `node_modules`.
    func walk(_ directory: String, depth: Int) {
        guard depth < configuration.maximumDepth else {
            report(directory, "not searched: deeper than \(configuration.maximumDepth) directories")
            return
        }
        for entry in entries(directory) where entry.kind == .directory {
            if directory.isEmpty && configuration.skippedTopLevel.contains(entry.name) { continue }
            let path = joinPath(directory, entry.name)
            switch entry.name {
            case "site-packages", "dist-packages":
                PythonCataloger(run: self).catalog(directory: path)
            case "node_modules":
                NpmCataloger(run: self).catalog(nodeModules: path, depth: depth + 1)
            default:
                walk(path, depth: depth + 1)
            }
        }
    }
}
