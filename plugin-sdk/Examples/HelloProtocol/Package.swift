// swift-tools-version:6.1
import PackageDescription

/// An out-of-tree Warden protocol plugin that builds from plugin-sdk alone.
/// `swift build -c release` produces .build/release/libHelloProtocol.so.
let package = Package(
    name: "HelloProtocol",
    products: [
        // `.dynamic` makes a shared object the host can dlopen.
        .library(name: "HelloProtocol", type: .dynamic, targets: ["HelloProtocol"]),
    ],
    dependencies: [
        .package(path: "../.."),  // plugin-sdk
    ],
    targets: [
        .target(
            name: "HelloProtocol",
            dependencies: [.product(name: "WardenPluginSDK", package: "plugin-sdk")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(name: "HelloProtocolTests", dependencies: ["HelloProtocol"]),
    ]
)
