/// A `.dockerignore` file: which build-context paths are left out of the context.
///
/// Matching follows Docker (moby `patternmatcher` and `ignorefile`): lines starting with `#` are
/// comments; patterns are trimmed, cleaned like `filepath.Clean` and lose a leading `/`; a path is
/// excluded when it or one of its parent directories matches, and the last matching pattern wins,
/// so `!pattern` lines re-include paths excluded by earlier lines.
public struct DockerIgnore: Sendable, Equatable {
    /// The compiled patterns in file order.
    public let patterns: [IgnorePattern]

    /// Parses the text of a `.dockerignore` file; malformed patterns are errors naming the line.
    public init(text: String) throws(DockerfileError) {
        var patterns: [IgnorePattern] = []
        var lineNumber = 0
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = String(String.UnicodeScalarView(rawLine))
            if lineNumber == 1, line.unicodeScalars.first == "\u{FEFF}" {
                line = String(String.UnicodeScalarView(line.unicodeScalars.dropFirst()))
            }
            if line.startsWith("#") { continue }
            var pattern = line.trimmingSpace
            if pattern.isEmpty { continue }
            let isException = pattern.startsWith("!")
            if isException { pattern = pattern.unicodeScalars.dropFirst().trimmingSpaceScalars }
            if !pattern.isEmpty {
                pattern = PathCleaning.clean(pattern)
                if pattern.unicodeScalars.count > 1, pattern.startsWith("/") {
                    pattern = String(String.UnicodeScalarView(pattern.unicodeScalars.dropFirst()))
                }
            } else {
                throw DockerfileError(line: lineNumber, "illegal exclusion pattern: \"!\"")
            }
            do {
                patterns.append(try IgnorePattern(text: pattern, isException: isException))
            } catch {
                throw error.located(at: lineNumber)
            }
        }
        self.patterns = patterns
    }

    /// Whether `relativePath` (slash-separated, relative to the context root) is excluded.
    public func isExcluded(_ relativePath: String) -> Bool {
        let path = PathCleaning.relative(relativePath)
        if path == "." { return false }
        let components = path.split(separator: "/").map(String.init)
        var ancestors: [String] = []
        var current = ""
        for component in components.dropLast() {
            current = current.isEmpty ? component : current + "/" + component
            ancestors.append(current)
        }
        var matched = false
        for pattern in patterns where pattern.isException == matched {
            let hit = pattern.matches(path) || ancestors.contains { pattern.matches($0) }
            if hit { matched = !pattern.isException }
        }
        return matched
    }

    /// Whether an exception (`!pattern`) could re-include something below `directory`, so a walker
    /// must descend into it even when the directory itself is excluded.
    public func mayContainIncludedPaths(_ directory: String) -> Bool {
        let path = PathCleaning.relative(directory)
        return patterns.contains { $0.isException && $0.mayMatchInside(path) }
    }

    /// Whether a walker has to enter `directory`: it is not excluded, or an exception may apply below it.
    public func shouldDescend(into directory: String) -> Bool {
        !isExcluded(directory) || mayContainIncludedPaths(directory)
    }

    /// Whether any pattern is an exception.
    public var hasExceptions: Bool {
        patterns.contains(where: \.isException)
    }
}
