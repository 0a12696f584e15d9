import ReeSBOM

extension DockerfilePinner {
    /// apt-get options that take the next word as their value.
    static let aptValueOptions: Set<String> = ["-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release",
                                                "--default-release", "--host-architecture"]

    /// `apt-get [options] install PACKAGE...`: each plain package name becomes `NAME=VERSION`, the
    /// version the built image has (dependencies are not named: the snapshot fixes them, and naming
    /// them would mark them as manually installed, which the original image does not have).
    func pinApt(_ words: ArraySlice<Word>, line: Int, inImage: Bool, edits: inout [(range: Range<String.Index>, text: String)], work: inout Work) {
        var arguments: [Word] = []
        var skipNext = false
        for word in words {
            if skipNext { skipNext = false; continue }
            if word.value.hasPrefix("-") {
                if Self.aptValueOptions.contains(word.value) { skipNext = true }
                continue
            }
            arguments.append(word)
        }
        guard let subcommand = arguments.first, subcommand.value == "install" || subcommand.value == "reinstall" else { return }
        for word in arguments.dropFirst() {
            let value = word.value
            guard word.isPlain else {
                work.unpinned.append(.init(line: line, what: word.raw, reason: "a package named by a variable, quotes or a pattern is not rewritten"))
                continue
            }
            if value.hasSuffix(".deb") || value.hasPrefix("/") || value.hasPrefix("./") || value.hasPrefix("../") {
                work.unpinned.append(.init(line: line, what: value, reason: "a package installed from a file is not in an archive"))
                continue
            }
            if value.hasSuffix("-") { continue }   // apt's "remove this one"
            if let eq = value.firstIndex(of: "=") {
                work.pinned.append(.init(line: line, kind: "deb", name: String(value[..<eq]), version: String(value[value.index(after: eq)...]), digest: nil))
                continue
            }
            guard inImage else {
                work.unpinned.append(.init(line: line, what: value, reason: "the stage is not part of the built image, so its packages are not in the SBOM"))
                continue
            }
            var name = String(value.split(separator: "/").first ?? "")
            if name.hasSuffix("+") { name.removeLast() }
            var architecture: String?
            if let colon = name.firstIndex(of: ":") {
                architecture = String(name[name.index(after: colon)...])
                name = String(name[..<colon])
            }
            let candidates = input.packages.filter { $0.ecosystem == .deb && $0.name == name }
            let match = candidates.first(where: { architecture == nil || $0.architecture == architecture || $0.architecture == "all" })
            guard let package = match else {
                work.unpinned.append(.init(line: line, what: value, reason: "not installed in the built image (a virtual package, or removed later)"))
                continue
            }
            let pinned = name + (architecture.map { ":" + $0 } ?? "") + "=" + package.version
            edits.append((word.range, pinned))
            work.pinned.append(.init(line: line, kind: "deb", name: name, version: package.version, digest: nil))
        }
    }

    /// A RUN that runs apt reads the snapshot: the stage's sources are checked once.
    func aptStep(stage: Int, line: Int, work: inout Work) {
        work.aptStages.insert(stage)
        guard work.aptSources == nil, work.snapshotFailure == nil else { return }
        guard let sources = work.stageSources[stage], !sources.isEmpty else {
            work.snapshotFailure = "the image of the step at line \(line) has no apt sources (not a Debian image?): apt is not pointed at a snapshot"
            return
        }
        let debs = sources.filter { $0.types.contains("deb") }
        if debs.contains(where: { $0.snapshotComment == nil }) && input.configuredSnapshot == nil {
            work.snapshotFailure = "the image's apt sources name no snapshot (no '# …/archive/debian/TIMESTAMP' comment) and none is configured (--debian-snapshot URL or REE_DEBIAN_SNAPSHOT): apt reads the live archive"
            return
        }
        work.aptSources = debs
        work.files.append((name: "apt-snapshot.sh", content: aptScript(debs)))
    }

    /// The snapshot URL of each archive, and the ARGs that let a build read a mirror instead.
    func aptPlan(_ sources: [AptSource]) -> (arguments: [String: String], snapshot: REEManifest.SnapshotInfo?) {
        var arguments: [String: String] = [:]
        var snapshot: REEManifest.SnapshotInfo?
        for source in sources {
            let (url, origin) = snapshotURL(for: source)
            guard let url else { continue }
            let argument = Self.argumentName(archive: source.archive)
            if source.archive == "debian" {
                arguments[argument] = url
                if let parsed = DebianSnapshot.parse(url: url) {
                    snapshot = .init(url: url, timestamp: parsed.snapshot.timestamp, origin: origin)
                }
            } else if arguments[argument] == nil {
                // Empty: derived from REE_DEBIAN_SNAPSHOT by the script, so one --build-arg moves them all.
                let main = sources.first(where: { $0.archive == "debian" }).flatMap { snapshotURL(for: $0).url }
                arguments[argument] = main.map { Self.sibling(of: $0, archive: source.archive) } == url ? "" : url
            }
        }
        return (arguments, snapshot)
    }

    func snapshotURL(for source: AptSource) -> (url: String?, origin: String) {
        if let comment = source.snapshotComment { return (comment, "image-sources") }
        if let configured = input.configuredSnapshot { return (configured.url(archive: source.archive), "configuration") }
        return (nil, "")
    }

    /// `REE_DEBIAN_SNAPSHOT`, `REE_DEBIAN_SECURITY_SNAPSHOT`.
    static func argumentName(archive: String) -> String {
        "REE_" + archive.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined() + "_SNAPSHOT"
    }

    /// What the script's `ree_sibling` computes: `…/debian/TS` → `…/NAME/TS`, `…/debian` → `…/NAME`.
    static func sibling(of url: String, archive: String) -> String {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        if let parsed = DebianSnapshot.parse(url: u), parsed.archive == "debian" { return parsed.snapshot.url(archive: archive) }
        if u.hasSuffix("/debian") { return String(u.dropLast("debian".count)) + archive }
        return u
    }

    /// The script a pinned apt step sources: writes the step's sources and apt configuration into
    /// the tmpfs and points apt at them with APT_CONFIG (apt reads nothing of /etc/apt/sources.list*).
    func aptScript(_ sources: [AptSource]) -> String {
        var lines: [String] = []
        for source in sources {
            let argument = Self.argumentName(archive: source.archive)
            let value = source.archive == "debian" || snapshotURL(for: source).url == nil
                ? "${\(argument)%/}"
                : "${\(argument):-$(ree_sibling \"$\(Self.snapshotArgument)\" \(source.archive))}"
            let url = snapshotURL(for: source).url == nil ? source.uri : value
            var options = ["check-valid-until=no"]
            if let key = source.signedBy { options.append("signed-by=\(key)") }
            for suite in source.suites {
                let components = source.components.joined(separator: " ")
                lines.append("  printf 'deb [\(options.joined(separator: " "))] %s \(suite)\(components.isEmpty ? "" : " " + components)\\n' \"\(url)\"")
            }
        }
        let apt = Self.aptDirectory
        return """
            # ree sbom define: sourced by each pinned apt step. apt reads the Debian snapshot archive
            # (or the mirror given with --build-arg \(Self.snapshotArgument)=URL) for this step only.
            ree_sibling() {
              u=${1%/}
              case "$u" in
                */debian/[0-9]*Z) printf '%s/%s/%s\\n' "${u%/debian/*}" "$2" "${u##*/}" ;;
                */debian) printf '%s/%s\\n' "${u%/debian}" "$2" ;;
                *) printf '%s\\n' "$u" ;;
              esac
            }
            mkdir -p \(apt)/sources.list.d
            {
            \(lines.joined(separator: "\n"))
            } > \(apt)/sources.list
            printf '%s\\n' 'Dir::Etc::SourceList "\(apt)/sources.list";' 'Dir::Etc::SourceParts "\(apt)/sources.list.d";' \\
              'Acquire::Check-Valid-Until "false";' > \(apt)/apt.conf
            export APT_CONFIG=\(apt)/apt.conf

            """
    }
}
