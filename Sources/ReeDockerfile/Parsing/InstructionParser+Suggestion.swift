extension InstructionParser {
    /// The known keyword closest to `keyword`, when it is a likely typo.
    static func suggestion(for keyword: String) -> String? {
        let candidates = keywords.map { ($0, editDistance(Array(keyword.unicodeScalars), Array($0.unicodeScalars))) }
        guard let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 2, keyword.count > 2 else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard a.count < 64 else { return Int.max }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
