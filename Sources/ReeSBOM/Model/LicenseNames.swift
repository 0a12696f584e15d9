#if canImport(Glibc)
import Glibc
#endif

/// Maps the license names packages write (Debian's DEP-5 short names, Python classifiers, npm
/// fields, the files in `/usr/share/common-licenses`) and well-known license texts to SPDX ids.
/// Every id here is in the SPDX license list (the CycloneDX schema rejects any other `id`).
enum LicenseNames {
    /// Lower-cased name → SPDX id.
    private static let table: [String: String] = {
        var t: [String: String] = [:]
        let ids = ["0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Artistic-1.0",
                   "Artistic-1.0-Perl", "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause", "BSL-1.0", "CC-BY-3.0",
                   "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "curl", "EPL-1.0", "EPL-2.0", "FSFAP", "FSFUL", "FSFULLR",
                   "GFDL-1.2-only", "GFDL-1.2-or-later", "GFDL-1.3-only", "GFDL-1.3-or-later", "GPL-1.0-only", "GPL-1.0-or-later",
                   "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "HPND", "ICU", "IJG", "ISC",
                   "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
                   "libtiff", "MIT", "MIT-0", "MIT-CMU", "MPL-1.1", "MPL-2.0", "NTP", "OFL-1.1", "OpenSSL", "PostgreSQL",
                   "PSF-2.0", "Python-2.0", "Sleepycat", "TCL", "Unicode-DFS-2016", "Unlicense", "WTFPL", "X11", "Zlib"]
        for id in ids { t[id.lowercased()] = id }
        // Debian's DEP-5 short names and /usr/share/common-licenses file names.
        for (gnu, versions) in [("gpl", ["1", "2", "3"]), ("lgpl", ["2", "2.1", "3"]), ("agpl", ["3"]), ("gfdl", ["1.2", "1.3"])] {
            for v in versions {
                let spdxVersion = v.contains(".") ? v : v + ".0"
                let base = gnu.uppercased() + "-" + spdxVersion
                t["\(gnu)-\(v)"] = base + "-only"
                t["\(gnu)-\(v)+"] = base + "-or-later"
                t["\(gnu)-\(spdxVersion)"] = base + "-only"
                t["\(gnu)-\(spdxVersion)+"] = base + "-or-later"
                t["\(gnu)\(v)"] = base + "-only"
                t["\(gnu)\(v)+"] = base + "-or-later"
            }
        }
        t["lgpl-2"] = "LGPL-2.0-only"; t["lgpl-2+"] = "LGPL-2.0-or-later"
        t["gpl"] = "GPL-1.0-or-later"; t["gpl+"] = "GPL-1.0-or-later"
        t["lgpl"] = "LGPL-2.0-or-later"; t["lgpl+"] = "LGPL-2.0-or-later"
        t["gfdl"] = "GFDL-1.2-or-later"; t["gfdl+"] = "GFDL-1.2-or-later"
        t["gfdl-niv-1.2+"] = "GFDL-1.2-or-later"; t["gfdl-niv-1.3+"] = "GFDL-1.3-or-later"
        t["apache-2"] = "Apache-2.0"; t["apache 2.0"] = "Apache-2.0"; t["apache"] = "Apache-2.0"
        t["apache license 2.0"] = "Apache-2.0"; t["apache software license"] = "Apache-2.0"
        t["apache license, version 2.0"] = "Apache-2.0"; t["apache-2.0 license"] = "Apache-2.0"
        t["expat"] = "MIT"; t["mit license"] = "MIT"; t["mit/x11"] = "MIT"
        t["bsd-2-clause"] = "BSD-2-Clause"; t["bsd-3-clause"] = "BSD-3-Clause"; t["bsd-4-clause"] = "BSD-4-Clause"
        t["bsd-2"] = "BSD-2-Clause"; t["bsd-3"] = "BSD-3-Clause"; t["bsd"] = "BSD-3-Clause"
        t["bsd license"] = "BSD-3-Clause"; t["new bsd"] = "BSD-3-Clause"; t["simplified bsd"] = "BSD-2-Clause"
        t["artistic"] = "Artistic-1.0-Perl"; t["artistic-1"] = "Artistic-1.0"; t["artistic-2"] = "Artistic-2.0"
        t["mpl-1.1"] = "MPL-1.1"; t["mpl-2.0"] = "MPL-2.0"; t["mpl-2"] = "MPL-2.0"
        t["mozilla public license 2.0 (mpl 2.0)"] = "MPL-2.0"
        t["zlib/libpng"] = "Zlib"; t["isc license (iscl)"] = "ISC"; t["isc license"] = "ISC"
        t["psf"] = "PSF-2.0"; t["psf-2"] = "PSF-2.0"; t["python software foundation license"] = "PSF-2.0"
        t["cc0"] = "CC0-1.0"; t["boost"] = "BSL-1.0"
        // Python trove classifiers, after "License :: OSI Approved :: ".
        t["gnu general public license v2 (gplv2)"] = "GPL-2.0-only"
        t["gnu general public license v2 or later (gplv2+)"] = "GPL-2.0-or-later"
        t["gnu general public license v3 (gplv3)"] = "GPL-3.0-only"
        t["gnu general public license v3 or later (gplv3+)"] = "GPL-3.0-or-later"
        t["gnu lesser general public license v2 (lgplv2)"] = "LGPL-2.0-only"
        t["gnu lesser general public license v2 or later (lgplv2+)"] = "LGPL-2.0-or-later"
        t["gnu lesser general public license v3 (lgplv3)"] = "LGPL-3.0-only"
        t["gnu lesser general public license v3 or later (lgplv3+)"] = "LGPL-3.0-or-later"
        t["gnu library or lesser general public license (lgpl)"] = "LGPL-2.0-or-later"
        t["python software foundation license"] = "PSF-2.0"
        t["the unlicense (unlicense)"] = "Unlicense"
        return t
    }()

    /// The SPDX id for a short name, or nil.
    static func spdxID(_ name: String) -> String? {
        let key = name.trimmed().lowercased()
        if let id = table[key] { return id }
        if key.hasSuffix(" license"), let id = table[String(key.dropLast(" license".count))] { return id }
        return nil
    }

    /// One license from a short name: an SPDX id when known, else the name itself.
    static func license(_ name: String) -> License {
        spdxID(name).map(License.spdx) ?? .named(name.trimmed())
    }

    /// Licenses from a field that may hold an expression such as `GPL-2+ or Artistic` or
    /// `MIT AND (BSD-3-Clause OR Apache-2.0)`: each name on its own.
    static func licenses(inExpression field: String) -> [License] {
        var names: [String] = []
        var current = ""
        func flush() {
            let n = current.trimmed(" \t()")
            if !n.isEmpty { names.append(n) }
            current = ""
        }
        var inException = false
        for word in field.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" || $0 == ")" || $0 == "," }) {
            let w = word.lowercased()
            if w == "or" || w == "and" || w == "|" || w == "&" {
                flush()
                inException = false
            } else if w == "with" {
                // "GPL-3+ with Bison exception": the exception is not a license of its own.
                flush()
                inException = true
            } else if !inException {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        flush()
        return names.map(license)
    }

    /// SPDX ids recognised in a license text that is not in DEP-5 form: references to
    /// `/usr/share/common-licenses/NAME` and well-known wordings. Works on bytes: copyright files
    /// are long and many, and this runs once per Debian package.
    static func licenses(inText bytes: [UInt8]) -> [License] {
        let flat = collapsingWhitespace(bytes)
        var found = Set<String>()
        let laterVersion = find(Array("any later version".utf8), in: flat) != nil
        let marker = Array("/usr/share/common-licenses/".utf8)
        var from = 0
        while let start = find(marker, in: flat, from: from) {
            let end = start + marker.count
            let name = flat[end...].prefix { b in
                (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == 45 || b == 46 || b == 43
            }
            if let id = spdxID(String(decoding: name, as: UTF8.self).trimmed(".")) {
                // "version 2 of the License, or (at your option) any later version" makes it -or-later.
                found.insert(id.hasSuffix("-only") && laterVersion ? String(id.dropLast("-only".count)) + "-or-later" : id)
            }
            from = end
        }
        for (wording, id) in wordings where find(wording, in: flat) != nil {
            if id == "BSD-3-Clause" || id == "BSD-2-Clause" {
                found.insert(find(Array("endorse or promote products".utf8), in: flat) != nil ? "BSD-3-Clause" : "BSD-2-Clause")
            } else {
                found.insert(id)
            }
        }
        return found.sorted().map(License.spdx)
    }

    private static let wordings: [([UInt8], String)] = [
        ("Permission is hereby granted, free of charge, to any person obtaining a copy", "MIT"),
        ("Licensed under the Apache License, Version 2.0", "Apache-2.0"),
        ("Apache License Version 2.0, January 2004", "Apache-2.0"),
        ("Redistribution and use in source and binary forms, with or without modification, are permitted", "BSD-3-Clause"),
        ("Altered source versions must be plainly marked as such", "Zlib"),
        ("Mozilla Public License Version 2.0", "MPL-2.0"),
        ("Mozilla Public License, v. 2.0", "MPL-2.0"),
        ("Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted", "ISC"),
    ].map { (Array($0.0.utf8), $0.1) }

    /// The offset of the first `needle` in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                guard let hb = h.baseAddress, let nb = n.baseAddress else { return nil }
                var i = from
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first && memcmp(hb + i, nb, n.count) == 0 { return i }
                    i += 1
                }
                return nil
            }
        }
    }

    /// Runs of whitespace (including line breaks) become one space, so wordings match across lines.
    private static func collapsingWhitespace(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var space = false
        for b in bytes {
            if b == 32 || b == 9 || b == 10 || b == 13 {
                if !space && !out.isEmpty { out.append(32) }
                space = true
            } else {
                out.append(b)
                space = false
            }
        }
        return out
    }
}

extension Array where Element == License {
    /// Sorted, without duplicates.
    func normalized() -> [License] { Array(Set(self)).sorted() }
}
