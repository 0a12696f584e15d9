// swift-tools-version:6.0
import PackageDescription

/// Module graph (a module imports only modules listed before it):
/// C libraries and CReeShim → ReeOS → ReeArchive → ReeOCI → ReeLayers
/// → ReeSandbox, ReeDockerfile, ReeRecorder, ReeSBOM → ReeBuild → ReeService → ReeAPI → ree.
let package = Package(
    name: "ree",
    products: [
        .executable(name: "ree", targets: ["ree"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // REST API (ReeAPI, ReeService).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        // Our C: syscalls Swift cannot reach, and the clone-to-exec path.
        .target(name: "CReeShim"),
        // REST API: SQLite for process metadata; OpenSSL's libcrypto for JWT signatures (RS256, ES256).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CReeJOSE", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // The recorder's C: TLS interception (libssl) and upstream requests (libcurl).
        .target(name: "CReeProxy", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto"), .linkedLibrary("curl")]),

        .target(name: "ReeOS", dependencies: ["CReeShim", "CCrypto"]),
        .target(name: "ReeArchive", dependencies: ["ReeOS", "CArchive", "CZlib", "CZstd", "CDeflate"]),
        .target(name: "ReeOCI", dependencies: ["ReeOS", "ReeArchive"]),
        .target(name: "ReeLayers", dependencies: ["ReeOS", "ReeArchive", "ReeOCI", "CReeShim"]),
        .target(name: "ReeSandbox", dependencies: ["ReeOS", "CReeShim", "CSeccomp"]),
        .target(name: "ReeDockerfile"),
        .target(name: "ReeSBOM", dependencies: ["ReeOS", "ReeOCI", "ReeLayers"]),
        .target(name: "ReeRecorder", dependencies: ["ReeOS", "ReeArchive", "CReeProxy", "CZlib"]),
        .target(name: "ReeBuild", dependencies: ["CReeShim", "CReeProxy", "ReeOS", "ReeArchive", "ReeOCI", "ReeLayers", "ReeSandbox", "ReeDockerfile", "ReeRecorder", "ReeSBOM"]),
        .target(name: "ReeService", dependencies: [
            "ReeOS", "ReeArchive", "ReeOCI", "ReeBuild", "CSQLite",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "ReeAPI", dependencies: [
            "ReeService", "ReeOCI", "ReeOS", "ReeArchive", "CReeJOSE",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "ree", dependencies: [
            "ReeAPI", "ReeService",
            "ReeBuild", "ReeOCI", "ReeLayers", "ReeSandbox", "ReeOS", "ReeSBOM", "ReeRecorder",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "ReeTestSupport", dependencies: ["ReeOS"], path: "Tests/ReeTestSupport"),
        .testTarget(name: "ReeOSTests", dependencies: ["ReeOS", "ReeTestSupport"]),
        .testTarget(name: "ReeArchiveTests", dependencies: ["ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeOCITests", dependencies: ["ReeOCI", "ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeLayersTests", dependencies: ["ReeLayers", "ReeOCI", "ReeArchive", "ReeTestSupport"]),
        .testTarget(name: "ReeSandboxTests", dependencies: ["ReeSandbox", "ReeTestSupport"]),
        .testTarget(name: "ReeDockerfileTests", dependencies: ["ReeDockerfile"]),
        .testTarget(name: "ReeBuildTests", dependencies: ["ReeBuild", "ReeOCI", "ReeTestSupport", "ReeDockerfile", "ReeSBOM", "ReeRecorder"]),
        .testTarget(name: "ReeSBOMTests", dependencies: ["ReeSBOM", "ReeOCI", "ReeOS", "ReeTestSupport"]),
        .testTarget(name: "ReeRecorderTests", dependencies: ["ReeRecorder", "ReeOS", "ReeTestSupport"]),
        .testTarget(name: "ReeCLITests", dependencies: ["ReeTestSupport", "ReeOCI"]),
        .target(name: "ReeServiceTestSupport", dependencies: ["ReeService", "ReeBuild", "ReeOS", "ReeTestSupport"], path: "Tests/ReeServiceTestSupport"),
        .testTarget(name: "ReeServiceTests", dependencies: ["ReeService", "ReeArchive", "ReeOS", "ReeTestSupport", "ReeServiceTestSupport"]),
        .testTarget(name: "ReeAPITests", dependencies: [
            "ReeAPI", "ReeService", "ReeOCI", "ReeArchive", "ReeOS", "ReeTestSupport", "ReeServiceTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
