// swift-tools-version:6.1
// vlaterm: a terminal console for robot learning. Module map and import rules: ../shared/DESIGN.md.
import PackageDescription

/// A system library wrapped by a module map + one shim header (Sources/<name>/).
func systemLibrary(_ name: String, pkgConfig: String? = nil, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig,
                   providers: [.apt([apt])])
}

let package = Package(
    name: "vlaterm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vlaterm", targets: ["vlaterm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries (module.modulemap + shim.h each).
        // No pkgConfig: its cflags are ones SwiftPM refuses (-D_XOPEN_SOURCE=600); the module map links ncursesw + tinfo.
        systemLibrary("CNcursesW", apt: "libncursesw5-dev"),
        systemLibrary("CEvdev", pkgConfig: "libevdev", apt: "libevdev-dev"),
        systemLibrary("COpenBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        systemLibrary("CMuJoCo", apt: "libmujoco-dev"),
        systemLibrary("CTurboJPEG", pkgConfig: "libturbojpeg", apt: "libturbojpeg0-dev"),
        systemLibrary("CZstd", pkgConfig: "libzstd", apt: "libzstd-dev"),
        systemLibrary("COpenSSL", pkgConfig: "openssl", apt: "libssl-dev"),
        systemLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev"),

        // Swift modules, in dependency order.
        .target(name: "RobotKit"),
        .target(name: "Supervisor", dependencies: ["RobotKit"]),
        .target(name: "Simulator", dependencies: ["RobotKit", "CMuJoCo"]),
        .target(name: "Input", dependencies: ["RobotKit", "CEvdev"]),
        .target(name: "TerminalUI", dependencies: ["RobotKit"]),
        .target(name: "Episodes", dependencies: ["RobotKit", "CZstd", "CTurboJPEG", "CZlib"]),
        .target(name: "Tensor", dependencies: ["COpenBLAS"]),
        .target(name: "Policy", dependencies: ["RobotKit", "Tensor", "COpenSSL"]),   // OpenSSL: TLS for remote policies
        .target(name: "Console", dependencies: [
            "RobotKit", "Supervisor", "Simulator", "Input", "TerminalUI", "Episodes", "Policy", "CNcursesW",
        ]),
        .executableTarget(name: "vlaterm", dependencies: [
            "RobotKit", "Supervisor", "Simulator", "Input", "TerminalUI", "Console", "Episodes", "Tensor", "Policy",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests. Fixtures and snapshots live beside each test target and are found through #filePath.
        // TestSupport: helpers several test targets share (running the built binary); only test targets depend on it.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "RobotKitTests", dependencies: ["RobotKit"]),
        .testTarget(name: "SupervisorTests", dependencies: ["Supervisor", "RobotKit", "Episodes", "TestSupport"]),   // Episodes: reads the MCAP a headless run records
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "RobotKit"]),
        .testTarget(name: "InputTests", dependencies: ["Input", "RobotKit"], exclude: ["Fixtures"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "RobotKit"], exclude: ["Snapshots"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "TerminalUI", "RobotKit", "Input", "Episodes", "Policy", "Supervisor", "Simulator"]),
        .testTarget(name: "EpisodesTests", dependencies: ["Episodes", "RobotKit"], exclude: ["Interop"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Tensor", "RobotKit", "COpenSSL", "Episodes", "TestSupport"],   // Episodes: reads recorded corrections
                    exclude: ["Fixtures"]),
    ]
)
