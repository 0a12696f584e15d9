import Foundation
import ReeDockerfile
import ReeLayers
import ReeOCI
import ReeOS

/// One build in progress: stage results, counters, the cache.
struct BuildRun {
    let builder: Builder
    let context: BuildContext
    let dockerfile: Dockerfile
    let scope: BuildScope
    let totalSteps: Int
    let cache: BuildCache
    let layerCache: LayerCache
    var results: [Int: StageResult] = [:]
    var baseImages: [BaseImageReference] = []
    var step = 0
    var cachedSteps = 0

    var store: ImageStore { builder.store }
    var options: BuildOptions { builder.options }
    var log: BuildLog { builder.log }

    init(builder: Builder, context: BuildContext, dockerfile: Dockerfile, scope: BuildScope, totalSteps: Int) throws {
        self.builder = builder
        self.context = context
        self.dockerfile = dockerfile
        self.scope = scope
        self.totalSteps = totalSteps
        cache = try BuildCache(store: builder.store)
        layerCache = try LayerCache(store: builder.store, ownership: LayerCache.ownership(singleIDMode: builder.options.userNamespace == .single))
    }

    mutating func buildStage(_ index: Int) async throws {
        let stage = dockerfile.stages[index]
        let from = try located(stage.from) { try scope.resolvedBase(of: stage) }
        step += 1
        let label = stage.name.map { " (\($0))" } ?? ""
        log.line("[\(step)/\(totalSteps)] FROM \(from.image)\(label)")
        if let platform = from.platform, platform != "linux/amd64" {
            throw ReeError(.unsupported, "line \(stage.line): platform '\(platform)' is not supported; ree builds linux/amd64")
        }
        var state = try baseState(from.image, line: stage.line)
        // ONBUILD triggers of the base image run first, as Docker does.
        for trigger in state.container.onBuild ?? [] {
            let instruction = try located(stage.from) { try DockerfileParser.parseInstruction(trigger, escape: dockerfile.escape) }
            log.line("  ONBUILD \(trigger)")
            try await execute(instruction, in: &state)
        }
        state.container.onBuild = nil
        for instruction in stage.instructions {
            step += 1
            log.line("[\(step)/\(totalSteps)] \(instruction.source.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))")
            let started = Date()
            try await execute(instruction, in: &state)
            let seconds = Date().timeIntervalSince(started)
            if seconds >= 0.05 { log.line(String(format: "  done in %.2f s", seconds)) }
        }
        results[index] = StageResult(state: state)
    }

    /// The starting state of a stage: scratch, an earlier stage, or a stored image.
    private mutating func baseState(_ image: String, line: Int) throws -> StageState {
        var key = CacheKey("ree-build-v1")
        if image == "scratch" {
            key.add("scratch")
            return StageState(config: ImageConfig(config: ContainerConfig(), rootfs: .init(diffIDs: []), history: []),
                              layers: [], layerDirectories: [], environment: scope.environment(imageEnvironment: []),
                              shell: ["/bin/sh", "-c"], cacheKey: key, baseName: "scratch", baseDigest: nil)
        }
        if let i = dockerfile.stageIndex(for: image), let earlier = results[i] {
            var state = earlier.state
            state.environment = scope.environment(imageEnvironment: state.environmentList)
            return state
        }
        let named: NamedImage
        do {
            named = try store.resolve(image)
        } catch let e as ReeError {
            throw ReeError(e.code, "line \(line): FROM \(image): \(e.message)")
        }
        let manifest = try store.manifest(of: named)
        let config = try store.config(of: manifest)
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw ReeError(.corrupt, "image '\(image)': \(manifest.layers.count) layers but \(config.rootfs.diffIDs.count) diff_ids")
        }
        let layers = Array(zip(manifest.layers, config.rootfs.diffIDs)).map { (descriptor: $0.0, diffID: $0.1) }
        let dirs = try layers.map { try layerCache.unpacked($0.descriptor, diffID: $0.diffID) }
        key.add("image", named.manifest.digest.description)
        if !baseImages.contains(where: { $0.digest == named.manifest.digest }) {
            baseImages.append(BaseImageReference(name: image, digest: named.manifest.digest))
        }
        var stageConfig = config
        stageConfig.history = config.history ?? []
        return StageState(config: stageConfig, layers: layers, layerDirectories: dirs,
                          environment: scope.environment(imageEnvironment: config.config?.env ?? []),
                          shell: config.config?.shell ?? ["/bin/sh", "-c"], cacheKey: key,
                          baseName: image, baseDigest: named.manifest.digest)
    }

    /// Runs `body`, turning parser errors into ones that name the Dockerfile and line.
    func located<T>(_ instruction: Instruction, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as ReeError {
            throw e
        } catch {
            throw ReeError(.invalidInput, "\(options.dockerfile): \(error)")
        }
    }

    mutating func execute(_ raw: Instruction, in state: inout StageState) async throws {
        let instruction: Instruction
        switch raw.kind {
        case .arg, .env:
            instruction = try located(raw) { try state.environment.apply(raw) }
        default:
            instruction = try located(raw) { try state.environment.expand(raw) }
        }
        switch instruction.kind {
        case .from:
            throw ReeError(.invalidInput, "line \(raw.line): FROM inside a stage")
        case .run(let run):
            try await executeRun(run, instruction: instruction, state: &state)
        case .copy(let copy):
            try await executeCopy(copy, instruction: instruction, state: &state)
        case .add(let add):
            try await executeAdd(add, instruction: instruction, state: &state)
        case .workdir(let path):
            try await executeWorkdir(path, instruction: instruction, state: &state)
        default:
            try applyMetadata(instruction, state: &state)
        }
    }

    /// Adds a history entry; `layer` says whether this step added one.
    func record(_ instruction: Instruction, layer: Bool, state: inout StageState, createdBy: String? = nil) {
        var history = state.config.history ?? []
        history.append(.init(created: Timestamp.rfc3339(options.sourceDateEpoch),
                             createdBy: createdBy ?? Self.describe(instruction),
                             comment: "ree", emptyLayer: layer ? nil : true))
        state.config.history = history
    }

    static func describe(_ instruction: Instruction) -> String {
        instruction.source.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
