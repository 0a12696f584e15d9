/// Go's `time.ParseDuration` syntax (`90s`, `1m30s`, `1.5h`, `250ms`), used by `HEALTHCHECK` options.
enum GoDuration {
    private static let units: [(String, Double)] = [
        ("ns", 1), ("us", 1e3), ("\u{00B5}s", 1e3), ("\u{03BC}s", 1e3), ("ms", 1e6),
        ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// The duration in nanoseconds, or nil when the text is not a Go duration.
    static func nanoseconds(_ text: String) -> Int64? {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if String(scalars) == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        var total = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
            guard !number.isEmpty, String(number) != ".", let value = Double(String(number)) else { return nil }
            scalars = scalars.dropFirst(number.count)
            let unitText = String(scalars.prefix { !($0 >= "0" && $0 <= "9") && $0 != "." })
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            scalars = scalars.dropFirst(unitText.unicodeScalars.count)
            total += value * unit.1
        }
        guard total < 9.2e18 else { return nil }
        return Int64(negative ? -total : total)
    }
}
