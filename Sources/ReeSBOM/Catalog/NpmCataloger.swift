import Foundation

/// npm packages: `node_modules/NAME/package.json` and `node_modules/@SCOPE/NAME/package.json`,
/// and the `node_modules` nested in each package, wherever a `node_modules` directory is.
struct NpmCataloger<Root: RootFileSystem> {
    let run: CatalogRun<Root>

    func catalog(nodeModules directory: String, depth: Int) {
        guard depth < run.configuration.maximumDepth else {
            run.report(directory, "not searched: deeper than \(run.configuration.maximumDepth) directories")
            return
        }
        for entry in run.entries(directory) where !entry.name.hasPrefix(".") {
            let path = joinPath(directory, entry.name)
            guard let (real, kind) = run.followedKind(path, entry), kind == .directory else { continue }
            if entry.name.hasPrefix("@") {
                for scoped in run.entries(real) where !scoped.name.hasPrefix(".") {
                    let scopedPath = joinPath(path, scoped.name)
                    guard let (_, k) = run.followedKind(joinPath(real, scoped.name), scoped), k == .directory else { continue }
                    package(at: scopedPath, expectedName: entry.name + "/" + scoped.name, depth: depth)
                }
            } else {
                package(at: path, expectedName: entry.name, depth: depth)
            }
        }
    }

    private func package(at directory: String, expectedName: String, depth: Int) {
        let manifest = directory + "/package.json"
        if let bytes = run.read(manifest) {
            read(bytes, path: manifest, expectedName: expectedName)
        } else if (try? run.root.resolve(manifest)) == nil {
            run.report(manifest, "missing: the package '\(expectedName)' cannot be read")
        }
        // A symlinked package (npm link, workspaces) is listed, but its own tree is not walked.
        if let nested = try? run.root.resolveDirectory(directory + "/node_modules"), nested.hasPrefix(directory) {
            catalog(nodeModules: nested, depth: depth + 2)
        }
    }

    private func read(_ bytes: [UInt8], path: String, expectedName: String) {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                run.report(path, "not a JSON object: the package '\(expectedName)' cannot be read")
                return
            }
            object = parsed
        } catch {
            run.report(path, "invalid JSON (\(bytes.prefix(4096).contains(0) ? "binary data" : "syntax error")): the package '\(expectedName)' cannot be read")
            return
        }
        var name = object["name"] as? String ?? ""
        if name.isEmpty {
            run.report(path, "no name: listed under its directory's name '\(expectedName)'")
            name = expectedName
        }
        let version = object["version"] as? String ?? ""
        if version.isEmpty { run.report(path, "no version: '\(name)' is listed without a version") }
        run.packages.append(Package(
            ecosystem: .npm, name: name, version: version, licenses: licenses(object),
            location: "/" + path, purl: PackageURL.npm(name: name, version: version)))
    }

    /// `"license": "MIT"`, `"license": {"type": "MIT"}` or the old `"licenses": [{"type": ...}]`.
    private func licenses(_ object: [String: Any]) -> [License] {
        if let s = object["license"] as? String { return LicenseNames.licenses(inExpression: s).normalized() }
        if let o = object["license"] as? [String: Any], let t = o["type"] as? String { return [LicenseNames.license(t)] }
        if let list = object["licenses"] as? [[String: Any]] {
            return list.compactMap { ($0["type"] as? String).map(LicenseNames.license) }.normalized()
        }
        return []
    }
}
