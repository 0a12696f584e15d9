import ReeArchive
import ReeDockerfile
import ReeLayers
import ReeOCI
import ReeOS

extension BuildRun {
    /// Takes the step from the cache when `key` is there (and caching is on). `stateKey`, when given,
    /// is the state's key afterwards (a `--link` layer is looked up by a key without its parent).
    mutating func reuse(key: CacheKey, stateKey: CacheKey? = nil, instruction: Instruction, state: inout StageState) throws -> Bool {
        guard !options.noCache, let entry = cache.lookup(key.value) else { return false }
        if let layer = entry.layer, let diffID = entry.diffID {
            state.layers.append((layer, diffID))
            state.layerDirectories.append(try layerCache.unpacked(layer, diffID: diffID))
        }
        record(instruction, layer: entry.layer != nil, state: &state)
        state.cacheKey = stateKey ?? key
        cachedSteps += 1
        log.line("  CACHED")
        return true
    }

    /// Stores the step's changes as a layer (none when nothing changed) and remembers it.
    mutating func commit(_ changes: ChangeSet, key: CacheKey, stateKey: CacheKey? = nil, instruction: Instruction, state: inout StageState) throws {
        var entry = BuildCache.Entry()
        if !changes.isEmpty {
            let layer = try changes.commit(to: store.blobs, compression: options.compression)
            state.layers.append((layer.descriptor, layer.diffID))
            state.layerDirectories.append(try layerCache.unpacked(layer.descriptor, diffID: layer.diffID))
            entry = BuildCache.Entry(layer: layer.descriptor, diffID: layer.diffID)
            log.line("  layer \(layer.descriptor.digest) (\(layer.descriptor.size) bytes)")
        }
        try cache.save(key.value, entry)
        record(instruction, layer: entry.layer != nil, state: &state)
        state.cacheKey = stateKey ?? key
    }

    /// The digest of the tar a change set would give: what a COPY's cache key depends on.
    static func digest(of changes: ChangeSet, epoch: Int64) throws -> String {
        let sink = DigestingSink(nil)
        let tar = try ArchiveWriter(sink: sink, name: "cache key", options: .deterministic(epoch: epoch))
        try changes.write(to: tar)
        try tar.finish()
        return sink.finalizeHex()
    }
}
