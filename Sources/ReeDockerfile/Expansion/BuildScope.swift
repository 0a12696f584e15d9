/// The build-wide variable scope: build arguments given by the user, the automatic platform
/// arguments, and the global `ARG`s declared before the first `FROM`.
///
/// Global arguments are visible in `FROM` lines only. A stage sees one only after redeclaring it
/// (`ARG NAME` without a value), which then takes the global value; see ``StageEnvironment``.
public struct BuildScope: Sendable {
    /// Proxy arguments Docker accepts with `--build-arg` without a matching `ARG`. They reach `RUN`
    /// commands and expansion but are not recorded in the image.
    public static let predefinedArgumentNames: Set<String> = [
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    ]

    /// The escape character of the Dockerfile, used by the lexer.
    public let escape: Unicode.Scalar
    /// The `--build-arg` values given by the user.
    public let buildArguments: [String: String]
    /// The platform the image is built for.
    public let targetPlatform: BuildPlatform
    /// The platform the build runs on.
    public let buildPlatform: BuildPlatform
    /// The values visible to `FROM` lines: platform arguments and resolved global `ARG`s.
    public private(set) var globalValues: [String: String]
    /// Every argument name declared by an `ARG` anywhere in the Dockerfile.
    public let declaredNames: Set<String>

    /// Resolves the global `ARG`s of `dockerfile` in order: a build argument overrides a default,
    /// a default may use earlier global arguments and the platform arguments.
    public init(
        dockerfile: Dockerfile, buildArguments: [String: String] = [:],
        targetPlatform: BuildPlatform = .linuxAMD64, buildPlatform: BuildPlatform = .linuxAMD64
    ) throws(DockerfileError) {
        escape = dockerfile.escape
        self.buildArguments = buildArguments
        self.targetPlatform = targetPlatform
        self.buildPlatform = buildPlatform
        var values = Self.platformArguments(target: targetPlatform, build: buildPlatform)
        for (name, _) in values {
            if let override = buildArguments[name] { values[name] = override }
        }
        let lexer = ShellLexer(escape: dockerfile.escape)
        for instruction in dockerfile.globalArguments {
            guard case .arg(let declarations) = instruction.kind else { continue }
            for declaration in declarations {
                if let given = buildArguments[declaration.name] {
                    values[declaration.name] = given
                } else if let defaultValue = declaration.defaultValue {
                    let snapshot = values
                    do {
                        values[declaration.name] = try lexer.processWord(defaultValue) { snapshot[$0] }
                    } catch {
                        throw error.located(at: instruction.line)
                    }
                }
            }
        }
        globalValues = values
        var names: Set<String> = []
        let everyInstruction = dockerfile.globalArguments + dockerfile.stages.flatMap(\.instructions)
        for instruction in everyInstruction {
            if case .arg(let declarations) = instruction.kind {
                names.formUnion(declarations.map(\.name))
            }
        }
        declaredNames = names
    }

    /// `TARGETPLATFORM`, `TARGETOS`, `TARGETARCH`, `TARGETVARIANT` and the `BUILD*` equivalents.
    public static func platformArguments(target: BuildPlatform, build: BuildPlatform) -> [String: String] {
        [
            "TARGETPLATFORM": target.description, "TARGETOS": target.os, "TARGETARCH": target.architecture,
            "TARGETVARIANT": target.variant ?? "",
            "BUILDPLATFORM": build.description, "BUILDOS": build.os, "BUILDARCH": build.architecture,
            "BUILDVARIANT": build.variant ?? "",
        ]
    }

    /// The stage's `FROM` with image and `--platform` expanded using the global values.
    public func resolvedBase(of stage: BuildStage) throws(DockerfileError) -> FromInstruction {
        let expanded = try stage.from.expanded(escape: escape) { globalValues[$0] }
        if case .from(let from) = expanded.kind { return from }
        return stage.base
    }

    /// A fresh environment for walking one stage, starting from its base image's `Env` (`K=V` strings).
    public func environment(imageEnvironment: [String] = []) -> StageEnvironment {
        StageEnvironment(scope: self, imageEnvironment: imageEnvironment)
    }

    /// Build arguments that no `ARG` declares and that are not predefined: Docker warns about them.
    public var unusedBuildArguments: [String] {
        buildArguments.keys.filter {
            !declaredNames.contains($0) && !Self.predefinedArgumentNames.contains($0)
                && Self.platformArguments(target: targetPlatform, build: buildPlatform)[$0] == nil
        }.sorted()
    }
}
