import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// swift-log's `StreamLogHandler` line, unchanged (`<time> <level> <label>: <key=value ...> [<source>] <message>`),
/// made cheaper for one line per request: the timestamp is formatted once a second, and lines go to a
/// `LogOutput`, which writes them in batches from a thread of its own.
public struct ServerLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    public var metadata = Logger.Metadata() {
        didSet { prettyMetadata = Self.prettify(metadata) }
    }
    private var prettyMetadata: String?
    private let label: String
    private let output: LogOutput

    public init(label: String, output: LogOutput = .standardError, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var pretty = prettyMetadata
        let provided = metadataProvider?.get() ?? [:]
        if let explicit = event.metadata, !explicit.isEmpty, metadata.isEmpty, provided.isEmpty, event.error == nil {
            pretty = Self.prettify(explicit) // a request line: nothing to merge
        } else if !provided.isEmpty || !(event.metadata ?? [:]).isEmpty || event.error != nil {
            var merged = metadata
            merged.merge(provided) { _, new in new }
            if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
            if let error = event.error {
                merged["error.message"] = "\(error)"
                merged["error.type"] = "\(String(reflecting: type(of: error)))"
            }
            pretty = Self.prettify(merged)
        }
        var line = Self.timestamps.current()
        line.reserveCapacity(line.utf8.count + 64 + (pretty?.utf8.count ?? 0))
        line += " "
        line += event.level.rawValue
        if !label.isEmpty {
            line += " "
            line += label
        }
        line += ":"
        if let pretty {
            line += " "
            line += pretty
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        output.write(line)
    }

    /// `key=value` pairs sorted by key, separated by spaces.
    private static func prettify(_ metadata: Logger.Metadata) -> String? {
        if metadata.isEmpty { return nil }
        var text = ""
        text.reserveCapacity(metadata.count * 24)
        for key in metadata.keys.sorted() {
            if !text.isEmpty { text += " " }
            text += key
            text += "="
            if let value = metadata[key] { text += value.description }
        }
        return text
    }

    private static let timestamps = TimestampCache()
}

/// `%Y-%m-%dT%H:%M:%S%z` in local time, as `StreamLogHandler` writes it, formatted once per second.
final class TimestampCache: Sendable {
    private let cached = Mutex<(second: time_t, text: String)>((-1, ""))

    init() {
        tzset() // localtime_r, unlike localtime, need not read the time zone itself
    }

    func current() -> String {
        let now = time(nil)
        if let text = cached.withLock({ $0.second == now ? $0.text : nil }) { return text }
        var seconds = now
        var local = tm()
        var buffer = [CChar](repeating: 0, count: 64)
        let text: String
        if localtime_r(&seconds, &local) == nil {
            text = "<unknown>"
        } else {
            strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
            text = String(cString: buffer)
        }
        cached.withLock { $0 = (now, text) }
        return text
    }
}
