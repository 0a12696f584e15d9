/// The `--name=value` flags of one instruction, checked against the flags it accepts.
struct FlagSet {
    enum Kind {
        case bool
        case string
        case strings
    }

    private var bools: [String: Bool] = [:]
    private var strings: [String: String] = [:]
    private var lists: [String: [String]] = [:]

    /// Parses `flags` for `instruction`, which accepts `accepted`; unknown, duplicate or malformed
    /// flags are errors.
    init(_ flags: [String], accepted: [String: Kind], instruction: String) throws(DockerfileError) {
        var used: Set<String> = []
        for flag in flags {
            if flag == "--" { return }
            guard flag.hasPrefix("--") else {
                throw DockerfileError(line: 0, "\(instruction): flag should start with -- : \(flag)")
            }
            let equals = flag.firstIndex(of: "=")
            let flagName = equals.map { String(flag[..<$0]) } ?? flag
            let value = equals.map { String(flag[flag.index(after: $0)...]) }
            let name = String(flagName.dropFirst(2))
            guard let kind = accepted[name] else {
                let known = accepted.keys.sorted().map { "--\($0)" }.joined(separator: ", ")
                let hint = known.isEmpty ? "\(instruction) takes no flags" : "\(instruction) accepts \(known)"
                throw DockerfileError(line: 0, "unknown flag: \(flagName) (\(hint))")
            }
            if used.contains(name), kind != .strings {
                throw DockerfileError(line: 0, "duplicate flag specified: \(flagName)")
            }
            used.insert(name)
            switch kind {
            case .bool:
                if let value, value.isEmpty {
                    throw DockerfileError(line: 0, "missing a value on flag: \(flagName)")
                }
                switch (value ?? "true").lowercased() {
                case "true": bools[name] = true
                case "false": bools[name] = false
                default:
                    throw DockerfileError(line: 0, "expecting boolean value for flag \(flagName), not: \(value ?? "")")
                }
            case .string:
                guard let value else { throw DockerfileError(line: 0, "missing a value on flag: \(flagName)") }
                strings[name] = value
            case .strings:
                guard let value else { throw DockerfileError(line: 0, "missing a value on flag: \(flagName)") }
                lists[name, default: []].append(value)
            }
        }
    }

    func bool(_ name: String) -> Bool? { bools[name] }
    func string(_ name: String) -> String? { strings[name] }
    func list(_ name: String) -> [String] { lists[name] ?? [] }
}
