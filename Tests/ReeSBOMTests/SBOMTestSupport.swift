import Foundation
import ReeOCI
import ReeOS
import ReeSBOM
import ReeTestSupport
import Testing

/// Every directory these tests make lives under one parent per test process, removed when the
/// process exits (the image store alone holds about 600 MB).
enum Scratch {
    nonisolated(unsafe) private static var parent: String?
    private static let root: Result<String, Error> = Result {
        let dir = try makeTemporaryDirectory(prefix: "ree-sbom-tests")
        parent = dir
        atexit { if let dir = Scratch.parent { try? FileManager.default.removeItem(atPath: dir) } }
        return dir
    }

    static func directory(_ prefix: String) throws -> String {
        let dir = try root.get() + "/" + prefix + "." + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// Crafted root filesystems: (relative path, content) pairs written under a fresh directory.
enum Tree {
    static func make(_ files: [String: String], binary: [String: [UInt8]] = [:]) throws -> String {
        let root = try Scratch.directory("ree-sbom-tree")
        try write(files, binary: binary, into: root)
        return root
    }

    static func write(_ files: [String: String], binary: [String: [UInt8]] = [:], into root: String) throws {
        for (path, content) in files { try write(Array(content.utf8), to: root + "/" + path) }
        for (path, bytes) in binary { try write(bytes, to: root + "/" + path) }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static let debianOSRelease = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian

        """

    static func catalog(_ root: String) -> Catalog { Cataloger().catalog(DirectoryRootFileSystem(root: root)) }

    static func documents(_ root: String, name: String = "crafted", baseImages: [SBOMBaseImage] = []) throws -> SBOMDocuments {
        let subject = SBOMSubject(name: name, digest: try Digest("sha256:" + String(repeating: "ab", count: 32)),
                                  created: "2023-11-14T22:13:20Z", architecture: "amd64", baseImages: baseImages)
        return try SBOMGenerator.documents(for: catalog(root), subject: subject, tool: SBOMTool(version: "test"))
    }
}

/// The schema validators the acceptance criteria name: cyclonedx-python-lib's strict JSON validator
/// and spdx-tools' `pyspdxtools`. `scripts/test` installs both into `.build-venv/`; they are also
/// found through `$REE_SBOM_VALIDATORS` (a venv) or on PATH.
enum Validators {
    static var venvCandidates: [String] {
        var list: [String] = []
        if let v = ProcessInfo.processInfo.environment["REE_SBOM_VALIDATORS"], !v.isEmpty { list.append(v) }
        list.append(repositoryRoot + "/.build-venv")
        return list
    }

    static let cycloneDXScript = """
        import sys
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
        if error is not None:
            print(error)
            sys.exit(1)
        """

    /// A Python that can import cyclonedx-python-lib's validator.
    static let cycloneDXPython: String? = {
        var candidates = venvCandidates.map { $0 + "/bin/python3" }
        if let p = Requirements.which("python3") { candidates.append(p) }
        for python in candidates where FileManager.default.isExecutableFile(atPath: python) {
            if let r = try? Shell.run([python, "-c", "import cyclonedx.validation.json, jsonschema"]), r.succeeded { return python }
        }
        return nil
    }()

    static let spdxTool: String? = {
        for venv in venvCandidates where FileManager.default.isExecutableFile(atPath: venv + "/bin/pyspdxtools") {
            return venv + "/bin/pyspdxtools"
        }
        return Requirements.which("pyspdxtools")
    }()

    /// Fails the test with the validator's message when `bytes` is not valid CycloneDX 1.6.
    static func checkCycloneDX(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let python = cycloneDXPython else {
            try Requirements.missing("cyclonedx-python-lib (run scripts/test, or pip install 'cyclonedx-python-lib[json-validation]')", sourceLocation: sourceLocation)
            return
        }
        let dir = try Scratch.directory("ree-sbom-validate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Tree.write(bytes, to: dir + "/bom.cdx.json")
        try Tree.write(Array(cycloneDXScript.utf8), to: dir + "/validate.py")
        let r = try Shell.run([python, dir + "/validate.py", dir + "/bom.cdx.json"])
        #expect(r.succeeded, "CycloneDX validation failed: \(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
    }

    /// Fails the test with pyspdxtools' message when `bytes` is not a valid SPDX 2.3 document.
    static func checkSPDX(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let tool = spdxTool else {
            try Requirements.missing("pyspdxtools (run scripts/test, or pip install spdx-tools)", sourceLocation: sourceLocation)
            return
        }
        let dir = try Scratch.directory("ree-sbom-validate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Tree.write(bytes, to: dir + "/doc.spdx.json")
        let r = try Shell.run([tool, "-i", dir + "/doc.spdx.json"])
        #expect(r.succeeded && !r.stdout.contains("ERROR") && !r.stderr.contains("ERROR"),
                "SPDX validation failed: \(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
    }
}

/// JSON helpers for reading our documents back.
enum JSON {
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}
