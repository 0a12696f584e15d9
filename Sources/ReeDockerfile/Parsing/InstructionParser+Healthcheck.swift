extension InstructionParser {
    func parseHealthcheck(_ flags: [String], _ arguments: String) throws(DockerfileError) -> Healthcheck {
        let scalars = Array(arguments.unicodeScalars)
        let typeEnd = scalars.firstIndex { $0.isSpace } ?? scalars.count
        guard typeEnd > 0 else { throw atLeastOne("HEALTHCHECK") }
        var restStart = typeEnd
        while restStart < scalars.count, scalars[restStart].isSpace { restStart += 1 }
        let type = String(String.UnicodeScalarView(scalars[..<typeEnd])).uppercased()
        let rest = String(String.UnicodeScalarView(scalars[restStart...]))
        if type == "NONE" {
            guard rest.isEmpty else { throw DockerfileError(line: 0, "HEALTHCHECK NONE takes no arguments") }
            return .none
        }
        let parsed = try FlagSet(
            flags,
            accepted: [
                "interval": .string, "timeout": .string, "start-period": .string, "start-interval": .string,
                "retries": .string,
            ],
            instruction: "HEALTHCHECK")
        guard type == "CMD" else {
            throw DockerfileError(line: 0, "Unknown type \"\(type)\" in HEALTHCHECK (try CMD or NONE)")
        }
        guard let command = try maybeJSON(rest), command != .exec([]) else {
            throw DockerfileError(line: 0, "Missing command after HEALTHCHECK CMD")
        }
        var configuration = HealthcheckConfiguration(command: command)
        configuration.interval = try interval(parsed, "interval")
        configuration.timeout = try interval(parsed, "timeout")
        configuration.startPeriod = try interval(parsed, "start-period")
        configuration.startInterval = try interval(parsed, "start-interval")
        if let retries = parsed.string("retries") {
            guard let value = Int32(retries) else {
                throw DockerfileError(line: 0, "invalid value for --retries: \(retries) (expected an integer)")
            }
            guard value >= 0 else { throw DockerfileError(line: 0, "--retries cannot be negative (\(value))") }
            configuration.retries = Int(value)
        }
        return .check(configuration)
    }

    func interval(_ flags: FlagSet, _ name: String) throws(DockerfileError) -> Duration? {
        guard let text = flags.string(name), !text.isEmpty else { return nil }
        guard let nanoseconds = GoDuration.nanoseconds(text) else {
            throw DockerfileError(line: 0, "invalid value for --\(name): \(text) (expected a duration such as 30s or 1m30s)")
        }
        if nanoseconds == 0 { return nil }
        guard nanoseconds >= 1_000_000 else {
            throw DockerfileError(line: 0, "Interval \"\(name)\" cannot be less than 1ms")
        }
        return .nanoseconds(nanoseconds)
    }
}
