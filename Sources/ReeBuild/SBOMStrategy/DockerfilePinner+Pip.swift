import Foundation
import ReeSBOM

extension DockerfilePinner {
    /// pip options (global and install) that take the next word as their value.
    static let pipValueOptions: Set<String> = [
        "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
        "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy", "--platform",
        "--python-version", "--implementation", "--abi", "-C", "--config-settings", "--global-option", "--no-binary",
        "--only-binary", "--progress-bar", "--report", "--cache-dir", "--log", "--proxy", "--retries", "--timeout",
        "--cert", "--client-cert", "--exists-action", "--trusted-host", "--root-user-action", "--python", "--hash",
    ]

    /// The words after `pip` / `pipX.Y` / `pythonX -m pip`, or nil when the command is not pip.
    static func pipArguments(_ words: ArraySlice<Word>) -> ArraySlice<Word>? {
        guard let first = words.first else { return nil }
        let name = first.value.split(separator: "/").last.map(String.init) ?? ""
        if name.hasPrefix("pip"), name.dropFirst(3).allSatisfy({ $0.isNumber || $0 == "." }) { return words.dropFirst() }
        guard name.hasPrefix("python"), name.dropFirst(6).allSatisfy({ $0.isNumber || $0 == "." }) else { return nil }
        var rest = words.dropFirst()
        while let w = rest.first, w.value.hasPrefix("-") {
            rest = rest.dropFirst()
            if w.value == "-mpip" { return rest }
            if w.value == "-m" {
                guard rest.first?.value == "pip" else { return nil }
                return rest.dropFirst()
            }
        }
        return nil
    }

    /// `pip install …`: the requirements (names, `-r FILE`, `-c FILE`) give way to
    /// `--require-hashes -r LOCK`, a lock of the distribution files the step downloaded that the
    /// image has installed. Returns the lock's name, or nil when the command stays as written.
    func pinPip(_ arguments: ArraySlice<Word>, words: [Word], text: String, line: Int, inImage: Bool,
                edits: inout [(range: Range<String.Index>, text: String)], work: inout Work) -> String? {
        var rest = arguments
        while let w = rest.first, w.value.hasPrefix("-") {
            rest = rest.dropFirst()
            if Self.pipValueOptions.contains(w.value) { rest = rest.dropFirst() }
        }
        guard rest.first?.value == "install" else { return nil }
        var removed: [Word] = []
        var named: [String] = []
        var problems: [REEManifest.UnpinnedItem] = []
        var iterator = rest.dropFirst().makeIterator()
        while let word = iterator.next() {
            let value = word.value
            if value == "-r" || value == "--requirement" || value == "-c" || value == "--constraint" {
                removed.append(word)
                if let file = iterator.next() { removed.append(file) }
            } else if value.hasPrefix("--requirement=") || value.hasPrefix("--constraint=") || (value.hasPrefix("-r") && value.count > 2)
                        || (value.hasPrefix("-c") && value.count > 2) || value == "--require-hashes" {
                removed.append(word)
            } else if value == "-e" || value == "--editable" || value.hasPrefix("--editable=") {
                problems.append(.init(line: line, what: Self.shown(words), reason: "an editable install (-e) is not pinned"))
                _ = iterator.next()
            } else if value.hasPrefix("-") {
                if Self.pipValueOptions.contains(value) { _ = iterator.next() }
            } else if !word.isPlain && (value.contains("$") || word.raw.contains("$")) {
                problems.append(.init(line: line, what: word.raw, reason: "a requirement from a variable is not pinned"))
            } else if value.contains("://") || value.contains("+") && value.split(separator: "+").first.map({ ["git", "hg", "svn", "bzr"].contains(String($0)) }) == true
                        || value.contains(" @ ") || value.contains("@") && value.contains("/") {
                problems.append(.init(line: line, what: value, reason: "a requirement from a URL or version control is not pinned (no release to hash)"))
            } else if value.hasPrefix(".") || value.hasPrefix("/") || value.hasSuffix(".whl") || value.hasSuffix(".tar.gz") || value.hasSuffix(".zip") {
                problems.append(.init(line: line, what: value, reason: "a requirement from a local file or directory is not pinned"))
            } else {
                removed.append(word)
                let end = value.firstIndex(where: { "[<>=!~;@ ".contains($0) }) ?? value.endIndex
                named.append(PackageURL.normalizePythonName(String(value[..<end])))
            }
        }
        guard problems.isEmpty else {
            work.unpinned += problems
            return nil
        }
        let files = downloads(line: line)
        var locked = files
        if inImage {
            let installed = Dictionary(input.packages.filter { $0.ecosystem == .pypi }.map { ($0.normalizedName, $0.version) }, uniquingKeysWith: { a, _ in a })
            locked = files.filter { installed[$0.normalizedName] != nil }
            for file in files where installed[file.normalizedName] == nil {
                work.unpinned.append(.init(line: line, what: file.fileName,
                                           reason: "downloaded during the step but not installed in the image (a build dependency): not in the lock"))
            }
        }
        guard !locked.isEmpty else {
            work.unpinned.append(.init(line: line, what: Self.shown(words), reason: "pip downloaded no distribution file in this step (a cache, or nothing to install): not pinned"))
            return nil
        }
        let lockedNames = Set(locked.map(\.normalizedName))
        if let missing = named.first(where: { !lockedNames.contains($0) }) {
            work.unpinned.append(.init(line: line, what: missing, reason: "named by pip install but not downloaded in this step (a cache, or already installed): the step is not pinned"))
            return nil
        }
        let lockName = "requirements-\(line).lock"
        var content = "# ree sbom define: the files pip downloaded in the RUN step at line \(line) of \(input.dockerfileName).\n"
        var grouped: [String: (name: String, version: String, hashes: [String])] = [:]
        for file in locked {
            let key = file.normalizedName + "==" + file.version
            grouped[key, default: (file.normalizedName, file.version, [])].hashes.append(file.sha256)
        }
        for (_, entry) in grouped.sorted(by: { $0.key < $1.key }) {
            let hashes = Set(entry.hashes).sorted().map { "--hash=sha256:\($0)" }.joined(separator: " ")
            content += "\(entry.name)==\(entry.version) \(hashes)\n"
            for hash in Set(entry.hashes).sorted() {
                work.pinned.append(.init(line: line, kind: "pypi", name: entry.name, version: entry.version, digest: "sha256:" + hash))
            }
        }
        work.files.append((name: lockName, content: content))
        for word in removed { edits.append((Self.removal(of: word, in: text), "")) }
        if let last = words.last {
            edits.append((last.range.upperBound..<last.range.upperBound, " --require-hashes -r \(Self.pinsDirectory)/\(lockName)"))
        }
        return lockName
    }

    /// The distribution files (wheels, sdists) the step at `line` downloaded, as the proxy saw them.
    func downloads(line: Int) -> [PipDistribution] {
        (input.exchanges[line] ?? []).compactMap { exchange in
            guard exchange.method == "GET", exchange.status == 200 else { return nil }
            return PipDistribution(url: exchange.url, sha256: exchange.sha256)
        }
    }
}

/// A wheel or sdist named by its file name (`six-1.16.0-py2.py3-none-any.whl`, `idna-3.7.tar.gz`).
struct PipDistribution: Equatable {
    var fileName: String
    var name: String
    var version: String
    var sha256: String
    var normalizedName: String { PackageURL.normalizePythonName(name) }

    init?(url: String, sha256: String) {
        var path = Substring(url)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        guard let last = path.split(separator: "/").last else { return nil }
        let file = String(last).removingPercentEncoding ?? String(last)
        self.fileName = file
        self.sha256 = sha256
        if file.hasSuffix(".whl") {
            let parts = file.dropLast(4).split(separator: "-")
            guard parts.count >= 5 else { return nil }
            name = String(parts[0])
            version = String(parts[1])
            return
        }
        guard let ext = [".tar.gz", ".zip", ".tar.bz2", ".tgz"].first(where: { file.hasSuffix($0) }) else { return nil }
        let stem = file.dropLast(ext.count)
        // The version starts after the last '-' that a digit follows.
        guard let dash = stem.indices.last(where: { stem[$0] == "-" && stem.index(after: $0) < stem.endIndex && stem[stem.index(after: $0)].isNumber }) else { return nil }
        name = String(stem[..<dash])
        version = String(stem[stem.index(after: dash)...])
    }
}
