import ArgumentParser
import Foundation
import ReeArchive
import ReeBuild
import ReeOCI
import ReeOS

struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Manage the images in the store ($REE_HOME/oci).",
        subcommands: [Bootstrap.self, List.self, Inspect.self, Import.self, Export.self, Remove.self, Commit.self]
    )

    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build a base image from its recipe in rootfs/ (busybox, debian_bookworm, python_3_11).")
        @Argument(help: "The recipe's name.") var name: String
        @Option(help: "SOURCE_DATE_EPOCH for the image (default: the environment's, else the recipe's).") var sourceDateEpoch: Int64?
        @Option(help: "The recipes folder (default: $REE_RECIPES, or rootfs/ of this installation).") var recipes: String?

        func run() async throws {
            let context = try Context()
            let env = ProcessInfo.processInfo.environment
            guard let dir = recipes ?? Bootstrapper.findRecipesDirectory(environment: env, executable: Context.executablePath) else {
                throw ReeError(.notFound, "no rootfs/ recipes found; set REE_RECIPES or pass --recipes")
            }
            let epoch = try sourceDateEpoch ?? env["SOURCE_DATE_EPOCH"].map {
                guard let v = Int64($0) else { throw ReeError(.invalidInput, "SOURCE_DATE_EPOCH '\($0)' is not a number") }
                return v
            }
            let image = try Bootstrapper(store: context.store, recipesDirectory: dir, log: Context.log).bootstrap(name, epoch: epoch)
            print("\(image.name) \(image.manifest.digest)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored images.")
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try Context().store
            let images = try store.images()
            if json {
                try Context.printJSON(images.map { ImageSummary(name: $0.name.rawValue, digest: $0.manifest.digest.description) })
            } else {
                for image in images { print("\(image.name)\t\(image.manifest.digest)") }
            }
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an image's details as JSON.")
        @Argument var name: String

        func run() async throws {
            let store = try Context().store
            let image = try store.resolve(name)
            let manifest = try store.manifest(of: image)
            let config = try store.config(of: manifest)
            let size = manifest.layers.reduce(manifest.config.size + image.manifest.size) { $0 + $1.size }
            try Context.printJSON(ImageDetails(name: image.name.rawValue, digest: image.manifest.digest.description,
                                               size: size, layers: manifest.layers, config: config, manifest: manifest))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Import an oci-archive or docker-archive tarball.")
        @Argument var file: String
        @Option(help: "Name for the image (default: the name in the archive).") var name: String?

        func run() async throws {
            let store = try Context().store
            let image = try store.importArchive(file, name: try name.map(ImageName.init))
            print("\(image.name) \(image.manifest.digest)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export an image as a tar that is both an OCI layout and a docker-load archive.")
        @Argument var name: String
        @Option(name: .shortAndLong, help: "The tar file to write.") var output: String

        func run() async throws {
            try Context().store.exportArchive(name, toPath: output)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an image and the blobs no other image uses.")
        @Argument var name: String

        func run() async throws {
            try Context().store.remove(name)
        }
    }
}

extension ImageCommand {
    struct Commit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a one-layer image from a directory tree (like docker import of a rootfs).")
        @Argument(help: "The root filesystem directory.") var directory: String
        @Option(help: "Name for the image.") var name: String
        @Option(help: CompressionOption.help) var compression: CompressionOption = .gzip
        @Option(help: "SOURCE_DATE_EPOCH: clamps mtimes and sets created.") var sourceDateEpoch: Int64 = 0

        func run() async throws {
            let store = try Context().store
            let image = try DirectoryImage.commit(directory, name: ImageName(name), store: store, compression: compression.value, epoch: sourceDateEpoch)
            print("\(image.name) \(image.manifest.digest)")
        }
    }
}

struct ImageSummary: Encodable {
    let name: String
    let digest: String
}

struct ImageDetails: Encodable {
    let name: String
    let digest: String
    let size: Int64
    let layers: [Descriptor]
    let config: ImageConfig
    let manifest: Manifest
}
