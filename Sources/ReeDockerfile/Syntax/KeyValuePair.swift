/// A `key=value` pair of `ENV` or `LABEL`.
public struct KeyValuePair: Sendable, Equatable {
    /// The key, quotes not yet removed until expansion.
    public var key: String
    /// The value, quotes not yet removed until expansion.
    public var value: String

    /// Creates a pair.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
