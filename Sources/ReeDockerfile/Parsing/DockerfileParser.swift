/// Parses Dockerfile text into a typed ``Dockerfile``.
///
/// Parsing follows Docker's (BuildKit's) parser: directives, comments, continuations with the
/// escape character, heredocs, JSON exec form with fallback to shell form on invalid JSON, and
/// the argument rules of every instruction. Variables are not expanded here; see
/// ``BuildScope`` and ``StageEnvironment``.
public enum DockerfileParser {
    /// Parses `text`, throwing a ``DockerfileError`` naming the line of the first problem.
    public static func parse(_ text: String) throws(DockerfileError) -> Dockerfile {
        var scanner = SourceScanner(text: text)
        var globalArguments: [Instruction] = []
        var stages: [BuildStage] = []
        var sawInstruction = false
        while let logical = try scanner.nextLogicalLine() {
            sawInstruction = true
            let instruction = try parseInstruction(logical, scanner: &scanner)
            switch instruction.kind {
            case .from:
                stages.append(BuildStage(index: stages.count, from: instruction))
            case .arg where stages.isEmpty:
                globalArguments.append(instruction)
            default:
                guard !stages.isEmpty else {
                    throw DockerfileError(
                        line: instruction.line,
                        "\(instruction.keyword) before the first FROM: only ARG may come before FROM")
                }
                stages[stages.count - 1].instructions.append(instruction)
            }
        }
        guard sawInstruction else {
            throw DockerfileError(line: max(scanner.currentLine, 1), "file with no instructions")
        }
        guard !stages.isEmpty else {
            throw DockerfileError(line: max(scanner.currentLine, 1), "no FROM instruction: the Dockerfile has no build stage")
        }
        return Dockerfile(
            text: text, syntax: scanner.syntax, escape: scanner.escape,
            globalArguments: globalArguments, stages: stages, warnings: warnings(scanner.warnings, stages))
    }

    /// Parses a single instruction, such as an `ONBUILD` trigger read from a base image's config
    /// (which may carry heredoc bodies on the lines after it).
    public static func parseInstruction(_ text: String, escape: Unicode.Scalar = "\\") throws(DockerfileError) -> Instruction {
        let prefix = escape == "\\" ? "" : "# escape=\(Character(escape))\n"
        var scanner = SourceScanner(text: prefix + text)
        guard let logical = try scanner.nextLogicalLine() else {
            throw DockerfileError(line: 1, "empty instruction")
        }
        var instruction = try parseInstruction(logical, scanner: &scanner)
        if !prefix.isEmpty {
            instruction.line -= 1
            instruction.endLine -= 1
        }
        return instruction
    }

    private static func warnings(_ scanned: [DockerfileWarning], _ stages: [BuildStage]) -> [DockerfileWarning] {
        var warnings = scanned
        for instruction in stages.flatMap(\.instructions) {
            if case .maintainer = instruction.kind {
                warnings.append(DockerfileWarning(line: instruction.line, "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors"))
            }
        }
        return warnings.sorted { $0.line < $1.line }
    }

    private static func parseInstruction(
        _ logical: SourceScanner.LogicalLine, scanner: inout SourceScanner
    ) throws(DockerfileError) -> Instruction {
        let parser = InstructionParser(escape: scanner.escape)
        var heredocs: [Heredoc] = []
        do {
            if logical.text.contains("<<"), parser.acceptsHeredocs(logical.text) {
                for marker in try HeredocMarker.markers(inLine: logical.text) {
                    let content = try scanner.readHeredocBody(
                        terminator: marker.name, stripsTabs: marker.stripsTabs, startLine: logical.startLine)
                    heredocs.append(
                        Heredoc(
                            name: marker.name, content: content, expands: marker.expands,
                            stripsLeadingTabs: marker.stripsTabs, fileDescriptor: marker.fileDescriptor))
                }
            }
            let kind = try parser.parse(logical.text, heredocs: heredocs)
            var instruction = Instruction(
                line: logical.startLine, endLine: scanner.currentLine, source: logical.text.trimmingSpace, kind: kind)
            if case .onbuild(var onbuild) = kind {
                onbuild.trigger.line = instruction.line
                onbuild.trigger.endLine = instruction.endLine
                instruction.kind = .onbuild(onbuild)
            }
            return instruction
        } catch {
            throw error.located(at: logical.startLine)
        }
    }
}
