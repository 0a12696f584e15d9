import ReeSBOM
import Testing

@Suite struct PackageURLTests {
    static let debian = OSRelease(id: "debian", versionID: "12", codename: "bookworm")

    @Test(arguments: [
        ("bash", "5.2.15-2+b13", "amd64", "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12"),
        ("libgcc-s1", "12.2.0-14", "amd64", "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12"),
        ("adduser", "3.134", "all", "pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12"),
        ("libc6", "1:2.36-9+deb12u4", "amd64", "pkg:deb/debian/libc6@1%3A2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"),
        ("gcc", "4:12.2.0-3~bpo", "arm64", "pkg:deb/debian/gcc@4%3A12.2.0-3~bpo?arch=arm64&distro=debian-12"),
    ])
    func debianPurlsEncodePlusAndEpochAndSortQualifiers(name: String, version: String, arch: String, expected: String) {
        #expect(PackageURL.deb(name: name, version: version, architecture: arch, os: Self.debian) == expected)
    }

    @Test func aDebianPurlWithoutOSReleaseHasNoDistro() {
        #expect(PackageURL.deb(name: "bash", version: "5", architecture: "amd64", os: nil) == "pkg:deb/debian/bash@5?arch=amd64")
    }

    @Test(arguments: [
        ("Django", "4.2", "pkg:pypi/django@4.2"),
        ("zope.interface", "6.0", "pkg:pypi/zope-interface@6.0"),
        ("typing_extensions", "4.8.0", "pkg:pypi/typing-extensions@4.8.0"),
        ("Foo__Bar-.baz", "1.0+local", "pkg:pypi/foo-bar-baz@1.0%2Blocal"),
    ])
    func pypiNamesAreNormalised(name: String, version: String, expected: String) {
        #expect(PackageURL.pypi(name: name, version: version) == expected)
    }

    @Test func npmScopesAreEncoded() {
        #expect(PackageURL.npm(name: "@types/node", version: "20.1.0") == "pkg:npm/%40types/node@20.1.0")
        #expect(PackageURL.npm(name: "left-pad", version: "1.3.0") == "pkg:npm/left-pad@1.3.0")
    }

    @Test func apkPurlsCarryArchAndDistro() {
        let alpine = OSRelease(id: "alpine", versionID: "3.19.1")
        #expect(PackageURL.apk(name: "musl", version: "1.2.4_git20230717-r4", architecture: "x86_64", os: alpine)
                == "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1")
    }

    @Test func osReleaseParsesQuotesAndComments() throws {
        let os = try #require(OSRelease.parse("# comment\nNAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME='Alpine Linux v3.19'\n"))
        #expect(os.id == "alpine")
        #expect(os.versionID == "3.19.1")
        #expect(os.prettyName == "Alpine Linux v3.19")
        #expect(OSRelease.parse("NAME=x\n") == nil)
    }

    @Test func sbomFilesSitBesideTheArchive() {
        #expect(SBOMGenerator.path(besideArchive: "/out/app.tar", format: .cyclonedx) == "/out/app.cdx.json")
        #expect(SBOMGenerator.path(besideArchive: "/out/app.tar", format: .spdx) == "/out/app.spdx.json")
        #expect(SBOMGenerator.path(besideArchive: "/out/app.oci", format: .spdx) == "/out/app.oci.spdx.json")
    }
}
