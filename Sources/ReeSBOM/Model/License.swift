/// A license: an SPDX id when we recognise it, else the name as the package wrote it.
public enum License: Hashable, Sendable, Codable, Comparable {
    case spdx(String)
    case named(String)

    public var text: String {
        switch self {
        case .spdx(let id): return id
        case .named(let name): return name
        }
    }
}
