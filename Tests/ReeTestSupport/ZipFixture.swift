import Foundation

/// ZIP archives for tests, good and hostile, written by Python's zipfile: another implementation
/// than the libarchive we read them with, and one that writes whatever entry names it is given.
public enum ZipFixture {
    public enum Entry: Sendable {
        case file(String, String)
        case directory(String)
        case symlink(String, target: String)
        /// A file of `bytes` zeros, deflated: a few KiB on the wire.
        case zeros(String, bytes: Int)
    }

    public static func write(_ path: String, _ entries: [Entry]) throws {
        var spec: [[String: Any]] = []
        for entry in entries {
            switch entry {
            case .file(let name, let text): spec.append(["kind": "file", "name": name, "data": text])
            case .directory(let name): spec.append(["kind": "dir", "name": name])
            case .symlink(let name, let target): spec.append(["kind": "symlink", "name": name, "target": target])
            case .zeros(let name, let bytes): spec.append(["kind": "zeros", "name": name, "size": bytes])
            }
        }
        let specPath = path + ".spec.json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        defer { try? FileManager.default.removeItem(atPath: specPath) }
        try Shell.check(["python3", "-c", script, path, specPath])
    }

    private static let script = #"""
import json, sys, zipfile
path, spec = sys.argv[1], json.load(open(sys.argv[2]))
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for e in spec:
        if e["kind"] == "file":
            z.writestr(e["name"], e["data"])
        elif e["kind"] == "dir":
            info = zipfile.ZipInfo(e["name"].rstrip("/") + "/")
            info.external_attr = (0o40755 << 16) | 0x10
            z.writestr(info, b"")
        elif e["kind"] == "symlink":
            info = zipfile.ZipInfo(e["name"])
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            z.writestr(info, e["target"])
        elif e["kind"] == "zeros":
            info = zipfile.ZipInfo(e["name"])
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                chunk = bytes(1 << 20)
                left = e["size"]
                while left > 0:
                    n = min(left, len(chunk))
                    f.write(chunk[:n])
                    left -= n
"""#
}

/// Every path under `directory`, relative, sorted (to check that nothing landed elsewhere).
public func listTree(_ directory: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    return (enumerator.allObjects as? [String] ?? []).sorted()
}
