/// One exchange the proxy passed through (`RecordingProxy.Mode.passThrough`): what a build
/// fetched, with the digest of the body as the origin sent it (no content decoding), so a
/// downloaded file's sha256 is the one its index publishes.
public struct ObservedExchange: Sendable, Equatable, Codable {
    /// The build step the connection belonged to (`serve(listener:step:)`), nil when not given.
    public var step: String?
    public var method: String
    public var url: String
    /// The final status the client got (502 when the upstream request failed).
    public var status: Int
    /// sha256 of the response body, lower-case hex.
    public var sha256: String
    public var size: Int64

    public init(step: String?, method: String, url: String, status: Int, sha256: String, size: Int64) {
        self.step = step
        self.method = method
        self.url = url
        self.status = status
        self.sha256 = sha256
        self.size = size
    }
}
