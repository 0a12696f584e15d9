/// One `EXPOSE` entry, `port[/protocol]` or `low-high[/protocol]`, after expansion.
public struct ExposedPort: Sendable, Equatable, Hashable {
    /// The first (or only) port.
    public var port: UInt16
    /// The last port of a range; equal to `port` for a single port.
    public var endPort: UInt16
    /// `tcp` (the default), `udp` or `sctp`.
    public var transport: String

    /// Parses an expanded `EXPOSE` word; throws for anything that is not a port or port range.
    public init(parsing text: String) throws(DockerfileError) {
        let slash = text.firstIndex(of: "/")
        let portText = slash.map { String(text[..<$0]) } ?? text
        let transport = slash.map { String(text[text.index(after: $0)...]).lowercased() } ?? "tcp"
        guard ["tcp", "udp", "sctp"].contains(transport) else {
            throw DockerfileError(line: 0, "invalid protocol in EXPOSE \(text): expected tcp, udp or sctp")
        }
        let bounds = portText.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = bounds.first, let low = UInt16(first), let high = UInt16(bounds.last ?? first), low <= high
        else {
            throw DockerfileError(line: 0, "invalid port in EXPOSE \(text): expected a number from 0 to 65535")
        }
        port = low
        endPort = high
        self.transport = transport
    }

    /// The image config `ExposedPorts` keys: `8080/tcp`, one per port of a range.
    public var configKeys: [String] {
        (port...endPort).map { "\($0)/\(transport)" }
    }
}
