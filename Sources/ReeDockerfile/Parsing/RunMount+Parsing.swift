extension RunMount {
    /// Parses a `--mount` value (`type=cache,target=/root/.cache,sharing=locked`).
    ///
    /// Without `expand` (at parse time) values that contain `$` are not validated yet; with it
    /// (when the instruction is expanded) every value is expanded first, as BuildKit does.
    init(
        parsing specification: String, expanding: Bool = false,
        expand: (String) throws(DockerfileError) -> String = { $0 }
    ) throws(DockerfileError) {
        var mount = RunMount(specification: specification)
        var readOnly: Bool?
        for field in try Self.csvFields(specification) {
            let equals = field.firstIndex(of: "=")
            let key = (equals.map { String(field[..<$0]) } ?? field).lowercased()
            guard let equals else {
                switch key {
                case "readonly", "ro": readOnly = true
                case "readwrite", "rw": readOnly = false
                default: throw DockerfileError(line: 0, "invalid field '\(field)' must be a key=value pair")
                }
                continue
            }
            var value = String(field[field.index(after: equals)...])
            if expanding {
                value = try expand(value)
            } else if value.contains("$") {
                if key == "from", value.unicodeScalars.dropLast().contains("$") {
                    throw DockerfileError(
                        line: 0, "'from' doesn't support variable expansion, define alias stage instead")
                }
                guard Self.knownKeys.contains(key) else {
                    throw DockerfileError(line: 0, "unexpected key '\(key)' in '\(field)'")
                }
                continue
            }
            switch key {
            case "type":
                switch value.lowercased() {
                case "secret", "ssh":
                    throw DockerfileError(line: 0, "unsupported mount type \"\(value)\": ree supports bind, cache and tmpfs")
                default:
                    guard let type = MountType(rawValue: value.lowercased()) else {
                        throw DockerfileError(line: 0, "unsupported mount type \"\(value)\": expected bind, cache or tmpfs")
                    }
                    mount.type = type
                }
            case "from": mount.from = value
            case "source", "src": mount.source = value
            case "target", "dst", "destination": mount.target = value
            case "id": mount.id = value
            case "readonly", "ro":
                readOnly = try Self.bool(value, key: key)
            case "readwrite", "rw":
                readOnly = try !Self.bool(value, key: key)
            case "sharing":
                guard let sharing = Sharing(rawValue: value.lowercased()) else {
                    throw DockerfileError(line: 0, "unsupported sharing value \"\(value)\": expected shared, private or locked")
                }
                mount.sharing = sharing
            case "mode":
                guard let mode = UInt32(value, radix: 8) else {
                    throw DockerfileError(line: 0, "invalid value \(value) for mode: expected an octal number")
                }
                mount.mode = mode
            case "uid":
                guard let uid = UInt32(value) else { throw DockerfileError(line: 0, "invalid value \(value) for uid") }
                mount.uid = uid
            case "gid":
                guard let gid = UInt32(value) else { throw DockerfileError(line: 0, "invalid value \(value) for gid") }
                mount.gid = gid
            case "size":
                guard let size = Self.bytes(value) else { throw DockerfileError(line: 0, "invalid value for size: \(value)") }
                mount.size = size
            case "required", "env":
                throw DockerfileError(line: 0, "unexpected key '\(key)' for mount type '\(mount.type.rawValue)'")
            default:
                throw DockerfileError(line: 0, "unexpected key '\(key)' in '\(field)'")
            }
        }
        if mount.type != .cache {
            for (name, value) in [("mode", mount.mode), ("uid", mount.uid), ("gid", mount.gid)] where value != nil {
                throw DockerfileError(line: 0, "\(name) not allowed for \"\(mount.type.rawValue)\" type mounts")
            }
            if mount.sharing != nil {
                throw DockerfileError(line: 0, "invalid cache sharing set for \(mount.type.rawValue) mount")
            }
        }
        if mount.size != nil, mount.type != .tmpfs {
            throw DockerfileError(line: 0, "unexpected key 'size' for mount type '\(mount.type.rawValue)'")
        }
        mount.readOnly = readOnly ?? (mount.type == .bind)
        self = mount
    }

    private static let knownKeys: Set<String> = [
        "type", "from", "source", "src", "target", "dst", "destination", "id", "readonly", "ro",
        "readwrite", "rw", "sharing", "mode", "uid", "gid", "size",
    ]

    private static func bool(_ value: String, key: String) throws(DockerfileError) -> Bool {
        switch value.lowercased() {
        case "1", "t", "true": return true
        case "0", "f", "false": return false
        default: throw DockerfileError(line: 0, "invalid value for \(key): \(value)")
        }
    }

    /// Docker's `RAMInBytes`: a number with an optional binary unit (`64m`, `1g`, `512k`, `100`).
    private static func bytes(_ text: String) -> Int64? {
        let lowered = text.lowercased()
        let digits = lowered.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
        guard let number = Double(digits) else { return nil }
        var unit = lowered.dropFirst(digits.count)
        if unit.hasSuffix("ib") { unit = unit.dropLast(2) } else if unit.hasSuffix("b") { unit = unit.dropLast() }
        let multipliers: [Substring: Double] = [
            "": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776,
            "p": 1_125_899_906_842_624,
        ]
        guard let multiplier = multipliers[unit] else { return nil }
        let result = number * multiplier
        guard result < 9.2e18 else { return nil }
        return Int64(result)
    }

    /// Splits a CSV record: commas separate fields, double quotes group, `""` is a quote.
    static func csvFields(_ text: String) throws(DockerfileError) -> [String] {
        var fields: [String] = []
        var scanner = ScalarScanner(text)
        var field = String.UnicodeScalarView()
        var fieldStart = true
        while let scalar = scanner.next() {
            if fieldStart, scalar == "\"" {
                fieldStart = false
                var closed = false
                while let inner = scanner.next() {
                    if inner == "\"" {
                        if scanner.peek() == "\"" {
                            scanner.next()
                            field.append("\"")
                        } else {
                            closed = true
                            break
                        }
                    } else {
                        field.append(inner)
                    }
                }
                guard closed else { throw DockerfileError(line: 0, "failed to parse csv mounts: unterminated quote") }
                if let following = scanner.peek(), following != "," {
                    throw DockerfileError(line: 0, "failed to parse csv mounts: extraneous text after quoted field")
                }
                continue
            }
            fieldStart = false
            if scalar == "," {
                fields.append(String(field))
                field = String.UnicodeScalarView()
                fieldStart = true
            } else if scalar == "\"" {
                throw DockerfileError(line: 0, "failed to parse csv mounts: bare \" in non-quoted field")
            } else {
                field.append(scalar)
            }
        }
        fields.append(String(field))
        return fields.filter { !$0.isEmpty }
    }
}
