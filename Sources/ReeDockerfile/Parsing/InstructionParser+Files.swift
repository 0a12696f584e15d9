extension InstructionParser {
    func sourcesAndDestination(
        _ arguments: String, heredocs: [Heredoc], instruction: String
    ) throws(DockerfileError) -> (sources: [CopySource], destination: String) {
        let words = try maybeJSONList(arguments)
        guard words.count >= 2, let destination = words.last else {
            throw DockerfileError(
                line: 0,
                "\(instruction) requires at least two arguments, but \(words.count == 1 ? "only one was" : "none were") provided. Destination could not be determined"
            )
        }
        if (try? HeredocMarker.parse(destination)) ?? nil != nil {
            throw DockerfileError(line: 0, "\(instruction) cannot accept a heredoc as a destination")
        }
        let isJSON = if case .strings = JSONStringArray.parse(arguments) { true } else { false }
        var sources: [CopySource] = []
        for word in words.dropLast() {
            if !isJSON, let marker = (try? HeredocMarker.parse(word)) ?? nil {
                var heredoc = heredocs.first { $0.name == marker.name }
                    ?? Heredoc(name: marker.name, content: "", expands: marker.expands, stripsLeadingTabs: marker.stripsTabs)
                heredoc.expands = marker.expands
                sources.append(.heredoc(heredoc))
            } else {
                sources.append(.path(word))
            }
        }
        return (sources, destination)
    }

    func parseCopy(_ flags: [String], _ arguments: String, heredocs: [Heredoc]) throws(DockerfileError) -> CopyInstruction {
        let (sources, destination) = try sourcesAndDestination(arguments, heredocs: heredocs, instruction: "COPY")
        let parsed = try FlagSet(
            flags,
            accepted: [
                "from": .string, "chown": .string, "chmod": .string, "link": .bool, "parents": .bool,
                "exclude": .strings,
            ],
            instruction: "COPY")
        if let from = parsed.string("from"),
            (try? ShellLexer(escape: escape).processWord(from, lookup: { _ in nil })) != from
        {
            throw DockerfileError(
                line: 0,
                "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"
            )
        }
        return CopyInstruction(
            sources: sources, destination: destination, from: parsed.string("from"),
            chown: parsed.string("chown"), chmod: parsed.string("chmod"), link: parsed.bool("link") ?? false,
            parents: parsed.bool("parents") ?? false, excludes: parsed.list("exclude"))
    }

    func parseAdd(_ flags: [String], _ arguments: String, heredocs: [Heredoc]) throws(DockerfileError) -> AddInstruction {
        let (sources, destination) = try sourcesAndDestination(arguments, heredocs: heredocs, instruction: "ADD")
        let parsed = try FlagSet(
            flags,
            accepted: [
                "chown": .string, "chmod": .string, "link": .bool, "checksum": .string, "keep-git-dir": .bool,
                "unpack": .bool, "exclude": .strings,
            ],
            instruction: "ADD")
        return AddInstruction(
            sources: sources, destination: destination, chown: parsed.string("chown"),
            chmod: parsed.string("chmod"), link: parsed.bool("link") ?? false, checksum: parsed.string("checksum"),
            keepGitDirectory: parsed.bool("keep-git-dir"), unpack: parsed.bool("unpack"),
            excludes: parsed.list("exclude"))
    }
}
