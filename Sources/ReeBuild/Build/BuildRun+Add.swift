import Foundation
import ReeDockerfile
import ReeOCI
import ReeOS
#if canImport(Glibc)
import Glibc
#endif

extension BuildRun {
    /// ADD: context paths (local tar archives unpacked) and HTTP(S) URLs (downloaded, never unpacked).
    /// URLs go through the step network's host proxy when there is one (the recorder: recorded at
    /// define, replayed offline at build), else straight from the host. The cache key is the layer's
    /// content, so the download happens before the lookup, as in BuildKit; with `--checksum` the
    /// checksum is the key and a cached layer needs no download.
    mutating func executeAdd(_ add: AddInstruction, instruction: Instruction, state: inout StageState) async throws {
        let line = instruction.line
        var urls: [(url: String, name: String)] = []
        for source in add.sources {
            switch source.remote {
            case .git(let url):
                throw ReeError(.unsupported, "line \(line): ADD \(url): Git sources are not supported; clone the repository in a RUN step or add a local checkout")
            case .http(let url, let name):
                urls.append((url, name))
            case nil:
                break
            }
        }
        var expected: String?
        if let checksum = add.checksum {
            guard urls.count == 1, add.sources.count == 1 else {
                throw ReeError(.invalidInput, "line \(line): ADD --checksum needs exactly one source, an HTTP(S) URL")
            }
            let digest: Digest
            do {
                digest = try Digest(checksum)
            } catch let e as ReeError {
                throw ReeError(e.code, "line \(line): ADD --checksum: \(e.message)")
            }
            guard digest.algorithm == "sha256" else {
                throw ReeError(.unsupported, "line \(line): ADD --checksum: only sha256 is supported, got \(digest.algorithm)")
            }
            expected = digest.encoded
        }
        let link = add.link

        var checksumKey: String?
        if let expected {
            // The ids --chown resolves to are in the layer; the checksum key must carry them (--link
            // leaves the parent state, and so /etc/passwd, out of the key).
            let owner = try add.chown.map { try UserSpec.resolve($0, lowerLayersTopFirst: state.lowerTopFirst) }
            let content = "sha256:\(expected) owner \(owner.map { "\($0.uid):\($0.gid)" } ?? "0:0")"
            checksumKey = content
            let (key, stateKey) = placeKeys(content: content, link: link, instruction: instruction, state: state)
            if try reuse(key: key, stateKey: stateKey, instruction: instruction, state: &state) { return }
        }

        let fetched = try await download(urls.map(\.url), line: line)
        // Each file is moved into the step's upper directory; what is still here failed on the way.
        defer { for file in fetched { try? FileSystem.removeTree(file.path) } }
        if let expected, let file = fetched.first, file.sha256 != expected {
            throw ReeError(.corrupt, "line \(line): failed to verify '\(file.url)': checksum mismatch: expected sha256:\(expected), got sha256:\(file.sha256)")
        }

        var sources: [PlacedSource] = []
        var next = 0
        for source in add.sources {
            if source.remote != nil {
                sources.append(.download(fetched[next], name: urls[next].name))
                next += 1
            } else {
                sources += try resolve([source], in: context, line: line)
            }
        }
        try await place(sources, from: context, destination: add.destination, chown: add.chown, chmod: add.chmod,
                        excludes: add.excludes, parents: false, extractArchives: add.unpack ?? true, link: link,
                        checksumKey: checksumKey, instruction: instruction, state: &state)
    }

    /// Fetches `urls` in order into `$REE_HOME/tmp`, through the step network's host proxy if it has one.
    private func download(_ urls: [String], line: Int) async throws -> [URLFetcher.Fetched] {
        guard !urls.isEmpty else { return [] }
        let directory = store.home + "/tmp"
        try FileSystem.createDirectory(directory)
        let network = options.network
        let stepName = "step \(step), line \(line)"   // as RUN names it: the SBOM strategy finds the ADD by its line
        let proxy = try network?.hostProxy(step: stepName)
        let fetcher = URLFetcher(proxy: proxy, limit: options.downloadLimit)
        var fetched: [URLFetcher.Fetched] = []
        do {
            for url in urls {
                let file = try await fetcher.fetch(url, into: directory)
                fetched.append(file)
                log.line("  fetched \(url) (\(file.size) bytes, sha256:\(file.sha256))")
            }
        } catch {
            for file in fetched { try? FileSystem.removeTree(file.path) }
            if proxy != nil { await network?.stepEnded(step: stepName) }
            guard let e = error as? ReeError else { throw error }
            throw ReeError(e.code, "line \(line): \(e.message)", errno: e.errno)
        }
        if proxy != nil { await network?.stepEnded(step: stepName) }
        return fetched
    }
}
