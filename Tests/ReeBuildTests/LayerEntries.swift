import Foundation
import ReeBuild
import ReeOCI
import ReeOS
import ReeTestSupport

/// What a layer tar holds, read with Python's `tarfile` (another reader than ours): path (without
/// a trailing `/`) to type, mode, owner, mtime, link target and content.
struct LayerEntry: Decodable, Equatable {
    /// tarfile's type byte: "0" file, "5" directory, "2" symlink, "1" hardlink.
    let type: String
    let mode: Int
    let uid: Int
    let gid: Int
    let mtime: Int
    let linkname: String
    let data: String
    /// Hex SHA-256 of a file's bytes ("" for other types).
    let sha256: String

    static func layers(of image: NamedImage, in store: ImageStore) throws -> [[String: LayerEntry]] {
        let manifest = try store.manifest(of: image)
        return try manifest.layers.map { try entries(store.blobs.path($0.digest)) }
    }

    static func entries(_ blob: String) throws -> [String: LayerEntry] {
        let script = """
            import sys, tarfile, json, hashlib
            out = {}
            with tarfile.open(sys.argv[1], "r:*") as t:
                for m in t.getmembers():
                    raw = t.extractfile(m).read() if m.isfile() else b""
                    out[m.name.rstrip("/")] = {"type": m.type.decode(), "mode": m.mode, "uid": m.uid, "gid": m.gid,
                                               "mtime": int(m.mtime), "linkname": m.linkname,
                                               "data": raw.decode("utf-8", "replace"),
                                               "sha256": hashlib.sha256(raw).hexdigest() if m.isfile() else ""}
            print(json.dumps(out))
            """
        let json = try Shell.check(["python3", "-c", script, blob])
        return try JSONDecoder().decode([String: LayerEntry].self, from: Data(json.utf8))
    }
}
