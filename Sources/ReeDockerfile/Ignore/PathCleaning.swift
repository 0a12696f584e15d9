/// Go's `path.Clean` for slash-separated paths: collapses `//`, removes `.`, resolves `..`.
enum PathCleaning {
    static func clean(_ path: String) -> String {
        let rooted = path.hasPrefix("/")
        var stack: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".":
                continue
            case "..":
                if let last = stack.last, last != ".." {
                    stack.removeLast()
                } else if !rooted {
                    stack.append(component)
                }
            default:
                stack.append(component)
            }
        }
        let joined = stack.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// A context-relative path: cleaned, without a leading `/`.
    static func relative(_ path: String) -> String {
        var cleaned = clean(path)
        while cleaned.hasPrefix("/") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "." : cleaned
    }
}
