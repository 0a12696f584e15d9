import Foundation
import ReeArchive
import ReeOCI
import ReeOS

/// `report.json` of a build from an REE.
public struct RecordingReport: Codable, Sendable, Equatable {
    public var defineDigest: String
    public var buildDigest: String
    public var identical: Bool
    /// Requests the build made that the recording did not have (each got a 502).
    public var unrecordedRequests: [String]
    /// Upstream requests the proxy made during the build (always 0: replay has no upstream).
    public var upstreamRequests: Int
    /// When not identical: which layers differ and, where both layers are in the store, which files.
    public var differences: ImageDifference?

    enum CodingKeys: String, CodingKey {
        case identical, differences
        case defineDigest = "define_digest", buildDigest = "build_digest"
        case unrecordedRequests = "unrecorded_requests", upstreamRequests = "upstream_requests"
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }
}

public struct ImageDifference: Codable, Sendable, Equatable {
    public struct Layer: Codable, Sendable, Equatable {
        public var index: Int
        public var define: String?
        public var build: String?
        /// Paths added, removed or changed (nil when the define's layer is not in this store).
        public var files: [String]?
    }
    public var layers: [Layer]
    /// True when every layer is the same (so the config or manifest differs).
    public var configOnly: Bool

    enum CodingKeys: String, CodingKey {
        case layers
        case configOnly = "config_only"
    }

    static func compare(store: ImageStore, defineLayers: [String], buildLayers: [String]) throws -> ImageDifference {
        var layers: [Layer] = []
        for i in 0..<max(defineLayers.count, buildLayers.count) {
            let d = i < defineLayers.count ? defineLayers[i] : nil
            let b = i < buildLayers.count ? buildLayers[i] : nil
            guard d != b else { continue }
            var files: [String]?
            if let d, let b, let dd = try? Digest(d), let bd = try? Digest(b), store.blobs.contains(dd), store.blobs.contains(bd) {
                let left = try entries(store.blobs.path(dd)), right = try entries(store.blobs.path(bd))
                files = Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted().map { path in
                    left[path] == nil ? "+ \(path)" : right[path] == nil ? "- \(path)" : "~ \(path)"
                }
            }
            layers.append(Layer(index: i, define: d, build: b, files: files))
        }
        return ImageDifference(layers: layers, configOnly: layers.isEmpty)
    }

    /// Path → a fingerprint of kind, mode, owner, mtime, link target and content.
    static func entries(_ layer: String) throws -> [String: String] {
        let reader = try ArchiveReader(path: layer)
        var result: [String: String] = [:]
        while let entry = try reader.next() {
            let sink = DigestingSink(nil)
            if entry.kind == .regular { try reader.copyData(to: sink) } else { try reader.skipData() }
            result[entry.path] = "\(entry.kind) \(String(entry.mode, radix: 8)) \(entry.uid):\(entry.gid) \(entry.mtime) \(entry.linkTarget ?? "") \(sink.finalizeHex())"
        }
        return result
    }
}
