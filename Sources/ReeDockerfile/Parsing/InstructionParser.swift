/// Turns one logical line (and its heredoc bodies) into a typed ``Instruction``.
/// Errors are thrown without a line; the caller places them.
struct InstructionParser {
    let escape: Unicode.Scalar

    var splitter: ArgumentSplitter { ArgumentSplitter(escape: escape) }

    /// Keywords Docker knows, for the unknown-instruction message.
    static let keywords = [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
        "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ]

    /// Whether the line's instruction takes heredocs (`RUN`, `COPY`, `ADD`, also under `ONBUILD`)
    /// and is not in JSON form.
    func acceptsHeredocs(_ line: String) -> Bool {
        var (keyword, _, arguments) = splitter.splitCommand(line)
        if keyword.uppercased() == "ONBUILD" {
            (keyword, _, arguments) = splitter.splitCommand(arguments)
        }
        guard ["RUN", "COPY", "ADD"].contains(keyword.uppercased()) else { return false }
        if case .strings = JSONStringArray.parse(arguments) { return false }
        return true
    }

    /// Parses `line` with the already-read `heredocs`.
    func parse(_ line: String, heredocs: [Heredoc], allowsOnbuild: Bool = true) throws(DockerfileError) -> Instruction.Kind {
        let (keyword, flags, arguments) = splitter.splitCommand(line)
        let upper = keyword.uppercased()
        switch upper {
        case "FROM": return .from(try parseFrom(flags, arguments))
        case "RUN": return .run(try parseRun(flags, arguments, heredocs: heredocs))
        case "CMD":
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            guard let command = try maybeJSON(arguments) else { throw atLeastOne(upper) }
            return .cmd(command)
        case "ENTRYPOINT":
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            return .entrypoint(try maybeJSON(arguments) ?? .exec([]))
        case "LABEL", "ENV":
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            let pairs = try parseKeyValues(arguments, instruction: upper)
            return upper == "ENV" ? .env(pairs) : .label(pairs)
        case "MAINTAINER":
            guard !arguments.isEmpty else { throw exactlyOne(upper) }
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            return .maintainer(arguments)
        case "EXPOSE":
            let ports = arguments.whitespaceSeparatedFields
            guard !ports.isEmpty else { throw atLeastOne(upper) }
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            return .expose(ports)
        case "ADD": return .add(try parseAdd(flags, arguments, heredocs: heredocs))
        case "COPY": return .copy(try parseCopy(flags, arguments, heredocs: heredocs))
        case "VOLUME":
            let volumes = try maybeJSONList(arguments).map(\.trimmingSpace)
            guard !volumes.isEmpty else { throw atLeastOne(upper) }
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            guard !volumes.contains("") else {
                throw DockerfileError(line: 0, "VOLUME specified can not be an empty string")
            }
            return .volume(volumes)
        case "USER", "WORKDIR", "STOPSIGNAL":
            guard !arguments.isEmpty else { throw exactlyOne(upper) }
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            switch upper {
            case "USER": return .user(UserInstruction(spec: arguments))
            case "WORKDIR": return .workdir(arguments)
            default: return .stopSignal(arguments)
            }
        case "ARG":
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            return .arg(try parseArg(arguments))
        case "ONBUILD":
            guard allowsOnbuild else {
                throw DockerfileError(line: 0, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
            }
            return .onbuild(try parseOnbuild(line, flags, arguments, heredocs: heredocs))
        case "HEALTHCHECK": return .healthcheck(try parseHealthcheck(flags, arguments))
        case "SHELL":
            _ = try FlagSet(flags, accepted: [:], instruction: upper)
            switch try maybeJSON(arguments) {
            case .exec(let shell) where !shell.isEmpty: return .shell(shell)
            case .shell: throw DockerfileError(line: 0, "SHELL requires the JSON form, such as SHELL [\"/bin/sh\", \"-c\"]")
            default: throw atLeastOne(upper)
            }
        default:
            var message = "unknown instruction: \(keyword)"
            if let suggestion = Self.suggestion(for: upper) { message += " (did you mean \(suggestion)?)" }
            throw DockerfileError(line: 0, message)
        }
    }

    // MARK: - Argument forms

    /// Exec form when the text is a JSON array of strings, shell form otherwise; nil when empty.
    func maybeJSON(_ arguments: String) throws(DockerfileError) -> CommandForm? {
        guard !arguments.isEmpty else { return nil }
        switch JSONStringArray.parse(arguments) {
        case .strings(let strings): return .exec(strings)
        case .notStringArray: throw notStringArray
        case .notJSON: return .shell(arguments)
        }
    }

    /// A JSON array of strings, or whitespace-separated words.
    func maybeJSONList(_ arguments: String) throws(DockerfileError) -> [String] {
        switch JSONStringArray.parse(arguments) {
        case .strings(let strings): return strings
        case .notStringArray: throw notStringArray
        case .notJSON: return arguments.whitespaceSeparatedFields
        }
    }

    var notStringArray: DockerfileError {
        DockerfileError(line: 0, "when using JSON array syntax, arrays must be comprised of strings only")
    }

    func atLeastOne(_ instruction: String) -> DockerfileError {
        DockerfileError(line: 0, "\(instruction) requires at least one argument")
    }

    func exactlyOne(_ instruction: String) -> DockerfileError {
        DockerfileError(line: 0, "\(instruction) requires exactly one argument")
    }

    // MARK: - Instructions

    private func parseFrom(_ flags: [String], _ arguments: String) throws(DockerfileError) -> FromInstruction {
        let words = arguments.whitespaceSeparatedFields
        var name: String?
        if words.count == 3, words[1].lowercased() == "as" {
            let lowered = words[2].lowercased()
            guard Self.isValidStageName(lowered) else {
                throw DockerfileError(
                    line: 0,
                    "invalid name for build stage: \"\(words[2])\", name can't start with a number or contain symbols")
            }
            name = lowered
        } else if words.count != 1 {
            throw DockerfileError(line: 0, "FROM requires either one or three arguments (FROM image [AS name])")
        }
        let parsed = try FlagSet(flags, accepted: ["platform": .string], instruction: "FROM")
        return FromInstruction(image: words[0], platform: parsed.string("platform"), name: name)
    }

    static func isValidStageName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first >= "a", first <= "z" else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" || $0 == "."
        }
    }

    private func parseRun(_ flags: [String], _ arguments: String, heredocs: [Heredoc]) throws(DockerfileError) -> RunInstruction {
        let parsed = try FlagSet(
            flags, accepted: ["mount": .strings, "network": .string, "security": .string, "device": .strings],
            instruction: "RUN")
        if parsed.string("security") != nil {
            throw DockerfileError(line: 0, "RUN --security is not supported by ree")
        }
        if !parsed.list("device").isEmpty {
            throw DockerfileError(line: 0, "RUN --device is not supported by ree")
        }
        var network: RunNetwork?
        if let value = parsed.string("network") {
            guard let mode = RunNetwork(rawValue: value.lowercased()) else {
                throw DockerfileError(line: 0, "unsupported network mode \"\(value)\": expected none, default or host")
            }
            network = mode
        }
        var mounts: [RunMount] = []
        for specification in parsed.list("mount") {
            mounts.append(try RunMount(parsing: specification))
        }
        guard let command = try maybeJSON(arguments) else { throw atLeastOne("RUN") }
        let usedHeredocs: [Heredoc] = if case .exec = command { [] } else { heredocs }
        return RunInstruction(command: command, mounts: mounts, network: network, heredocs: usedHeredocs)
    }

    private func parseKeyValues(_ arguments: String, instruction: String) throws(DockerfileError) -> [KeyValuePair] {
        let words = splitter.words(arguments)
        guard let first = words.first else { throw atLeastOne(instruction) }
        guard first.contains("=") else {
            // Legacy form `ENV key value with spaces`.
            let (key, rest) = arguments.splitAtFirstArgumentSpace
            guard let rest else { throw DockerfileError(line: 0, "\(instruction) must have two arguments") }
            return [KeyValuePair(key: key, value: rest)]
        }
        var pairs: [KeyValuePair] = []
        for word in words {
            guard let equals = word.firstIndex(of: "=") else {
                throw DockerfileError(
                    line: 0, "Syntax error - can't find = in \"\(word)\". Must be of the form: name=value")
            }
            let key = String(word[..<equals])
            guard !key.isEmpty else { throw DockerfileError(line: 0, "\(instruction) names can not be blank") }
            pairs.append(KeyValuePair(key: key, value: String(word[word.index(after: equals)...])))
        }
        return pairs
    }

    private func parseArg(_ arguments: String) throws(DockerfileError) -> [ArgumentDeclaration] {
        let words = splitter.words(arguments)
        guard !words.isEmpty else { throw atLeastOne("ARG") }
        var declarations: [ArgumentDeclaration] = []
        for word in words {
            if let equals = word.firstIndex(of: "=") {
                let name = String(word[..<equals])
                guard !name.isEmpty else { throw DockerfileError(line: 0, "ARG names can not be blank") }
                declarations.append(ArgumentDeclaration(name: name, defaultValue: String(word[word.index(after: equals)...])))
            } else {
                declarations.append(ArgumentDeclaration(name: word))
            }
        }
        return declarations
    }

    private func parseOnbuild(
        _ line: String, _ flags: [String], _ arguments: String, heredocs: [Heredoc]
    ) throws(DockerfileError) -> OnbuildInstruction {
        guard !arguments.isEmpty else { throw atLeastOne("ONBUILD") }
        _ = try FlagSet(flags, accepted: [:], instruction: "ONBUILD")
        let trigger = splitter.splitCommand(arguments).keyword.uppercased()
        switch trigger {
        case "ONBUILD":
            throw DockerfileError(line: 0, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        case "MAINTAINER", "FROM":
            throw DockerfileError(line: 0, "\(trigger) isn't allowed as an ONBUILD trigger")
        default:
            break
        }
        let kind = try parse(arguments, heredocs: heredocs, allowsOnbuild: false)
        var expression = line.trimmingLeadingSpace.dropFirst("ONBUILD".count).trimmingLeadingSpace
        for heredoc in heredocs {
            expression += "\n" + heredoc.content + heredoc.name
        }
        return OnbuildInstruction(
            trigger: Instruction(line: 0, source: arguments, kind: kind), expression: expression)
    }
}
