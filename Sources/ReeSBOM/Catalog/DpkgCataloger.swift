/// Debian packages: `/var/lib/dpkg/status` (only `install ok installed` entries) and the
/// one-file-per-package `status.d/*` of distroless images; licenses from
/// `/usr/share/doc/NAME/copyright`.
struct DpkgCataloger<Root: RootFileSystem> {
    let run: CatalogRun<Root>

    static var statusPath: String { "var/lib/dpkg/status" }
    static var statusDirectory: String { "var/lib/dpkg/status.d" }

    func catalog() {
        if let bytes = run.read(Self.statusPath) {
            read(bytes, path: Self.statusPath, requireStatus: true)
        }
        guard let dir = try? run.root.resolveDirectory(Self.statusDirectory) else { return }
        for entry in run.entries(dir) where !entry.name.hasPrefix(".") && !entry.name.hasSuffix(".md5sums") {
            let path = joinPath(dir, entry.name)
            if let bytes = run.read(path) { read(bytes, path: path, requireStatus: false) }
        }
    }

    private func read(_ bytes: [UInt8], path: String, requireStatus: Bool) {
        let file = ControlFile(bytes)
        var problems = file.problems
        if file.endsMidLine { problems.append("ends in the middle of a line: the file may be truncated") }
        for stanza in file.stanzas {
            let name = stanza["Package"] ?? ""
            let what = name.isEmpty ? "entry at line \(stanza.line)" : "package '\(name)' (line \(stanza.line))"
            guard !name.isEmpty else {
                problems.append("\(what): no Package field")
                continue
            }
            if let status = stanza["Status"] {
                let words = status.split(separator: " ").map(String.init)
                guard words.count == 3, DpkgStatus.wants.contains(words[0]), DpkgStatus.flags.contains(words[1]), DpkgStatus.states.contains(words[2]) else {
                    problems.append("\(what): invalid Status '\(status.prefix(60))'")
                    continue
                }
                // Removed, half-installed and config-files entries are not in the image.
                guard words[2] == "installed" && words[1] == "ok" && words[0] != "deinstall" && words[0] != "purge" else { continue }
            } else if requireStatus {
                problems.append("\(what): no Status field")
                continue
            }
            let version = stanza["Version"] ?? ""
            if version.isEmpty { problems.append("\(what): no Version field") }
            let arch = stanza["Architecture"].flatMap { $0.isEmpty ? nil : $0 }
            var sourceName: String?
            var sourceVersion: String?
            if let source = stanza["Source"], !source.isEmpty {
                // "Source: name" or "Source: name (version)".
                let parts = source.split(separator: " ", maxSplits: 1)
                sourceName = String(parts[0])
                if parts.count == 2 { sourceVersion = String(parts[1]).trimmed(" ()") }
            }
            run.packages.append(Package(
                ecosystem: .deb, name: name, version: version, architecture: arch,
                sourceName: sourceName == name ? nil : sourceName,
                sourceVersion: sourceVersion == version ? nil : sourceVersion,
                licenses: licenses(of: name),
                location: "/" + path,
                purl: PackageURL.deb(name: name, version: version, architecture: arch, os: run.os)))
        }
        if file.stanzas.isEmpty && !bytes.isEmpty && problems.isEmpty { problems.append("no package entries") }
        run.report(path, problems: problems)
    }

    /// Licenses from the package's copyright file: DEP-5 `License:` fields when the file is
    /// machine-readable, else references to `/usr/share/common-licenses` and well-known texts.
    private func licenses(of package: String) -> [License] {
        let path = "usr/share/doc/\(package)/copyright"
        guard let bytes = run.read(path) else { return [] }
        if bytes.starts(with: Array("Format:".utf8)) || bytes.starts(with: Array("Format-Specification:".utf8)) {
            var found: [License] = []
            for stanza in ControlFile(bytes).stanzas {
                for value in stanza.values("License") {
                    // The first line is the short name; later lines are the text.
                    let short = value.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
                    found += LicenseNames.licenses(inExpression: short)
                }
            }
            if !found.isEmpty { return found.normalized() }
        }
        return LicenseNames.licenses(inText: bytes)
    }
}

/// The words a dpkg `Status:` field may hold: want, error flag, state.
enum DpkgStatus {
    static let wants: Set<String> = ["unknown", "install", "hold", "deinstall", "purge"]
    static let flags: Set<String> = ["ok", "reinstreq"]
    static let states: Set<String> = ["not-installed", "config-files", "half-installed", "unpacked",
                                      "half-configured", "triggers-awaited", "triggers-pending", "installed"]
}
