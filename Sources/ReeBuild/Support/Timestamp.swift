import Foundation

/// Times as OCI configs write them.
public enum Timestamp {
    /// `2023-11-14T22:13:20Z` for an epoch in seconds.
    public static func rfc3339(_ epoch: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}
