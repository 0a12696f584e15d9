/// Package URLs (purl-spec): `pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS`, every part
/// percent-encoded except the unreserved characters `A-Z a-z 0-9 . - _ ~`, qualifiers sorted by key.
public enum PackageURL {
    public static func make(type: String, namespace: String? = nil, name: String, version: String?,
                            qualifiers: [String: String] = [:]) -> String {
        var s = "pkg:" + type + "/"
        if let namespace, !namespace.isEmpty {
            s += namespace.split(separator: "/").map { encode(String($0)) }.joined(separator: "/") + "/"
        }
        s += encode(name)
        if let version, !version.isEmpty { s += "@" + encode(version) }
        let pairs = qualifiers.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        if !pairs.isEmpty {
            s += "?" + pairs.map { $0.key.lowercased() + "=" + encode($0.value) }.joined(separator: "&")
        }
        return s
    }

    /// `pkg:deb/debian/NAME@VERSION?arch=amd64&distro=debian-12`.
    public static func deb(name: String, version: String, architecture: String?, os: OSRelease?) -> String {
        make(type: "deb", namespace: (os?.id).flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "debian", name: name.lowercased(), version: version,
             qualifiers: ["arch": architecture ?? "", "distro": os?.distroQualifier ?? ""])
    }

    /// `pkg:apk/alpine/NAME@VERSION?arch=x86_64&distro=alpine-3.19.1`.
    public static func apk(name: String, version: String, architecture: String?, os: OSRelease?) -> String {
        make(type: "apk", namespace: (os?.id).flatMap { $0.isEmpty ? nil : $0.lowercased() } ?? "alpine", name: name.lowercased(), version: version,
             qualifiers: ["arch": architecture ?? "", "distro": os?.distroQualifier ?? ""])
    }

    /// `pkg:pypi/NAME@VERSION`, the name normalised as PyPI compares names.
    public static func pypi(name: String, version: String) -> String {
        make(type: "pypi", name: normalizePythonName(name), version: version)
    }

    /// `pkg:npm/NAME@VERSION`; a scoped `@scope/name` becomes `pkg:npm/%40scope/name@VERSION`.
    public static func npm(name: String, version: String) -> String {
        if name.hasPrefix("@"), let slash = name.firstIndex(of: "/") {
            return make(type: "npm", namespace: String(name[..<slash]), name: String(name[name.index(after: slash)...]), version: version)
        }
        return make(type: "npm", name: name, version: version)
    }

    /// `pkg:oci/NAME@sha256%3A...?tag=TAG`: the image itself.
    public static func oci(repository: String, digest: String, tag: String?) -> String {
        let last = repository.split(separator: "/").last.map(String.init) ?? repository
        return make(type: "oci", name: last.lowercased(), version: digest, qualifiers: ["tag": tag ?? ""])
    }

    /// PEP 503: lower-case, runs of `-`, `_`, `.` become one `-`.
    public static func normalizePythonName(_ name: String) -> String {
        var out = ""
        var inRun = false
        for c in name.lowercased() {
            if c == "-" || c == "_" || c == "." {
                if !inRun { out.append("-") }
                inRun = true
            } else {
                out.append(c)
                inRun = false
            }
        }
        return out
    }

    /// Percent-encodes everything but `A-Z a-z 0-9 . - _ ~` (so `+` is `%2B`, `:` is `%3A`, `@` is `%40`).
    public static func encode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xf, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
