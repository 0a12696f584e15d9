import Foundation
import ReeDockerfile
import ReeOS
import ReeRecorder
import ReeSBOM

/// The SBOM strategy's rewrite of a Dockerfile (docs/ree-format.md, "The pinned Dockerfile"):
/// base images by digest, `apt-get install NAME` as `NAME=VERSION` with apt reading the Debian
/// snapshot archive for that step only, `pip install` through a lock with the hashes of the files
/// the step downloaded. Pure: it reads the Dockerfile text, the built image's packages and what
/// the proxy saw, and writes text. Whatever it cannot pin it leaves as written and lists.
public struct DockerfilePinner: Sendable {
    public struct Input: Sendable {
        public var dockerfile: String
        public var dockerfileName = "Dockerfile"
        public var buildArguments: [String: String] = [:]
        public var target: String?
        /// FROM name → manifest digest of the stored images the build used.
        public var baseImages: [String: String] = [:]
        /// The built image's packages (the target stage and the stages it starts from).
        public var packages: [Package] = []
        /// What the proxy passed through, by the Dockerfile line of the RUN that asked.
        public var exchanges: [Int: [ObservedExchange]] = [:]
        /// The apt sources of each stored base image (by FROM name); absent or empty: no apt there.
        public var aptSources: [String: [AptSource]] = [:]
        /// The snapshot to use for sources without a snapshot comment.
        public var configuredSnapshot: DebianSnapshot?

        public init(dockerfile: String) { self.dockerfile = dockerfile }
    }

    public struct Result: Sendable, Equatable {
        public var dockerfile: String
        public var pinned: [REEManifest.PinnedItem]
        public var unpinned: [REEManifest.UnpinnedItem]
        public var arguments: [String: String]
        public var snapshot: REEManifest.SnapshotInfo?
    }

    /// The stage of generated files (apt script, pip locks), written as COPY heredocs so that the
    /// pinned Dockerfile is one file, the context stays the project's, and RUN steps bind them.
    public static let pinsStage = "ree-pins"
    /// Where a pinned step sees those files.
    public static let pinsDirectory = "/run/ree-pins"
    /// The tmpfs where the apt script writes the step's sources and configuration.
    public static let aptDirectory = "/run/ree-apt"
    /// The ARG that names the `debian` archive to read (the snapshot, or any mirror of it).
    public static let snapshotArgument = "REE_DEBIAN_SNAPSHOT"

    public let input: Input

    public init(_ input: Input) { self.input = input }

    /// Collected while walking the instructions.
    struct Work {
        var pinned: [REEManifest.PinnedItem] = []
        var unpinned: [REEManifest.UnpinnedItem] = []
        /// Generated files of the pins stage: name → content.
        var files: [(name: String, content: String)] = []
        /// Stages (by index) whose RUN steps read the snapshot.
        var aptStages: Set<Int> = []
        var aptSources: [AptSource]?
        var stageSources: [Int: [AptSource]] = [:]
        var snapshotFailure: String?
    }

    public func pin() throws -> Result {
        let parsed: Dockerfile
        let scope: BuildScope
        do {
            parsed = try DockerfileParser.parse(input.dockerfile)
            scope = try BuildScope(dockerfile: parsed, buildArguments: input.buildArguments)
        } catch {
            throw ReeError(.invalidInput, "failed to pin \(input.dockerfileName): \(error)")
        }
        guard !parsed.stages.isEmpty else { throw ReeError(.invalidInput, "failed to pin \(input.dockerfileName): no FROM instruction") }
        let targetIndex = try input.target.map { name in
            guard let i = parsed.stageIndex(for: name) else { throw ReeError(.invalidInput, "failed to pin \(input.dockerfileName): no stage '\(name)'") }
            return i
        } ?? parsed.stages.count - 1
        // The built image holds the target stage and every stage it starts FROM.
        var inImage: Set<Int> = []
        var froms: [Int: String] = [:]
        for stage in parsed.stages { froms[stage.index] = (try? scope.resolvedBase(of: stage).image) ?? stage.base.image }
        var cursor: Int? = targetIndex
        while let i = cursor, !inImage.contains(i) {
            inImage.insert(i)
            cursor = froms[i].flatMap { parsed.stageIndex(for: $0) }.flatMap { $0 < i ? $0 : nil }
        }

        var lines = input.dockerfile.components(separatedBy: "\n")
        var replacements: [(first: Int, last: Int, text: String)] = []
        var work = Work()
        // A stage's apt sources are those of the stored image its FROM chain starts from.
        for stage in parsed.stages {
            var image = froms[stage.index] ?? ""
            var hops = 0
            while let earlier = parsed.stageIndex(for: image), earlier < stage.index, hops < parsed.stages.count {
                image = froms[earlier] ?? ""
                hops += 1
            }
            work.stageSources[stage.index] = input.aptSources[image]
        }
        for stage in parsed.stages {
            if let image = froms[stage.index], image.contains("@sha256:") {
                // Already pinned by its author.
                let parts = image.split(separator: "@", maxSplits: 1).map(String.init)
                work.pinned.append(.init(line: stage.from.line, kind: "base-image", name: parts[0], version: parts[1], digest: parts[1]))
            } else if let image = froms[stage.index], let digest = input.baseImages[image], case .from(let from) = stage.from.kind {
                var text = "FROM "
                if let platform = from.platform { text += "--platform=\(platform) " }
                text += "\(image)@\(digest)"
                if let name = from.name { text += " AS \(name)" }
                replacements.append((stage.from.line, stage.from.endLine, text))
                work.pinned.append(.init(line: stage.from.line, kind: "base-image", name: image, version: digest, digest: digest))
            }
            for instruction in stage.instructions {
                if case .add(let add) = instruction.kind, add.checksum == nil, let text = pinAdd(add, instruction, work: &work) {
                    replacements.append((instruction.line, instruction.endLine, text))
                }
                guard case .run(let run) = instruction.kind else { continue }
                if let text = pinRun(instruction, run, stage: stage.index, inImage: inImage.contains(stage.index), work: &work) {
                    replacements.append((instruction.line, instruction.endLine, text))
                }
            }
        }

        // Numeric stage references move by one: the pins stage comes first.
        let addsStage = !work.files.isEmpty
        var arguments: [String: String] = [:]
        var snapshot: REEManifest.SnapshotInfo?
        var globalLines: [String] = []
        var stageArgumentLines: [String] = []
        if !work.aptStages.isEmpty, let sources = work.aptSources {
            let plan = aptPlan(sources)
            arguments = plan.arguments
            snapshot = plan.snapshot
            for (name, value) in plan.arguments.sorted(by: { $0.key < $1.key }) {
                globalLines.append("ARG \(name)=\(value)")
                stageArgumentLines.append("ARG \(name)")
            }
        }
        for stage in parsed.stages where work.aptStages.contains(stage.index) && !stageArgumentLines.isEmpty {
            if let i = replacements.firstIndex(where: { $0.first == stage.from.line }) {
                replacements[i].text += "\n" + stageArgumentLines.joined(separator: "\n")
            } else {
                let original = lines[(stage.from.line - 1)..<stage.from.endLine].joined(separator: "\n")
                replacements.append((stage.from.line, stage.from.endLine, original + "\n" + stageArgumentLines.joined(separator: "\n")))
            }
        }
        if addsStage {
            for stage in parsed.stages {
                for instruction in stage.instructions where instruction.keyword == "COPY" || instruction.keyword == "ADD" || instruction.keyword == "RUN" {
                    let current = replacements.firstIndex(where: { $0.first == instruction.line })
                    let text = current.map { replacements[$0].text } ?? lines[(instruction.line - 1)..<instruction.endLine].joined(separator: "\n")
                    let renumbered = Self.renumberStageReferences(text)
                    guard renumbered != text else { continue }
                    if let current { replacements[current].text = renumbered } else { replacements.append((instruction.line, instruction.endLine, renumbered)) }
                }
            }
        }
        for r in replacements.sorted(by: { $0.first > $1.first }) {
            lines.replaceSubrange((r.first - 1)..<r.last, with: [r.text])
        }
        // Global ARGs and the pins stage go right before the first FROM.
        let firstFrom = parsed.stages[0].from.line - 1
        var header: [String] = []
        if !globalLines.isEmpty {
            header.append("# ree sbom define: the Debian archive the apt steps read; pass --build-arg \(Self.snapshotArgument)=URL for a mirror of it.")
            header += globalLines
        }
        if addsStage {
            header.append("# ree sbom define: files the pinned RUN steps bind (nothing of them reaches the image).")
            header.append("FROM scratch AS \(Self.pinsStage)")
            for file in work.files {
                header.append("COPY <<'REE_PINS_EOF' /\(file.name)")
                header.append(file.content.hasSuffix("\n") ? String(file.content.dropLast()) : file.content)
                header.append("REE_PINS_EOF")
            }
            header.append("")
        }
        lines.insert(contentsOf: header, at: firstFrom)
        if let failure = work.snapshotFailure {
            work.unpinned.append(.init(line: 0, what: "apt sources", reason: failure))
        }
        return Result(dockerfile: lines.joined(separator: "\n"), pinned: work.pinned, unpinned: work.unpinned,
                      arguments: arguments, snapshot: snapshot)
    }

    /// `ADD URL DEST` → `ADD --checksum=sha256:… URL DEST` with the digest of the body the proxy saw
    /// (Docker takes `--checksum` for one URL source only; the others are listed as not pinned).
    func pinAdd(_ add: AddInstruction, _ instruction: Instruction, work: inout Work) -> String? {
        let urls = add.sources.compactMap { source -> String? in
            guard case .path(let path) = source, path.hasPrefix("http://") || path.hasPrefix("https://") || path.hasPrefix("git@") else { return nil }
            return path
        }
        guard !urls.isEmpty else { return nil }
        let fetched = (input.exchanges[instruction.line] ?? []).filter { $0.method == "GET" && $0.status == 200 }
        guard urls.count == 1, add.sources.count == 1, !urls[0].hasPrefix("git@"), fetched.count == 1,
              let keyword = instruction.source.range(of: "ADD", options: [.caseInsensitive, .anchored]) else {
            for url in urls {
                work.unpinned.append(.init(line: instruction.line, what: "ADD \(url)", reason: "a URL added without --checksum is not pinned"))
            }
            return nil
        }
        let digest = "sha256:" + fetched[0].sha256
        work.pinned.append(.init(line: instruction.line, kind: "url", name: urls[0], version: digest, digest: digest))
        let rest = instruction.source[keyword.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
        return "ADD --checksum=\(digest) " + rest
    }

    /// `COPY --from=N` and `RUN --mount=…,from=N` name stages by index: the pins stage shifts them.
    static func renumberStageReferences(_ text: String) -> String {
        var out = text
        for pattern in [#"(--from=)([0-9]+)\b"#, #"(--mount=[^ ]*\bfrom=)([0-9]+)\b"#] {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
            let ns = out as NSString
            var result = ""
            var last = 0
            for match in regex.matches(in: out, range: NSRange(location: 0, length: ns.length)) {
                let number = ns.substring(with: match.range(at: 2))
                result += ns.substring(with: NSRange(location: last, length: match.range(at: 2).location - last))
                result += String((Int(number) ?? 0) + 1)
                last = match.range(at: 2).location + match.range(at: 2).length
            }
            result += ns.substring(from: last)
            out = result
        }
        return out
    }
}
