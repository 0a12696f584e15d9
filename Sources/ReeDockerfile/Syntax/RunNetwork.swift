/// The `RUN --network` modes.
public enum RunNetwork: String, Sendable, Equatable, CaseIterable {
    /// The default network of the build.
    case `default`
    /// No network at all.
    case none
    /// The host's network.
    case host
}
