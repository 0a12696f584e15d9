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
        try await place(sources: copy.sources, from: tree, destination: copy.destination, chown: copy.chown,
                        chmod: copy.chmod, excludes: copy.excludes, parents: copy.parents, extractArchives: false,
                        instruction: instruction, state: &state)
    }

    mutating func executeAdd(_ add: AddInstruction, instruction: Instruction, state: inout StageState) async throws {
        for case .path(let p) in add.sources where p.contains("://") || p.hasPrefix("git@") {
            throw ReeError(.unsupported, "line \(instruction.line): ADD \(p): remote sources are fetched only through the recorder (ree recording define)")
        }
        if add.checksum != nil { throw ReeError(.unsupported, "line \(instruction.line): ADD --checksum applies to remote sources only") }
        try await place(sources: add.sources, from: context, destination: add.destination, chown: add.chown,
                        chmod: add.chmod, excludes: add.excludes, parents: false, extractArchives: add.unpack ?? true,
                        instruction: instruction, state: &state)
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

    /// COPY and ADD: sources into the step's upper directory with Docker's destination rules,
    /// then one layer of the difference.
    private mutating func place(sources: [CopySource], from tree: SourceTree, destination: String, chown: String?, chmod: String?,
                                excludes: [String], parents: Bool, extractArchives: Bool, instruction: Instruction,
                                state: inout StageState) async throws {
        let scratch = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "copy-")
        defer { try? FileSystem.removeTree(scratch) }
        var writer = UpperWriter(upper: scratch, lower: state.lowerView, epoch: options.sourceDateEpoch)
        if let chown {
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
        let dest = LayersTree.clean(absolute)
        var resolved: [(path: String, heredoc: Heredoc?)] = []
        for source in sources {
            switch source {
            case .heredoc(let h): resolved.append(("", h))
            case .path(let p):
                do {
                    for path in try tree.resolve(p) { resolved.append((path, nil)) }
                } catch let e as ReeError {
                    throw ReeError(e.code, "line \(instruction.line): \(e.message)")
                }
            }
        }
        let destinationIsDirectory = try writer.isDirectory(dest)
        let intoDirectory = destination.hasSuffix("/") || resolved.count > 1 || destinationIsDirectory
        if intoDirectory { try writer.ensureDirectory(dest) }
        for (path, heredoc) in resolved {
            if let heredoc {
                let target = intoDirectory ? (dest.isEmpty ? heredoc.name : dest + "/" + heredoc.name) : dest
                try writer.write(Array(heredoc.content.utf8), to: target, mode: 0o644)
                continue
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
        let changes = try OverlayDiffer(upper: scratch, lowerLayersTopFirst: state.lowerTopFirst, epoch: options.sourceDateEpoch).changes()
        var key = state.cacheKey
        key.add(instruction.keyword, Self.describe(instruction), try Self.digest(of: changes, epoch: options.sourceDateEpoch))
        if try reuse(key: key, instruction: instruction, state: &state) { return }
        try commit(changes, key: key, instruction: instruction, state: &state)
    }

    /// A local tar (plain, gzip, bzip2, xz, zstd) that ADD unpacks.
    static func isArchive(_ fd: FileDescriptor) -> Bool {
        guard let reader = try? ArchiveReader(source: fd, name: fd.path), let first = try? reader.next() else { return false }
        return !first.path.isEmpty
    }
}
