import ReeOCI
import ReeOS

/// Step results by cache key, under `$REE_HOME/cache/steps/`. A key covers the parent state,
/// the instruction after expansion, and the digests of the files it reads; a hit is used only
/// while its layer blob is still in the store.
struct BuildCache {
    struct Entry: Codable {
        var layer: Descriptor?
        var diffID: Digest?
    }

    let store: ImageStore
    var directory: String { store.home + "/cache/steps" }

    init(store: ImageStore) throws {
        self.store = store
        try FileSystem.createDirectory(store.home + "/cache/steps", mode: 0o700)
    }

    func lookup(_ key: String) -> Entry? {
        guard let bytes = try? FileSystem.readFile("\(directory)/\(key).json"),
              let entry = try? CanonicalJSON.decode(Entry.self, from: bytes, source: key) else { return nil }
        if let layer = entry.layer, !store.blobs.contains(layer.digest) { return nil }
        return entry
    }

    func save(_ key: String, _ entry: Entry) throws {
        try FileSystem.writeAtomically("\(directory)/\(key).json", CanonicalJSON.encode(entry))
    }
}

/// Builds cache keys: a running sha256 over the parts that decide a step's result.
struct CacheKey {
    private(set) var value: String

    init(_ seed: String) { value = SHA256.hex(Array(seed.utf8)) }

    mutating func add(_ parts: String...) {
        var text = value
        for p in parts { text += "\u{0}" + p }
        value = SHA256.hex(Array(text.utf8))
    }
}
