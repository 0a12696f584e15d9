extension Instruction {
    /// The instruction with its words expanded the way Docker expands them, looking variables up
    /// with `lookup` (which should answer with the current ARG/ENV state; see ``StageEnvironment``).
    ///
    /// Docker expands `ADD`, `COPY`, `ENV`, `EXPOSE`, `FROM`, `LABEL`, `STOPSIGNAL`, `USER`,
    /// `VOLUME`, `WORKDIR`, `ARG` defaults and `RUN --mount` values (not `COPY --from`, which
    /// BuildKit rejects at parse time when it uses variables). Quotes and escapes are removed
    /// from those words. `RUN`, `CMD`, `ENTRYPOINT`, `SHELL` and `HEALTHCHECK` commands and
    /// `ONBUILD` triggers are left as written: the shell (or the later build) expands them.
    /// Heredoc bodies of `COPY`/`ADD` are expanded unless their delimiter was quoted.
    public func expanded(
        escape: Unicode.Scalar = "\\", lookup: (String) -> String?
    ) throws(DockerfileError) -> Instruction {
        let lexer = ShellLexer(escape: escape)
        func word(_ text: String) throws(DockerfileError) -> String {
            try lexer.processWord(text, lookup: lookup)
        }
        func optionalWord(_ text: String?) throws(DockerfileError) -> String? {
            guard let text else { return nil }
            return try word(text)
        }
        func sources(_ sources: [CopySource]) throws(DockerfileError) -> [CopySource] {
            var heredocLexer = ShellLexer(escape: "\\")
            heredocLexer.ignoresQuotes = true
            var result: [CopySource] = []
            for source in sources {
                switch source {
                case .path(let path):
                    result.append(.path(try word(path)))
                case .heredoc(var heredoc):
                    if heredoc.expands {
                        heredoc.content = try heredocLexer.processWord(heredoc.content, lookup: lookup)
                    }
                    result.append(.heredoc(heredoc))
                }
            }
            return result
        }
        var copy = self
        do {
            switch kind {
            case .from(var from):
                from.image = try word(from.image)
                from.platform = try optionalWord(from.platform)
                copy.kind = .from(from)
            case .env(let pairs):
                copy.kind = .env(try expandPairs(pairs, with: word))
            case .label(let pairs):
                copy.kind = .label(try expandPairs(pairs, with: word))
            case .expose(let ports):
                var expanded: [String] = []
                for port in ports {
                    expanded += try lexer.processWords(port, lookup: lookup)
                }
                copy.kind = .expose(expanded)
            case .copy(var instruction):
                instruction.sources = try sources(instruction.sources)
                instruction.destination = try word(instruction.destination)
                instruction.chown = try optionalWord(instruction.chown)
                instruction.chmod = try optionalWord(instruction.chmod)
                copy.kind = .copy(instruction)
            case .add(var instruction):
                instruction.sources = try sources(instruction.sources)
                instruction.destination = try word(instruction.destination)
                instruction.chown = try optionalWord(instruction.chown)
                instruction.chmod = try optionalWord(instruction.chmod)
                instruction.checksum = try optionalWord(instruction.checksum)
                copy.kind = .add(instruction)
            case .volume(let volumes):
                var expanded: [String] = []
                for volume in volumes { expanded.append(try word(volume)) }
                copy.kind = .volume(expanded)
            case .user(let user):
                copy.kind = .user(UserInstruction(spec: try word(user.spec)))
            case .workdir(let path):
                copy.kind = .workdir(try word(path))
            case .stopSignal(let signal):
                copy.kind = .stopSignal(try word(signal))
            case .arg(let declarations):
                var expanded: [ArgumentDeclaration] = []
                for declaration in declarations {
                    expanded.append(
                        ArgumentDeclaration(
                            name: try word(declaration.name), defaultValue: try optionalWord(declaration.defaultValue)))
                }
                copy.kind = .arg(expanded)
            case .run(var run):
                var mounts: [RunMount] = []
                for mount in run.mounts {
                    mounts.append(try RunMount(parsing: mount.specification, expanding: true, expand: word))
                }
                run.mounts = mounts
                copy.kind = .run(run)
            case .cmd, .entrypoint, .shell, .healthcheck, .onbuild, .maintainer:
                break
            }
        } catch {
            throw error.located(at: line)
        }
        return copy
    }

    private func expandPairs(
        _ pairs: [KeyValuePair], with word: (String) throws(DockerfileError) -> String
    ) throws(DockerfileError) -> [KeyValuePair] {
        var expanded: [KeyValuePair] = []
        for pair in pairs {
            expanded.append(KeyValuePair(key: try word(pair.key), value: try word(pair.value)))
        }
        return expanded
    }
}
