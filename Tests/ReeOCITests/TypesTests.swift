import ReeOCI
import ReeOS
import Testing

@Suite struct TypesTests {
    @Test(arguments: [
        "sha256:" + String(repeating: "a", count: 64),
        "sha512:" + String(repeating: "0", count: 128),
    ])
    func validDigestsParse(_ text: String) throws {
        #expect(try Digest(text).description == text)
    }

    @Test(arguments: [
        "", "sha256", "sha256:", "md5:" + String(repeating: "a", count: 32),
        "sha256:" + String(repeating: "A", count: 64), "sha256:" + String(repeating: "a", count: 63),
        "sha256:" + String(repeating: "g", count: 64),
    ])
    func invalidDigestsAreRefused(_ text: String) {
        #expect(throws: ReeError.self) { try Digest(text) }
    }

    @Test(arguments: ["busybox", "python_3_11", "team/app:1.0", "a.b-c", "x:Latest_1"])
    func validNamesParse(_ name: String) throws {
        #expect(try ImageName(name).rawValue == name)
    }

    @Test(arguments: ["", "Busybox", "-x", "a//b", "../x", "x:", "a b", "x:bad/tag", "/abs"])
    func invalidNamesAreRefused(_ name: String) {
        #expect(throws: ReeError.self) { try ImageName(name) }
    }

    @Test func dockerReferenceAddsLatest() throws {
        #expect(try ImageName("busybox").dockerReference == "busybox:latest")
        #expect(try ImageName("app:1").dockerReference == "app:1")
    }

    @Test func canonicalJSONSortsKeysAndKeepsSlashes() throws {
        let bytes = try CanonicalJSON.encode(["b": "x/y", "a": "1"])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":"1","b":"x/y"}"#)
    }

    @Test func configRoundTripsWithDockerKeys() throws {
        var c = ImageConfig(rootfs: .init(diffIDs: [Digest.sha256(of: [])]))
        c.config?.exposedPorts = ["8080/tcp": EmptyObject()]
        c.config?.user = "root"
        let text = String(decoding: try CanonicalJSON.encode(c), as: UTF8.self)
        #expect(text.contains(#""ExposedPorts":{"8080/tcp":{}}"#))
        #expect(text.contains(#""diff_ids":["sha256:"#))
        let back = try CanonicalJSON.decode(ImageConfig.self, from: Array(text.utf8), source: "test")
        #expect(back == c)
    }

    @Test func manifestWithUnknownLayerTypeIsRefused() throws {
        let d = Descriptor(mediaType: "application/x-unknown", digest: Digest.sha256(of: []), size: 0)
        let m = Manifest(config: Descriptor(mediaType: .ociConfig, digest: Digest.sha256(of: []), size: 0), layers: [d])
        let error = #expect(throws: ReeError.self) { try m.validate(source: "m") }
        #expect(error?.message.contains("application/x-unknown") == true)
    }
}
