import Foundation
import ReeDockerfile
import ReeLayers
import ReeOCI
import ReeOS

/// Dockerfile to OCI image: the stages the target needs, in order; each RUN in the sandbox,
/// each filesystem change one layer, metadata in the config and history only.
public struct Builder: Sendable {
    public let store: ImageStore
    public let options: BuildOptions
    public let log: BuildLog

    public init(store: ImageStore, options: BuildOptions, log: BuildLog) {
        self.store = store
        self.options = options
        self.log = log
    }

    public func build() async throws -> BuildResult {
        let context = try BuildContext(directory: options.contextDirectory)
        let dockerfileText = String(decoding: try context.readFile(try BuildContext.clean(options.dockerfile)), as: UTF8.self)
        let dockerfile: Dockerfile
        let scope: BuildScope
        do {
            dockerfile = try DockerfileParser.parse(dockerfileText)
            scope = try BuildScope(dockerfile: dockerfile, buildArguments: options.buildArguments)
        } catch {
            throw ReeError(.invalidInput, "\(options.dockerfile): \(error)")
        }
        for name in scope.unusedBuildArguments { log.line("warning: build argument \(name) is not declared by any ARG") }
        guard !dockerfile.stages.isEmpty else { throw ReeError(.invalidInput, "\(options.dockerfile): no FROM instruction") }

        let targetIndex: Int
        if let target = options.target {
            guard let i = dockerfile.stageIndex(for: target) else {
                throw ReeError(.invalidInput, "target stage '\(target)' not found; stages: \(dockerfile.stages.map { $0.name ?? String($0.index) }.joined(separator: ", "))")
            }
            targetIndex = i
        } else {
            targetIndex = dockerfile.stages.count - 1
        }
        let needed = try neededStages(dockerfile, scope: scope, target: targetIndex)
        let totalSteps = needed.reduce(0) { $0 + dockerfile.stages[$1].instructions.count + 1 }
        var run = try BuildRun(builder: self, context: context, dockerfile: dockerfile, scope: scope, totalSteps: totalSteps)
        for index in needed.sorted() {
            try await run.buildStage(index)
        }
        guard let final = run.results[targetIndex]?.state else {
            throw ReeError(.invalidInput, "target stage \(targetIndex) was not built")
        }
        var config = final.config
        config.rootfs = ImageConfig.RootFS(diffIDs: final.layers.map { $0.diffID })
        config.created = Timestamp.rfc3339(options.sourceDateEpoch)
        let name = try options.tag ?? ImageName("ree-build")
        let descriptor = try store.writeImage(name: name, config: config, layers: final.layers.map(\.descriptor))
        log.line("image \(name) \(descriptor.digest) (\(final.layers.count) layers, \(run.cachedSteps)/\(totalSteps) steps cached)")
        return BuildResult(image: NamedImage(name: name, manifest: descriptor), config: config,
                           baseImages: run.baseImages, cachedSteps: run.cachedSteps, totalSteps: totalSteps)
    }

    /// The target and every stage it reaches through FROM, COPY --from and RUN --mount from=.
    private func neededStages(_ dockerfile: Dockerfile, scope: BuildScope, target: Int) throws -> Set<Int> {
        var needed: Set<Int> = []
        var work = [target]
        while let index = work.popLast() {
            guard needed.insert(index).inserted else { continue }
            let stage = dockerfile.stages[index]
            var references: [String] = []
            if let base = try? scope.resolvedBase(of: stage) { references.append(base.image) }
            for instruction in stage.instructions {
                switch instruction.kind {
                case .copy(let copy): if let from = copy.from { references.append(from) }
                case .run(let run): references += run.mounts.compactMap(\.from)
                default: break
                }
            }
            for reference in references {
                if let i = dockerfile.stageIndex(for: reference), i < index { work.append(i) }
            }
        }
        return needed
    }
}
