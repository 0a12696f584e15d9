/// The tool that wrote a document.
public struct SBOMTool: Sendable, Hashable {
    public var name: String
    public var version: String
    public init(name: String = "ree", version: String) {
        self.name = name
        self.version = version
    }
}
