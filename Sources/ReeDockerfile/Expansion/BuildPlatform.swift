/// An OS/architecture pair such as `linux/amd64` or `linux/arm/v7`.
public struct BuildPlatform: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The operating system, such as `linux`.
    public var os: String
    /// The architecture, such as `amd64`.
    public var architecture: String
    /// The architecture variant, such as `v7`, if any.
    public var variant: String?

    /// Creates a platform.
    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// Parses `os/arch[/variant]`; nil when the text has another shape.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// The only platform ree builds for.
    public static let linuxAMD64 = BuildPlatform(os: "linux", architecture: "amd64")

    /// `os/arch` or `os/arch/variant`.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}
