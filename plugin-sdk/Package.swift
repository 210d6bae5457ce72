// swift-tools-version:6.1
import PackageDescription

/// The Warden plugin SDK: the C header that is the ABI, and the Swift layer
/// that lets a plugin author write ordinary Swift against it.
let package = Package(
    name: "warden-plugin-sdk",
    products: [
        .library(name: "CWardenPlugin", targets: ["CWardenPlugin"]),
        .library(name: "WardenPluginSDK", targets: ["WardenPluginSDK"]),
    ],
    targets: [
        .target(name: "CWardenPlugin"),
        .target(
            name: "WardenPluginSDK",
            dependencies: ["CWardenPlugin"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(name: "WardenPluginSDKTests", dependencies: ["WardenPluginSDK"]),
    ]
)
