import Foundation
import ReeDockerfile
import ReeLayers
import ReeOCI
import ReeOS
import ReeSandbox
#if canImport(Glibc)
import Glibc
#endif

extension BuildRun {
    /// RUN: the command in the sandbox over the stage's layers; the overlay upper directory
    /// becomes the step's layer.
    mutating func executeRun(_ run: RunInstruction, instruction: Instruction, state: inout StageState) async throws {
        let invocation = run.invocation(shell: state.shell)
        let argv = invocation.arguments
        // ARGs reach RUN as variables (ENV wins), never the image.
        var environment = state.environment.runEnvironment
        if !environment.contains(where: { $0.hasPrefix("PATH=") }) {
            environment.append("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        if !environment.contains(where: { $0.hasPrefix("SOURCE_DATE_EPOCH=") }) {
            environment.append("SOURCE_DATE_EPOCH=\(options.sourceDateEpoch)")
        }
        let user = try UserSpec.resolve(state.container.user ?? "", lowerLayersTopFirst: state.lowerTopFirst)
        let wantsNetwork = run.network != RunNetwork.none
        let network = wantsNetwork ? options.network : nil

        var key = state.cacheKey
        key.add("RUN", argv.joined(separator: "\u{1}"), invocation.file?.content ?? "", environment.joined(separator: "\u{1}"), "\(user.uid):\(user.gid)",
                state.workingDirectory, run.mounts.map(\.specification).joined(separator: "\u{1}"), network?.cacheKey ?? "no-network")
        if try reuse(key: key, instruction: instruction, state: &state) { return }

        let scratch = try FileSystem.makeTemporaryDirectory(in: store.home + "/tmp", prefix: "step-")
        defer { try? FileSystem.removeTree(scratch) }
        let upper = scratch + "/upper", work = scratch + "/work", empty = scratch + "/empty"
        for d in [upper, work, empty] { try FileSystem.createDirectory(d) }
        let lowers = state.layerDirectories.isEmpty ? [empty] : state.lowerTopFirst

        var sandbox = SandboxConfiguration(root: .overlay(lower: lowers, upper: upper, work: work), argv: argv)
        sandbox.environment = environment + (network?.environment() ?? [])
        sandbox.workingDirectory = state.workingDirectory
        sandbox.uid = user.uid
        sandbox.gid = user.gid
        sandbox.supplementaryGroups = user.groups
        sandbox.userNamespace = options.userNamespace
        sandbox.limits.timeout = options.stepTimeout
        sandbox.mounts = try runMounts(run.mounts, scratch: scratch, state: state) + (network?.mounts(lowerLayersTopFirst: lowers) ?? [])
        if let file = invocation.file {
            // A `#!` heredoc script: bound read-only where the command expects it.
            let host = scratch + "/script"
            let fd = try FileDescriptor.open(host, O_WRONLY | O_CREAT | O_EXCL, mode: mode_t(file.mode))
            try fd.writeAll(Array(file.content.utf8))
            try fd.close()
            sandbox.mounts.append(.init(source: host, target: file.path, readOnly: true))
        }
        if let network { sandbox.listenPort = network.port }

        let log = self.log
        // The Dockerfile line lets an observer of the traffic (the SBOM strategy) find the instruction.
        let stepName = "step \(step), line \(instruction.line)"
        var listener: (@Sendable (Int32) -> Void)?
        if let network { listener = { fd in network.serve(listener: fd, step: stepName) } }
        let output = SandboxOutput.capture { _, bytes in log.output(bytes) }
        let result: SandboxResult
        do {
            result = try await Sandbox.run(sandbox, output: output, listener: listener)
        } catch {
            await network?.stepEnded(step: stepName)
            throw error
        }
        await network?.stepEnded(step: stepName)
        for note in result.notes { log.line("  note: \(note)") }
        let shown = Self.describe(instruction)
        if result.timedOut {
            throw ReeError(.limitExceeded, "line \(instruction.line): RUN was killed after its time limit of \(options.stepTimeout): \(shown)")
        }
        guard result.succeeded else {
            let how = result.signal.map { "was killed by signal \($0)" } ?? "exited with status \(result.exitCode ?? -1)"
            throw ReeError(.processFailed, "line \(instruction.line): RUN \(how): \(shown)")
        }
        try VolatileFiles.normalize(upper: upper, epoch: options.sourceDateEpoch)
        // Files in the upper directory carry host ids: read the sandbox's maps backwards.
        let owners = OwnerMapping(uids: result.uidMap.map { .init(inside: $0.inside, outside: $0.outside, count: $0.count) },
                                  gids: result.gidMap.map { .init(inside: $0.inside, outside: $0.outside, count: $0.count) })
        let changes = try OverlayDiffer(upper: upper, lowerLayersTopFirst: state.layerDirectories.isEmpty ? [] : lowers,
                                        ids: owners, epoch: options.sourceDateEpoch).changes()
        try commit(changes, key: key, instruction: instruction, state: &state)
    }

    /// `RUN --mount`: caches persist under `$REE_HOME/cache/mounts`, binds come from the context
    /// (read-only unless rw), tmpfs is an empty scratch directory thrown away after the step.
    private func runMounts(_ mounts: [RunMount], scratch: String, state: StageState) throws -> [SandboxConfiguration.Mount] {
        var result: [SandboxConfiguration.Mount] = []
        for (i, mount) in mounts.enumerated() {
            guard let target = mount.target, !target.isEmpty else {
                throw ReeError(.invalidInput, "RUN --mount=\(mount.specification): target is required")
            }
            let absolute = target.hasPrefix("/") ? target : (state.workingDirectory as NSString).appendingPathComponent(target)
            switch mount.type {
            case .cache:
                let id = mount.id ?? absolute
                let dir = store.home + "/cache/mounts/" + SHA256.hex(Array(id.utf8))
                if !FileSystem.isDirectory(dir) {
                    try FileSystem.createDirectory(dir)
                    if geteuid() == 0 { try checked("chown", dir) { chown(dir, mount.uid ?? 0, mount.gid ?? 0) } }
                    try checked("chmod", dir) { chmod(dir, mode_t(mount.mode ?? 0o755)) }
                }
                result.append(.init(source: dir, target: absolute, readOnly: false))
            case .tmpfs:
                let dir = scratch + "/tmpfs-\(i)"
                try FileSystem.createDirectory(dir, mode: 0o1777)
                try checked("chmod", dir) { chmod(dir, 0o1777) }  // mkdir's mode passes through the umask
                result.append(.init(source: dir, target: absolute, readOnly: false))
            case .bind:
                let source = mount.source ?? ""
                let host: String
                if let from = mount.from {
                    let tree = try sourceTree(from: from, line: 0)
                    guard let layersTree = tree as? LayersTree, let path = try layersTree.view.hostPath(LayersTree.clean(source)) else {
                        throw ReeError(.notFound, "RUN --mount: '\(source)' not found in \(from)")
                    }
                    host = path
                } else {
                    let cleaned = try BuildContext.clean(source)
                    _ = try context.open(cleaned, O_PATH | O_NOFOLLOW)
                    host = cleaned.isEmpty ? context.directory : context.directory + "/" + cleaned
                }
                result.append(.init(source: host, target: absolute, readOnly: mount.readOnly))
            }
        }
        return result
    }
}
