// swift-tools-version:6.1
import PackageDescription

/// An out-of-tree Warden masker plugin that builds from plugin-sdk alone.
/// `swift build` produces .build/debug/libAcmeMasker.so.
let package = Package(
    name: "AcmeMasker",
    products: [
        // `.dynamic` makes a shared object the host can dlopen.
        .library(name: "AcmeMasker", type: .dynamic, targets: ["AcmeMasker"]),
    ],
    dependencies: [
        .package(path: "../.."),  // plugin-sdk
    ],
    targets: [
        // One plugin, so the `@_cdecl("warden_plugin_entry")` function can live
        // in the target the tests import. A package with several plugins puts
        // each entry point in its own small target (as Warden's root package
        // does for `pii`), so that a test bundle linking them all holds one.
        .target(
            name: "AcmeMasker",
            dependencies: [.product(name: "WardenPluginSDK", package: "plugin-sdk")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(name: "AcmeMaskerTests", dependencies: ["AcmeMasker"]),
    ]
)
