import Foundation
import ReeOS
import ReeSBOM
import ReeTestSupport
import Testing

@Suite struct CatalogerTests {
    static let status = """
        Package: bash
        Essential: yes
        Status: install ok installed
        Priority: required
        Architecture: amd64
        Version: 5.2.15-2+b13
        Source: bash (5.2.15-2)
        Description: GNU Bourne Again SHell
         Bash is an sh-compatible command language interpreter.
         .
         More text.

        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Multi-Arch: same
        Source: glibc
        Version: 2.36-9+deb12u4

        Package: oldpkg
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        Package: zlib1g
        Status: install ok installed
        Architecture: amd64
        Source: zlib
        Version: 1:1.2.13.dfsg-1

        """

    static let dep5 = """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: bash

        Files: *
        Copyright: 1987-2022 Free Software Foundation, Inc.
        License: GPL-3+

        Files: lib/readline/*
        License: GPL-2+ or Artistic
         The text.

        License: GPL-3+
         On Debian systems, the complete text is in /usr/share/common-licenses/GPL-3.

        """

    static let zlibCopyright = """
        This software is provided 'as-is', without any express or implied warranty.
        3. Altered source versions must be plainly marked as such, and must not be
           misrepresented as being the original software.

        """

    static func craftedTree() throws -> String {
        try Tree.make([
            "etc/os-release": Tree.debianOSRelease,
            "var/lib/dpkg/status": status,
            "var/lib/dpkg/status.d/distroless-base": "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
            "usr/share/doc/bash/copyright": dep5,
            "usr/share/doc/libc6/copyright": "see /usr/share/common-licenses/LGPL-2.1, version 2.1 of the License, or (at your option) any later version\n",
            "usr/share/doc/zlib1g/copyright": zlibCopyright,
            // System Python: Debian's dist-packages and a /usr/local site-packages.
            "usr/lib/python3/dist-packages/pip-23.0.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: pip\nVersion: 23.0.1\nLicense: MIT\n\nBody text: Version: 99\n",
            "usr/lib/python3/dist-packages/six-1.16.0.egg-info": "Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\nClassifier: License :: OSI Approved :: MIT License\n",
            "usr/lib/python3/dist-packages/chardet-5.1.0.egg-info/PKG-INFO": "Metadata-Version: 2.1\nName: chardet\nVersion: 5.1.0\nLicense: LGPL\n",
            "usr/local/lib/python3.11/site-packages/Zope.Interface-6.0.dist-info/METADATA": "Name: zope.interface\nVersion: 6.0\nLicense-Expression: ZPL-2.1\n",
            "usr/local/lib/python3.11/site-packages/oldegg-0.1-py3.11.egg/EGG-INFO/PKG-INFO": "Name: oldegg\nVersion: 0.1\n",
            // A venv somewhere else, and a vendored dist-info that pip does not list.
            "opt/venv/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA": "Name: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n",
            "usr/lib/python3/dist-packages/setuptools/_vendor/packaging-23.1.dist-info/METADATA": "Name: packaging\nVersion: 23.1\n",
            // npm: global, nested, scoped.
            "usr/lib/node_modules/npm/package.json": #"{"name": "npm", "version": "9.8.1", "license": "Artistic-2.0"}"#,
            "usr/lib/node_modules/npm/node_modules/abbrev/package.json": #"{"name": "abbrev", "version": "2.0.0", "license": "ISC"}"#,
            "app/node_modules/@types/node/package.json": #"{"name": "@types/node", "version": "20.1.0", "license": {"type": "MIT"}}"#,
            "app/node_modules/.package-lock.json": #"{"name": "app"}"#,
            "app/node_modules/.bin/x": "",
            // apk's database (an image may carry more than one package manager's data).
            "lib/apk/db/installed": "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\np:so:libc.musl-x86_64.so.1=1\n\nP:busybox\nV:1.36.1-r5\nA:x86_64\nL:GPL-2.0-only\n\n",
        ])
    }

    @Test func findsEveryKindOfPackageWithPurlsAndLocations() throws {
        let root = try Self.craftedTree()
        // A merged-/usr style symlink must not make anything appear twice.
        try FileManager.default.createSymbolicLink(atPath: root + "/lib64", withDestinationPath: "usr/lib")
        let catalog = Tree.catalog(root)
        #expect(catalog.unreadable.isEmpty, "\(catalog.unreadable)")
        #expect(catalog.os?.distroQualifier == "debian-12")
        let purls = catalog.packages.map(\.purl)
        #expect(purls == [
            "pkg:apk/debian/busybox@1.36.1-r5?arch=x86_64&distro=debian-12",
            "pkg:apk/debian/musl@1.2.4-r2?arch=x86_64&distro=debian-12",
            "pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12",
            "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12",
            "pkg:npm/%40types/node@20.1.0",
            "pkg:npm/abbrev@2.0.0",
            "pkg:npm/npm@9.8.1",
            "pkg:pypi/chardet@5.1.0",
            "pkg:pypi/oldegg@0.1",
            "pkg:pypi/pip@23.0.1",
            "pkg:pypi/requests@2.31.0",
            "pkg:pypi/six@1.16.0",
            "pkg:pypi/zope-interface@6.0",
        ])
        let bash = try #require(catalog.packages.first { $0.name == "bash" })
        #expect(bash.architecture == "amd64")
        #expect(bash.sourceName == nil, "the source package has the binary package's name")
        #expect(bash.sourceVersion == "5.2.15-2")
        #expect(bash.location == "/var/lib/dpkg/status")
        #expect(bash.licenses == [.spdx("Artistic-1.0-Perl"), .spdx("GPL-2.0-or-later"), .spdx("GPL-3.0-or-later")])
        let libc = try #require(catalog.packages.first { $0.name == "libc6" })
        #expect(libc.sourceName == "glibc")
        #expect(libc.licenses == [.spdx("LGPL-2.1-or-later")])
        #expect(catalog.packages.first { $0.name == "zlib1g" }?.licenses == [.spdx("Zlib")])
        #expect(catalog.packages.first { $0.name == "pip" }?.licenses == [.spdx("MIT")])
        #expect(catalog.packages.first { $0.name == "six" }?.licenses == [.spdx("MIT")])
        #expect(catalog.packages.first { $0.name == "requests" }?.licenses == [.spdx("Apache-2.0")])
        #expect(catalog.packages.first { $0.name == "zope.interface" }?.licenses == [.named("ZPL-2.1")])
        #expect(catalog.packages.first { $0.name == "zope.interface" }?.normalizedName == "zope-interface")
        #expect(catalog.packages.first { $0.name == "@types/node" }?.licenses == [.spdx("MIT")])
        #expect(catalog.packages.first { $0.name == "musl" }?.location == "/lib/apk/db/installed")
        #expect(!catalog.packages.contains { $0.name == "oldpkg" }, "config-files entries are not installed")
        #expect(!catalog.packages.contains { $0.name == "packaging" }, "vendored metadata is not an installed distribution")
    }

    @Test func statusFileBehindASymlinkIsRead() throws {
        let root = try Tree.make(["etc/os-release": Tree.debianOSRelease,
                                  "data/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"])
        try FileManager.default.createDirectory(atPath: root + "/var/lib", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/var/lib/dpkg", withDestinationPath: "/data/dpkg")
        #expect(Tree.catalog(root).packages.map(\.name) == ["a"])
    }

    @Test func aLinkOutOfTheRootStaysInsideIt() throws {
        let outside = try Tree.make(["status": "Package: host\nStatus: install ok installed\nVersion: 1\n"])
        let root = try Tree.make(["etc/os-release": Tree.debianOSRelease])
        try FileManager.default.createDirectory(atPath: root + "/var/lib", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/var/lib/dpkg", withDestinationPath: "../../../../../../" + outside)
        #expect(Tree.catalog(root).packages.isEmpty, "'..' stops at the image's root")
    }

    /// Two layers as the layer cache holds them: the upper one deletes a package's metadata with a
    /// whiteout and replaces a directory with an opaque one; the merged view must show the result.
    @Test func theLayeredViewAppliesWhiteoutsAndOpaqueDirectories() throws {
        try Requirements.root()
        let lower = try Tree.make([
            "etc/os-release": Tree.debianOSRelease,
            "var/lib/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n",
            "usr/lib/python3/dist-packages/gone-1.0.dist-info/METADATA": "Name: gone\nVersion: 1.0\n",
            "usr/lib/python3/dist-packages/kept-1.0.dist-info/METADATA": "Name: kept\nVersion: 1.0\n",
            "opt/app/node_modules/old/package.json": #"{"name": "old", "version": "1.0.0"}"#,
        ])
        let upper = try Tree.make([
            "var/lib/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n",
            "opt/app/node_modules/new/package.json": #"{"name": "new", "version": "2.0.0"}"#,
        ])
        try FileManager.default.createDirectory(atPath: upper + "/usr/lib/python3/dist-packages", withIntermediateDirectories: true)
        #expect(mknod(upper + "/usr/lib/python3/dist-packages/gone-1.0.dist-info", S_IFCHR | 0o000, 0) == 0)
        try ExtendedAttributes.set(upper + "/opt/app/node_modules", "user.overlay.opaque", Array("y".utf8))

        let layered = Cataloger().catalog(LayeredRootFileSystem(layersTopFirst: [upper, lower]))
        #expect(layered.unreadable.isEmpty, "\(layered.unreadable)")
        #expect(layered.packages.map { "\($0.name)@\($0.version)" } == ["a@2", "new@2.0.0", "kept@1.0"])

        // The same tree flattened gives the same catalog.
        let flat = try Tree.make([
            "etc/os-release": Tree.debianOSRelease,
            "var/lib/dpkg/status": "Package: a\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n",
            "usr/lib/python3/dist-packages/kept-1.0.dist-info/METADATA": "Name: kept\nVersion: 1.0\n",
            "opt/app/node_modules/new/package.json": #"{"name": "new", "version": "2.0.0"}"#,
        ])
        #expect(Tree.catalog(flat).packages.map(\.purl) == layered.packages.map(\.purl))
    }
}
