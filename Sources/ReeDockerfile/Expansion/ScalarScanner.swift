/// A forward-only cursor over unicode scalars; every access is bounds-checked.
struct ScalarScanner {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    var atEnd: Bool { position >= scalars.count }

    func peek() -> Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    @discardableResult
    mutating func next() -> Unicode.Scalar? {
        guard position < scalars.count else { return nil }
        defer { position += 1 }
        return scalars[position]
    }
}
