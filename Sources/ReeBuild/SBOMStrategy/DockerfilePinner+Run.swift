import ReeDockerfile

extension DockerfilePinner {
    typealias Word = ShellCommandScanner.Word

    /// The rewritten RUN instruction, or nil when it stays as written.
    func pinRun(_ instruction: Instruction, _ run: RunInstruction, stage: Int, inImage: Bool, work: inout Work) -> String? {
        let line = instruction.line
        guard case .shell(let command) = run.command, run.heredocs.isEmpty else {
            let text = instruction.source
            for tool in ["apt-get", "apt ", "pip", "curl", "wget", "npm"] where text.contains(tool) {
                work.unpinned.append(.init(line: line, what: String(text.prefix(120)),
                                           reason: "a RUN in exec form or with a heredoc is not rewritten"))
                break
            }
            return nil
        }
        let commands = ShellCommandScanner.commands(command)
        var edits: [(range: Range<String.Index>, text: String)] = []
        var runsApt = false
        var lock: String?
        for (index, cmd) in commands.enumerated() {
            let words = Self.commandWords(cmd.words)
            guard let first = words.first else { continue }
            let name = first.value.split(separator: "/").last.map(String.init) ?? first.value
            let rest = words.dropFirst()
            let next = index + 1 < commands.count ? commands[index + 1] : nil
            switch name {
            case "apt-get", "apt":
                runsApt = true
                pinApt(rest, line: line, inImage: inImage, edits: &edits, work: &work)
            case "aptitude":
                runsApt = true
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "aptitude is not rewritten; use apt-get"))
            case "dpkg" where rest.contains(where: { $0.value == "-i" || $0.value == "--install" }):
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "a package installed from a file is not in an archive"))
            case "curl", "wget":
                let shells = ["sh", "bash", "dash", "zsh", "ash", "python", "python3", "perl"]
                if cmd.terminator == "|", let next, let runner = Self.commandWords(next.words).first, shells.contains(runner.value.split(separator: "/").last.map(String.init) ?? "") {
                    work.unpinned.append(.init(line: line, what: Self.shown(cmd.words + next.words), reason: "a script downloaded and run at build time is not pinned"))
                } else {
                    work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "a download without a checksum in the Dockerfile is not pinned"))
                }
            case let tool where ["npm", "yarn", "pnpm"].contains(tool) && rest.contains(where: { ["install", "i", "ci", "add"].contains($0.value) }):
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "npm packages are not pinned by this version (the SBOM lists them)"))
            case "apk" where rest.contains(where: { $0.value == "add" }):
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "apk packages are not pinned by this version (the SBOM lists them)"))
            case "git" where rest.contains(where: { $0.value == "clone" }):
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "a git checkout is not pinned"))
            case let tool where ["gem", "cargo", "go"].contains(tool) && rest.contains(where: { $0.value == "install" }):
                work.unpinned.append(.init(line: line, what: Self.shown(cmd.words), reason: "\(name) packages are not pinned by this version"))
            default:
                if let pipArguments = Self.pipArguments(words) {
                    if let lockName = pinPip(pipArguments, words: cmd.words, text: command, line: line, inImage: inImage, edits: &edits, work: &work) {
                        lock = lockName
                    }
                }
            }
        }
        if runsApt { aptStep(stage: stage, line: line, work: &work) }
        let usesSnapshot = runsApt && work.aptSources != nil && work.snapshotFailure == nil
        guard !edits.isEmpty || usesSnapshot || lock != nil else { return nil }

        // Top-level `&&` on their own lines, as most Dockerfiles write them.
        for cmd in commands where cmd.terminator == "&&" {
            if let range = cmd.terminatorRange { edits.append((range.lowerBound..<range.lowerBound, "\\\n   ")) }
        }
        var rewritten = command
        for edit in edits.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            rewritten.replaceSubrange(edit.range, with: edit.text)
        }
        rewritten = rewritten.replacingOccurrences(of: "  \\\n", with: " \\\n")
        var mounts: [String] = []
        var prefix = ""
        if usesSnapshot {
            mounts.append("--mount=type=bind,from=\(Self.pinsStage),source=apt-snapshot.sh,target=\(Self.pinsDirectory)/apt-snapshot.sh")
            mounts.append("--mount=type=tmpfs,target=\(Self.aptDirectory)")
            prefix = ". \(Self.pinsDirectory)/apt-snapshot.sh \\\n   && "
        }
        if let lock {
            mounts.append("--mount=type=bind,from=\(Self.pinsStage),source=\(lock),target=\(Self.pinsDirectory)/\(lock)")
        }
        // Flags as written: the instruction's text before its command.
        var flags = ""
        let source = instruction.source.trimmingCharacters(in: .whitespacesAndNewlines)
        if let range = source.range(of: command.trimmingCharacters(in: .whitespacesAndNewlines), options: .backwards) {
            flags = source[source.startIndex..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            if flags.uppercased().hasPrefix("RUN") { flags = String(flags.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
        }
        let options = (flags.isEmpty ? [] : [flags]) + mounts
        let body = prefix + rewritten.trimmingCharacters(in: .whitespacesAndNewlines)
        return options.isEmpty ? "RUN " + body : "RUN " + options.joined(separator: " \\\n    ") + " \\\n    " + body
    }

    /// The command's words without leading `NAME=value` assignments and `sudo` / `env`.
    static func commandWords(_ words: [Word]) -> ArraySlice<Word> {
        var slice = words[...]
        while let first = slice.first {
            if first.isPlain, let eq = first.value.firstIndex(of: "="), eq != first.value.startIndex,
               first.value[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                slice = slice.dropFirst()
            } else if first.value == "sudo" || first.value == "env" {
                slice = slice.dropFirst()
                while let option = slice.first, option.value.hasPrefix("-") { slice = slice.dropFirst() }
            } else {
                break
            }
        }
        return slice
    }

    static func shown(_ words: [Word]) -> String {
        String(words.map(\.raw).joined(separator: " ").prefix(200))
    }

    /// Removes a word and the blanks before it.
    static func removal(of word: Word, in text: String) -> Range<String.Index> {
        var start = word.range.lowerBound
        while start > text.startIndex, text[text.index(before: start)] == " " || text[text.index(before: start)] == "\t" {
            start = text.index(before: start)
        }
        return start..<word.range.upperBound
    }
}
