// swift-tools-version:6.0
import PackageDescription

/// Module graph (a module imports only modules listed before it):
/// CReeShim, CArchive, CCrypto, CSeccomp → ReeOS → ReeArchive → ReeOCI → ReeLayers
/// → ReeSandbox, ReeDockerfile → ReeBuild → ree.
let package = Package(
    name: "ree",
    products: [
        .executable(name: "ree", targets: ["ree"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        // Our C: syscalls Swift cannot reach, and the clone-to-exec path.
        .target(name: "CReeShim"),
        // The recorder's C: TLS interception (libssl) and upstream requests (libcurl).
        .target(name: "CReeProxy", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto"), .linkedLibrary("curl")]),

        .target(name: "ReeOS", dependencies: ["CReeShim", "CCrypto"]),
        .target(name: "ReeArchive", dependencies: ["ReeOS", "CArchive", "CZlib", "CZstd"]),
        .target(name: "ReeOCI", dependencies: ["ReeOS", "ReeArchive"]),
        .target(name: "ReeLayers", dependencies: ["ReeOS", "ReeArchive", "ReeOCI", "CReeShim"]),
        .target(name: "ReeSandbox", dependencies: ["ReeOS", "CReeShim", "CSeccomp"]),
        .target(name: "ReeDockerfile"),
        .target(name: "ReeRecorder", dependencies: ["ReeOS", "ReeArchive", "CReeProxy", "CZlib"]),
        .target(name: "ReeBuild", dependencies: ["ReeOS", "ReeArchive", "ReeOCI", "ReeLayers", "ReeSandbox", "ReeDockerfile", "ReeRecorder"]),
        .executableTarget(name: "ree", dependencies: [
            "ReeBuild", "ReeOCI", "ReeLayers", "ReeSandbox", "ReeOS", "ReeRecorder",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "ReeTestSupport", dependencies: ["ReeOS"], path: "Tests/ReeTestSupport"),
        .testTarget(name: "ReeOSTests", dependencies: ["ReeOS", "ReeTestSupport"]),
        .testTarget(name: "ReeArchiveTests", dependencies: ["ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeOCITests", dependencies: ["ReeOCI", "ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeLayersTests", dependencies: ["ReeLayers", "ReeOCI", "ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeSandboxTests", dependencies: ["ReeSandbox", "ReeTestSupport"]),
        .testTarget(name: "ReeDockerfileTests", dependencies: ["ReeDockerfile"]),
        .testTarget(name: "ReeBuildTests", dependencies: ["ReeBuild", "ReeOCI", "ReeTestSupport"]),
        .testTarget(name: "ReeRecorderTests", dependencies: ["ReeRecorder", "ReeOS", "ReeTestSupport"]),
        .testTarget(name: "ReeCLITests", dependencies: ["ReeTestSupport", "ReeOCI"]),
    ]
)
