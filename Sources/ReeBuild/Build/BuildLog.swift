import Foundation

/// Where a build reports progress and step output, line by line.
public struct BuildLog: Sendable {
    private let sink: @Sendable (String) -> Void

    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    public func line(_ text: String) { sink(text) }

    /// Step output, split into lines and prefixed (a partial last line is flushed too).
    public func output(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            sink("  │ " + line)
        }
    }

    public static let discard = BuildLog { _ in }
}
