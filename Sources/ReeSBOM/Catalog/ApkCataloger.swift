/// Alpine packages from apk's database `/lib/apk/db/installed`: `P:` name, `V:` version,
/// `A:` architecture, `L:` license, `o:` origin.
struct ApkCataloger<Root: RootFileSystem> {
    let run: CatalogRun<Root>

    static var databasePath: String { "lib/apk/db/installed" }

    func catalog() {
        guard let bytes = run.read(Self.databasePath) else { return }
        let file = ControlFile(bytes, syntax: .apk)
        var problems = file.problems
        if file.endsMidLine { problems.append("ends in the middle of a line: the file may be truncated") }
        for stanza in file.stanzas {
            guard let name = stanza.values("P").first, !name.isEmpty else {
                problems.append("entry at line \(stanza.line): no P: (package name) field")
                continue
            }
            let version = stanza.values("V").first ?? ""
            if version.isEmpty { problems.append("package '\(name)' (line \(stanza.line)): no V: field") }
            let arch = stanza.values("A").first
            let origin = stanza.values("o").first
            run.packages.append(Package(
                ecosystem: .apk, name: name, version: version, architecture: arch,
                sourceName: origin == name ? nil : origin,
                licenses: stanza.values("L").first.map(LicenseNames.licenses(inExpression:)) ?? [],
                location: "/" + Self.databasePath,
                purl: PackageURL.apk(name: name, version: version, architecture: arch, os: run.os)))
        }
        run.report(Self.databasePath, problems: problems)
    }
}
