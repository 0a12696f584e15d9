import Foundation
import ReeOCI
import ReeOS
import ReeTestSupport
import Testing

/// Our exports checked by the tools users have, and their outputs imported by us.
@Suite(.serialized) struct InteropTests {
    func exported() throws -> (ImageStore, String, Descriptor) {
        let store = try makeStore()
        let d = try makeTestImage(in: store, name: "interop")
        let dir = try makeTemporaryDirectory()
        try store.exportArchive("interop", toPath: "\(dir)/interop.tar")
        return (store, "\(dir)/interop.tar", d)
    }

    @Test func skopeoInspectsOurExport() throws {
        try Requirements.tool("skopeo")
        let (_, tar, d) = try exported()
        let out = try Shell.check(["skopeo", "inspect", "oci-archive:\(tar)"])
        #expect(out.contains(d.digest.description))
    }

    @Test func ociImageToolValidatesAndUmociUnpacks() throws {
        try Requirements.tool("skopeo")
        try Requirements.tool("oci-image-tool")
        try Requirements.tool("umoci")
        let (_, tar, _) = try exported()
        let dir = try makeTemporaryDirectory()
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "oci:\(dir)/layout:t"])
        let validation = try Shell.run(["oci-image-tool", "validate", "--type", "image", "--ref", "name=t", "\(dir)/layout"])
        #expect(validation.succeeded, "\(validation.stdout)\(validation.stderr)")
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:t", "\(dir)/bundle"])
        #expect(try String(contentsOfFile: "\(dir)/bundle/rootfs/etc/hello", encoding: .utf8) == "hello one\n")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/bundle/rootfs/etc/second"))
    }

    @Test func bsdtarListsOurExport() throws {
        try Requirements.tool("bsdtar")
        let (_, tar, _) = try exported()
        let r = try Shell.run(["bsdtar", "-tvf", tar])
        #expect(r.succeeded && r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func podmanLoadsOurExportAndWeImportWhatPodmanSaves() throws {
        try Requirements.tool("podman")
        let (source, tar, d) = try exported()
        let diffIDs = try source.config(of: source.manifest(d.digest)).rootfs.diffIDs
        let load = try Shell.run(["podman", "load", "-i", tar])
        #expect(load.succeeded, "\(load.stderr)")
        let dir = try makeTemporaryDirectory()
        defer { _ = try? Shell.run(["podman", "rmi", "-f", "localhost/interop:latest"]) }
        for format in ["docker-archive", "oci-archive"] {
            let saved = "\(dir)/podman-\(format).tar"
            try Shell.check(["podman", "save", "--format", format, "-o", saved, "localhost/interop:latest"])
            let store = try makeStore()
            let image = try store.importArchive(saved, name: ImageName("fromPodman".lowercased()))
            let config = try store.config(of: store.manifest(of: image))
            // podman recompresses layers, so blob digests change; the layer contents must not.
            #expect(config.rootfs.diffIDs == diffIDs, "\(format)")
        }
    }

    /// A layer larger than one gzip block is several gzip members: Go's readers (umoci, skopeo, podman)
    /// must see one stream, and its content must match the diff id.
    @Test func layersOfManyGzipMembersReadInUmociSkopeoAndPodman() throws {
        try Requirements.tool("skopeo")
        try Requirements.tool("oci-image-tool")
        try Requirements.tool("umoci")
        let store = try makeStore()
        var state: UInt64 = 3
        let big = (0..<(3 << 20) + 777).map { i -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return i % 5 == 0 ? UInt8(truncatingIfNeeded: state >> 33) : UInt8(ascii: "a") + UInt8(i % 19)
        }
        let layer = try makeLayer(in: store, files: [("opt/big.bin", big), ("opt/after", Array("after\n".utf8))])
        var config = ImageConfig(rootfs: .init(diffIDs: [layer.diffID]))
        config.created = "2023-11-14T22:13:20Z"
        try store.writeImage(name: ImageName("members"), config: config, layers: [layer.descriptor])
        let dir = try makeTemporaryDirectory()
        try store.exportArchive("members", toPath: "\(dir)/members.tar")
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(dir)/members.tar", "oci:\(dir)/layout:m"])
        let validation = try Shell.run(["oci-image-tool", "validate", "--type", "image", "--ref", "name=m", "\(dir)/layout"])
        #expect(validation.succeeded, "\(validation.stdout)\(validation.stderr)")
        try Shell.check(["umoci", "unpack", "--image", "\(dir)/layout:m", "\(dir)/bundle"])
        #expect(FileManager.default.contents(atPath: "\(dir)/bundle/rootfs/opt/big.bin") == Data(big))
        #expect(try String(contentsOfFile: "\(dir)/bundle/rootfs/opt/after", encoding: .utf8) == "after\n")
        // skopeo (containers/image) decompresses into a dir: layout, the layer named by its digest: the diff id.
        try Shell.check(["skopeo", "copy", "-q", "--dest-decompress", "oci-archive:\(dir)/members.tar", "dir:\(dir)/plain"])
        let plain = "\(dir)/plain/\(layer.diffID.encoded)"
        #expect(try Shell.check(["sha256sum", plain]).hasPrefix(layer.diffID.encoded))

        try Requirements.tool("podman")
        let load = try Shell.run(["podman", "load", "-i", "\(dir)/members.tar"])
        #expect(load.succeeded, "\(load.stderr)")
        defer { _ = try? Shell.run(["podman", "rmi", "-f", "localhost/members:latest"]) }
        try Shell.check(["podman", "save", "--format", "oci-archive", "-o", "\(dir)/saved.tar", "localhost/members:latest"])
        let back = try makeStore()
        let image = try back.importArchive("\(dir)/saved.tar", name: ImageName("saved"))
        #expect(try back.config(of: back.manifest(of: image)).rootfs.diffIDs == [layer.diffID])
    }

    @Test func weImportWhatSkopeoWrites() throws {
        try Requirements.tool("skopeo")
        let (_, tar, d) = try exported()
        let dir = try makeTemporaryDirectory()
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "oci-archive:\(dir)/skopeo.tar:copied"])
        let store = try makeStore()
        let image = try store.importArchive("\(dir)/skopeo.tar", name: nil)
        #expect(image.manifest.digest == d.digest)
        try Shell.check(["skopeo", "copy", "-q", "oci-archive:\(tar)", "docker-archive:\(dir)/docker.tar:copied:latest"])
        let fromDocker = try store.importArchive("\(dir)/docker.tar", name: nil)
        #expect(fromDocker.name.rawValue == "copied")
        #expect(try store.config(of: store.manifest(of: fromDocker)).rootfs.diffIDs.count == 2)
    }
}
