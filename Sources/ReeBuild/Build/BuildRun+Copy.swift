import Foundation
import ReeArchive
import ReeDockerfile
import ReeLayers
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

extension BuildRun {
    mutating func executeCopy(_ copy: CopyInstruction, instruction: Instruction, state: inout StageState) async throws {
        let tree: SourceTree = try copy.from.map { try sourceTree(from: $0, line: instruction.line) } ?? context
        let sources = try resolve(copy.sources, in: tree, line: instruction.line)
        try await place(sources, from: tree, destination: copy.destination, chown: copy.chown,
                        chmod: copy.chmod, excludes: copy.excludes, parents: copy.parents, extractArchives: false,
                        link: copy.link, instruction: instruction, state: &state)
    }

    /// WORKDIR: sets the directory, and creates it (one layer) when it does not exist yet.
    mutating func executeWorkdir(_ path: String, instruction: Instruction, state: inout StageState) async throws {
        let absolute = path.hasPrefix("/") ? path : (state.workingDirectory as NSString).appendingPathComponent(path)
        let cleaned = "/" + LayersTree.clean(absolute)
        state.container.workingDir = cleaned
        var key = state.cacheKey
        key.add("WORKDIR", cleaned, cacheDescription(state.container))
        if try reuse(key: key, instruction: instruction, state: &state) { return }
        let relative = LayersTree.clean(cleaned)
        if try state.lowerView.hostPath(relative) != nil || relative.isEmpty {
            record(instruction, layer: false, state: &state)
            state.cacheKey = key
            return
        }
        let scratch = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "workdir-")
        defer { try? FileSystem.removeTree(scratch) }
        let user = try UserSpec.resolve(state.container.user ?? "", lowerLayersTopFirst: state.lowerTopFirst)
        var writer = UpperWriter(upper: scratch, lower: state.lowerView, epoch: options.sourceDateEpoch)
        writer.owner = (user.uid, user.gid)
        try writer.ensureDirectory(relative)
        let changes = try OverlayDiffer(upper: scratch, lowerLayersTopFirst: state.lowerTopFirst, epoch: options.sourceDateEpoch).changes()
        try commit(changes, key: key, instruction: instruction, state: &state)
    }

    /// Where `COPY --from` reads: an earlier stage (by name or index), or a stored image.
    func sourceTree(from reference: String, line: Int) throws -> SourceTree {
        if let i = dockerfile.stageIndex(for: reference) {
            guard let result = results[i] else { throw ReeError(.invalidInput, "line \(line): stage '\(reference)' is not built before it is used") }
            return LayersTree(view: result.state.lowerView, name: "stage \(reference)")
        }
        let image = try store.resolve(reference)
        let dirs = try layerCache.unpackedLayers(of: image)
        return LayersTree(view: LowerView(layersTopFirst: dirs.reversed()), name: "image \(reference)")
    }

    /// Context (or `--from`) paths with their globs expanded, and here-documents, in order.
    func resolve(_ sources: [CopySource], in tree: SourceTree, line: Int) throws -> [PlacedSource] {
        var resolved: [PlacedSource] = []
        for source in sources {
            switch source {
            case .heredoc(let h): resolved.append(.heredoc(h))
            case .path(let p):
                do {
                    for path in try tree.resolve(p) { resolved.append(.path(path)) }
                } catch let e as ReeError {
                    throw ReeError(e.code, "line \(line): \(e.message)")
                }
            }
        }
        return resolved
    }

    /// COPY and ADD: sources into the step's upper directory with Docker's destination rules,
    /// then one layer of the difference. With `link` (`--link`) the layer is made as BuildKit makes
    /// it: over nothing (no lower layer is read, so a symlink below is not followed and parents are
    /// fresh root 0755 directories), looked up by a key without the parent state.
    /// `checksumKey` (ADD --checksum) replaces the content digest in the key.
    mutating func place(_ resolved: [PlacedSource], from tree: SourceTree, destination: String, chown: String?, chmod: String?,
                        excludes: [String], parents: Bool, extractArchives: Bool, link: Bool, checksumKey: String? = nil,
                        instruction: Instruction, state: inout StageState) async throws {
        let scratch = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "copy-")
        defer { try? FileSystem.removeTree(scratch) }
        let lowerTopFirst = link ? [] : state.lowerTopFirst
        var writer = UpperWriter(upper: scratch, lower: LowerView(layersTopFirst: lowerTopFirst), epoch: options.sourceDateEpoch)
        writer.freshParents = link
        if let chown {
            // Names resolve in the image even with --link, as BuildKit does; the ids are in the layer.
            let user = try UserSpec.resolve(chown, lowerLayersTopFirst: state.lowerTopFirst)
            writer.owner = (user.uid, user.gid)
        }
        if !excludes.isEmpty {
            let patterns: DockerIgnore
            do {
                patterns = try DockerIgnore(text: excludes.joined(separator: "\n"))
            } catch {
                throw ReeError(.invalidInput, "line \(instruction.line): --exclude: \(error)")
            }
            writer.exclude = { patterns.isExcluded($0) }
        }
        if let chmod {
            guard let mode = UInt32(chmod, radix: 8), mode <= 0o7777 else {
                throw ReeError(.invalidInput, "line \(instruction.line): --chmod=\(chmod) is not an octal mode")
            }
            writer.chmod = mode
        }
        let absolute = destination.hasPrefix("/") ? destination : (state.workingDirectory as NSString).appendingPathComponent(destination)
        // Docker follows symlinks in the destination inside the image; --link has no image below.
        let dest = link ? LayersTree.clean(absolute) : try writer.resolvedInImage(LayersTree.clean(absolute))
        let destinationIsDirectory = try writer.isDirectory(dest)
        let intoDirectory = destination.hasSuffix("/") || resolved.count > 1 || destinationIsDirectory
        if intoDirectory { try writer.ensureDirectory(dest) }
        for source in resolved {
            let path: String
            switch source {
            case .heredoc(let heredoc):
                let target = intoDirectory ? (dest.isEmpty ? heredoc.name : dest + "/" + heredoc.name) : dest
                try writer.write(Array(heredoc.content.utf8), to: target, mode: 0o644)
                continue
            case .download(let fetched, let name):
                // Never unpacked, 0600 unless --chmod, Last-Modified as mtime: as Docker does.
                let target = intoDirectory ? (dest.isEmpty ? name : dest + "/" + name) : dest
                try writer.move(fetched.path, to: target, mode: 0o600, mtime: fetched.lastModified ?? options.sourceDateEpoch)
                continue
            case .path(let p):
                path = p
            }
            guard let st = try tree.status(path) else { throw ReeError(.notFound, "line \(instruction.line): COPY failed: '\(path)' not found") }
            let isDir = (st.st_mode & FileType.mask) == FileType.directory
            if parents {
                // `COPY --parents a/b/c /dest/` keeps the source's path: /dest/a/b/c.
                try writer.copy(path, from: tree, to: dest.isEmpty ? path : dest + "/" + path, contentsOnly: false)
            } else if isDir {
                try writer.copy(path, from: tree, to: dest, contentsOnly: true)
            } else if extractArchives, let archive = try? tree.open(path), Self.isArchive(archive) {
                try writer.ensureDirectory(dest)
                let reader = try ArchiveReader(source: try tree.open(path), name: path)
                try LayerUnpacker(whiteouts: .apply).apply(reader, to: dest.isEmpty ? scratch : scratch + "/" + dest)
            } else {
                let name = FileSystem.lastComponent(of: path)
                let target = intoDirectory ? (dest.isEmpty ? name : dest + "/" + name) : dest
                try writer.copy(path, from: tree, to: target, contentsOnly: false)
            }
        }
        let changes = try OverlayDiffer(upper: scratch, lowerLayersTopFirst: lowerTopFirst, epoch: options.sourceDateEpoch).changes()
        let content = try checksumKey ?? Self.digest(of: changes, epoch: options.sourceDateEpoch)
        let (key, stateKey) = placeKeys(content: content, link: link, instruction: instruction, state: state)
        if try reuse(key: key, stateKey: stateKey, instruction: instruction, state: &state) { return }
        try commit(changes, key: key, stateKey: stateKey, instruction: instruction, state: &state)
    }

    /// The cache key of a COPY or ADD whose result is `content` (the digest of its layer's tar, or
    /// an ADD --checksum), and the state's key after it. Without `--link` both are the parent's key
    /// extended; with it the lookup key leaves the parent out (the same layer over any base) and
    /// the state's key joins the two, so later steps still depend on the base.
    func placeKeys(content: String, link: Bool, instruction: Instruction, state: StageState) -> (key: CacheKey, stateKey: CacheKey) {
        guard link else {
            var key = state.cacheKey
            key.add(instruction.keyword, Self.describe(instruction), content)
            return (key, key)
        }
        var key = CacheKey("ree-build-v1-link")
        key.add(instruction.keyword, Self.describe(instruction), state.workingDirectory, content)
        var stateKey = state.cacheKey
        stateKey.add("link", key.value)
        return (key, stateKey)
    }

    /// A local tar (plain, gzip, bzip2, xz, zstd) that ADD unpacks.
    static func isArchive(_ fd: FileDescriptor) -> Bool {
        guard let reader = try? ArchiveReader(source: fd, name: fd.path), let first = try? reader.next() else { return false }
        return !first.path.isEmpty
    }
}

/// One COPY or ADD source, ready to be written: a path in the source tree, a here-document, or a
/// downloaded file (ADD <URL>) with the name it gets in a destination directory.
enum PlacedSource {
    case path(String)
    case heredoc(Heredoc)
    case download(URLFetcher.Fetched, name: String)
}
