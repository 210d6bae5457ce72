// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "warden",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "warden", targets: ["warden"]),
        .library(name: "WardenCore", targets: ["WardenCore"]),
        // First-party plugins: each one a shared object the host loads with dlopen.
        .library(name: "WardenPostgres", type: .dynamic, targets: ["WardenPostgres"]),
        .library(name: "WardenPII", type: .dynamic, targets: ["WardenPIIEntry"]),
        .library(name: "WardenHTTP", type: .dynamic, targets: ["WardenHTTP"]),
        .library(name: "WardenKubernetes", type: .dynamic, targets: ["WardenKubernetes"]),
        .library(name: "WardenMySQL", type: .dynamic, targets: ["WardenMySQL"]),
    ],
    dependencies: [
        .package(path: "plugin-sdk"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // glibc's mallopt, for the allocator settings the gateway pins at start.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // JSONPath patterns and streamed JSON masking: the host validates the
        // patterns of masking rules at load, the HTTP proxy masks bodies with them.
        .target(name: "WardenJSONMask", swiftSettings: swiftSettings),
        .target(
            name: "WardenCore",
            dependencies: [
                "CMalloc",
                "WardenJSONMask",
                .product(name: "CWardenPlugin", package: "plugin-sdk"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "warden",
            dependencies: [
                "WardenCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL's parser as a C library: Debian's libpg-query-dev.
        .systemLibrary(name: "CPgQuery", path: "Plugins/CPgQuery"),
        // libsodium, for MariaDB's ed25519 sign-in (a key derived from a password of any length).
        .systemLibrary(name: "CSodium", path: "Plugins/CSodium"),
        // zlib, for SPDY/3's compressed header blocks (kubectl's exec streams).
        .systemLibrary(name: "CZlib", path: "Plugins/CZlib"),
        // What the SQL plugins share: statement classes, risks, targets and
        // how a message's statements add up to one policy action.
        .target(
            name: "WardenSQLCore",
            dependencies: [.product(name: "WardenPluginSDK", package: "plugin-sdk")],
            path: "Plugins/SQLCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WardenPostgres",
            dependencies: [
                "CPgQuery", "WardenSQLCore",
                .product(name: "WardenPluginSDK", package: "plugin-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/Postgres",
            swiftSettings: swiftSettings
        ),
        // The HTTP/1.1 proxy the HTTP and Kubernetes plugins share: parsing
        // (swift-nio's llhttp decoder), header rules, policy steps, streamed masking.
        .target(
            name: "WardenHTTPCore",
            dependencies: [
                "WardenJSONMask",
                .product(name: "WardenPluginSDK", package: "plugin-sdk"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/HTTPCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WardenHTTP",
            dependencies: ["WardenHTTPCore", .product(name: "WardenPluginSDK", package: "plugin-sdk")],
            path: "Plugins/HTTP",
            swiftSettings: swiftSettings
        ),
        // The Kubernetes API's dialect of the shared HTTP proxy: the API
        // server's request resolver, impersonation, Status answers.
        .target(
            name: "WardenKubernetesCore",
            dependencies: [
                "WardenHTTPCore", "WardenJSONMask", "CZlib", .product(name: "WardenPluginSDK", package: "plugin-sdk"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Plugins/Kubernetes",
            exclude: ["Entry"],
            swiftSettings: swiftSettings
        ),
        // Only the exported entry, as for WardenPII: the test bundle links every plugin's code.
        .target(
            name: "WardenKubernetes",
            dependencies: ["WardenKubernetesCore", "WardenHTTPCore", .product(name: "WardenPluginSDK", package: "plugin-sdk")],
            path: "Plugins/Kubernetes/Entry",
            swiftSettings: swiftSettings
        ),
        // The MySQL/MariaDB client/server protocol: packets, sign-in, the
        // SQL reader that classifies statements as MariaDB reads them, masking.
        .target(
            name: "WardenMySQLCore",
            dependencies: [
                "WardenSQLCore", "CSodium", .product(name: "WardenPluginSDK", package: "plugin-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Plugins/MySQL",
            exclude: ["Entry"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WardenMySQL",
            dependencies: ["WardenMySQLCore", .product(name: "WardenPluginSDK", package: "plugin-sdk")],
            path: "Plugins/MySQL/Entry",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WardenPII",
            dependencies: [
                .product(name: "WardenPluginSDK", package: "plugin-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Plugins/Maskers/PII",
            exclude: ["Entry"],
            swiftSettings: swiftSettings
        ),
        // Only the exported C symbol: kept out of `WardenPII` so that the test
        // bundle, which links every plugin's code, holds one `warden_plugin_entry`.
        .target(
            name: "WardenPIIEntry",
            dependencies: ["WardenPII", .product(name: "WardenPluginSDK", package: "plugin-sdk")],
            path: "Plugins/Maskers/PII/Entry",
            swiftSettings: swiftSettings
        ),
        // scripts/bench: what classifying a statement costs, in microseconds.
        .executableTarget(
            name: "ClassifierBench",
            dependencies: ["WardenPostgres", "WardenSQLCore"],
            path: "Benchmarks/ClassifierBench",
            swiftSettings: swiftSettings
        ),
        // Test helpers shared by several test targets: real external servers.
        .target(
            name: "WardenTestSupport",
            dependencies: [.product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Tests/Support/Swift",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WardenCoreTests",
            dependencies: [
                "WardenCore", "WardenTestSupport", .product(name: "CWardenPlugin", package: "plugin-sdk"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "WardenPostgresTests", dependencies: ["WardenPostgres", "WardenSQLCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WardenMySQLTests", dependencies: ["WardenMySQLCore", "WardenSQLCore"], swiftSettings: swiftSettings),
        .testTarget(name: "WardenHTTPTests", dependencies: ["WardenHTTPCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WardenKubernetesTests", dependencies: ["WardenKubernetesCore", "WardenHTTPCore", "CZlib"],
            swiftSettings: swiftSettings),
        .testTarget(name: "WardenJSONMaskTests", dependencies: ["WardenJSONMask"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WardenPIITests",
            dependencies: ["WardenPII", .product(name: "CWardenPlugin", package: "plugin-sdk")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["WardenCore", "WardenTestSupport", "WardenMySQLCore", "WardenSQLCore"],
            swiftSettings: swiftSettings
        ),
    ]
)
