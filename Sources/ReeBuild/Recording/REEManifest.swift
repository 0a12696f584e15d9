import Foundation
import ReeOCI
import ReeOS

/// `ree.json`, the description at the root of an REE definition ZIP (see docs/ree-format.md).
public struct REEManifest: Codable, Sendable, Equatable {
    /// The only version this code reads and writes.
    public static let currentFormatVersion = 1

    public struct BaseImage: Codable, Sendable, Equatable {
        /// The name in FROM.
        public var name: String
        /// The manifest digest the define used.
        public var digest: String
        /// `base/NAME.tar` when the image is inside the REE (`--embed-base`), else nil.
        public var archive: String?
    }

    public struct FileDigest: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var size: Int64
    }

    public struct RecordingInfo: Codable, Sendable, Equatable {
        /// WARC files, the CDXJ index and the CA, each with its digest (checked before a build).
        public var files: [FileDigest]
        public var warcFiles: [String]
        public var index: String
        public var caCertificate: String
        public var caPrivateKey: String
        public var exchanges: Int

        enum CodingKeys: String, CodingKey {
            case files, index, exchanges
            case warcFiles = "warc_files", caCertificate = "ca_certificate", caPrivateKey = "ca_private_key"
        }
    }

    public var formatVersion: Int
    public var strategy: String
    public var sourceDateEpoch: Int64
    public var dockerfile: String
    public var target: String?
    public var buildArguments: [String: String]
    public var baseImages: [BaseImage]
    /// The manifest digest of the image the define produced.
    public var imageDigest: String
    /// The layer digests of that image (for the build's report).
    public var imageLayers: [String]
    public var toolVersion: String
    /// The recording strategy's part (nil for other strategies).
    public var recording: RecordingInfo?
    /// The SBOM strategy's part (nil for other strategies).
    public var pinning: PinningInfo?
    /// SBOM entries under `sbom/` (written by ReeSBOM; empty until then).
    public var sbom: [FileDigest]

    enum CodingKeys: String, CodingKey {
        case strategy, dockerfile, target, recording, pinning, sbom
        case formatVersion = "format_version", sourceDateEpoch = "source_date_epoch", buildArguments = "build_arguments"
        case baseImages = "base_images", imageDigest = "image_digest", imageLayers = "image_layers", toolVersion = "tool_version"
    }

    /// The strategies this code reads.
    public enum Strategy: String, Sendable, CaseIterable {
        case recording, sbom
    }

    public init(formatVersion: Int, strategy: String, sourceDateEpoch: Int64, dockerfile: String, target: String?,
                buildArguments: [String: String], baseImages: [BaseImage], imageDigest: String, imageLayers: [String],
                toolVersion: String, recording: RecordingInfo? = nil, pinning: PinningInfo? = nil, sbom: [FileDigest]) {
        self.formatVersion = formatVersion
        self.strategy = strategy
        self.sourceDateEpoch = sourceDateEpoch
        self.dockerfile = dockerfile
        self.target = target
        self.buildArguments = buildArguments
        self.baseImages = baseImages
        self.imageDigest = imageDigest
        self.imageLayers = imageLayers
        self.toolVersion = toolVersion
        self.recording = recording
        self.pinning = pinning
        self.sbom = sbom
    }

    /// Reads `ree.json`, refusing other format versions and strategies with a clear message, and a
    /// strategy without its part (`recording` or `pinning`).
    public static func decode(_ bytes: [UInt8]) throws -> REEManifest {
        struct Version: Decodable {
            var format_version: Int?
            var strategy: String?
        }
        let version: Version
        do {
            version = try JSONDecoder().decode(Version.self, from: Data(bytes))
        } catch {
            throw ReeError(.invalidInput, "failed to read ree.json: not JSON (\(error))")
        }
        guard let v = version.format_version else { throw ReeError(.invalidInput, "failed to read ree.json: no format_version") }
        guard v == currentFormatVersion else {
            throw ReeError(.unsupported, "failed to read ree.json: unknown format version \(v) (this ree reads version \(currentFormatVersion))")
        }
        guard let strategy = version.strategy.flatMap(Strategy.init(rawValue:)) else {
            let known = Strategy.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
            throw ReeError(.unsupported, "failed to read ree.json: strategy '\(version.strategy ?? "")' is not \(known)")
        }
        let manifest: REEManifest
        do {
            manifest = try JSONDecoder().decode(REEManifest.self, from: Data(bytes))
        } catch {
            throw ReeError(.invalidInput, "failed to read ree.json: \(error)")
        }
        switch strategy {
        case .recording where manifest.recording == nil:
            throw ReeError(.invalidInput, "failed to read ree.json: strategy 'recording' without a 'recording' part")
        case .sbom where manifest.pinning == nil:
            throw ReeError(.invalidInput, "failed to read ree.json: strategy 'sbom' without a 'pinning' part")
        default:
            return manifest
        }
    }

    /// The strategy, known once `decode` accepted the manifest.
    public var knownStrategy: Strategy? { Strategy(rawValue: strategy) }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }

    static func digest(of path: String, relative: String) throws -> FileDigest {
        let fd = try FileDescriptor.open(path)
        let sha = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        var size: Int64 = 0
        while true {
            let n = try fd.read(into: buffer)
            if n == 0 { break }
            sha.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += Int64(n)
        }
        return FileDigest(path: relative, sha256: sha.finalizeHex(), size: size)
    }
}
