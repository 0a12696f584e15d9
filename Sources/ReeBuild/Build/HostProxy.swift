/// A proxy on the host for the builder's own downloads (`ADD <URL>`), from `StepNetwork.hostProxy`.
public struct HostProxy: Sendable, Equatable {
    /// The proxy's URL, such as `http://127.0.0.1:41234`.
    public var url: String
    /// The CA bundle that verifies `https://` origins through it (a recording's CA); nil: the system's.
    public var caFile: String?

    public init(url: String, caFile: String?) {
        self.url = url
        self.caFile = caFile
    }
}
