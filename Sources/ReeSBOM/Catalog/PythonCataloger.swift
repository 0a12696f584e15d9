/// Python distributions in one `site-packages` or `dist-packages` directory: `NAME.dist-info/METADATA`,
/// `NAME.egg-info/PKG-INFO` (or an `.egg-info` file), `NAME.egg/EGG-INFO/PKG-INFO`. These are the
/// distributions `pip list` shows for that directory.
struct PythonCataloger<Root: RootFileSystem> {
    let run: CatalogRun<Root>

    func catalog(directory: String) {
        for entry in run.entries(directory) {
            let path = joinPath(directory, entry.name)
            let metadata: String
            if entry.name.hasSuffix(".dist-info") {
                metadata = path + "/METADATA"
            } else if entry.name.hasSuffix(".egg-info") {
                guard let (_, kind) = run.followedKind(path, entry) else { continue }
                metadata = kind == .directory ? path + "/PKG-INFO" : path
            } else if entry.name.hasSuffix(".egg") {
                metadata = path + "/EGG-INFO/PKG-INFO"
            } else {
                continue
            }
            guard let bytes = run.read(metadata) else {
                // A dist-info without METADATA is a broken install; say so rather than skip it.
                if (try? run.root.resolve(metadata)) == nil { run.report(metadata, "missing: the distribution '\(entry.name)' cannot be read") }
                continue
            }
            read(bytes, path: metadata)
        }
    }

    private func read(_ bytes: [UInt8], path: String) {
        let file = ControlFile(bytes, headerOnly: true)
        var problems = file.problems
        guard let header = file.stanzas.first else {
            run.report(path, problems: problems + ["no metadata fields"])
            return
        }
        let name = header["Name"] ?? ""
        guard !name.isEmpty else {
            run.report(path, problems: problems + ["no Name field"])
            return
        }
        let version = header["Version"] ?? ""
        if version.isEmpty { problems.append("no Version field: '\(name)' is listed without a version") }
        run.packages.append(Package(
            ecosystem: .pypi, name: name, version: version, licenses: licenses(header),
            location: "/" + path, purl: PackageURL.pypi(name: name, version: version)))
        run.report(path, problems: problems)
    }

    /// `License-Expression` (metadata 2.4), else the `License ::` classifiers, else a short `License` field.
    private func licenses(_ header: ControlFile.Stanza) -> [License] {
        if let expression = header["License-Expression"], !expression.isEmpty {
            return LicenseNames.licenses(inExpression: expression).normalized()
        }
        let classifiers = header.values("Classifier").compactMap { c -> License? in
            guard c.hasPrefix("License ::") else { return nil }
            let last = c.split(separator: ":").last.map { String($0).trimmed() } ?? ""
            return last.isEmpty || last == "OSI Approved" ? nil : LicenseNames.license(last)
        }
        if !classifiers.isEmpty { return classifiers.normalized() }
        // The License field sometimes holds the whole text: keep only a name-sized value.
        if let field = header["License"], !field.isEmpty, field != "UNKNOWN", !field.contains("\n"), field.count <= 80 {
            if let id = LicenseNames.spdxID(field) { return [.spdx(id)] }
            return LicenseNames.licenses(inExpression: field).normalized()
        }
        if let field = header["License"], field.contains("\n") {
            return LicenseNames.licenses(inText: Array(field.utf8))
        }
        return []
    }
}
