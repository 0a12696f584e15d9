extension BuildScope {
    /// The earlier stages that `stage` needs, in ascending order: its base (`FROM stagename`),
    /// `COPY --from=` and `RUN --mount=...,from=` references. A `--from` that names no earlier stage
    /// is an image reference and is not listed.
    public func stageDependencies(of stage: BuildStage, in dockerfile: Dockerfile) throws(DockerfileError) -> [Int] {
        var found: Set<Int> = []
        func note(_ reference: String?) {
            guard let reference, let index = dockerfile.stageIndex(for: reference), index < stage.index else { return }
            found.insert(index)
        }
        note(try resolvedBase(of: stage).image)
        for instruction in stage.instructions {
            switch instruction.kind {
            case .copy(let copy):
                note(copy.from)
            case .run(let run):
                for mount in run.mounts { note(mount.from) }
            default:
                break
            }
        }
        return found.sorted()
    }

    /// The stages needed to build stage `target` (itself included), in build order.
    public func stagesNeeded(for target: Int, in dockerfile: Dockerfile) throws(DockerfileError) -> [Int] {
        guard dockerfile.stages.indices.contains(target) else { return [] }
        var needed: Set<Int> = [target]
        var pending = [target]
        while let index = pending.popLast() {
            for dependency in try stageDependencies(of: dockerfile.stages[index], in: dockerfile)
            where needed.insert(dependency).inserted {
                pending.append(dependency)
            }
        }
        return needed.sorted()
    }
}
