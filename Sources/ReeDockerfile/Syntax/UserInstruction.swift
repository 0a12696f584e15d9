/// `USER user[:group]`.
public struct UserInstruction: Sendable, Equatable {
    /// The whole argument as written (expanded after ``StageEnvironment/apply(_:)``).
    public var spec: String

    /// Creates a `USER`.
    public init(spec: String) {
        self.spec = spec
    }

    /// The user name or id: the part before the first `:`.
    public var user: String {
        String(spec.prefix { $0 != ":" })
    }

    /// The group name or id after the first `:`, if any.
    public var group: String? {
        guard let colon = spec.firstIndex(of: ":") else { return nil }
        return String(spec[spec.index(after: colon)...])
    }
}
