// The flags of a remote policy link (--policy openpi://… / openvla://…), one declaration for `console`, `run` and
// `eval` so they cannot drift apart.
import ArgumentParser
import Foundation
import Policy

struct RemotePolicyFlags: ParsableArguments {
    @Option(help: "JSON mapping file for a remote policy (observation keys, image size, action adapter).") var mapping: String?
    @Option(help: "Environment variable holding the API key for a remote policy (sent as 'Authorization: Api-Key KEY').")
    var apiKeyEnv: String?
    @Option(help: "PEM file of CA certificates for +tls links (default: the system store).") var caFile: String?
    @Option(help: "OpenVLA: dataset statistics to un-normalise with (e.g. bridge_orig).") var unnormKey: String?
    @Flag(help: "Allow a remote policy on a non-loopback host.") var allowRemote = false

    /// The options for the client of `url`; the mapping file is read over the defaults of the endpoint kind.
    /// Throws `PolicyError.configuration` naming the flag (bad input, exit 2).
    func options(for url: String) throws -> RemotePolicyOptions {
        var o = RemotePolicyOptions()
        o.allowNonLoopback = allowRemote
        o.caFile = caFile
        o.unnormKey = unnormKey
        if let env = apiKeyEnv {
            guard let key = ProcessInfo.processInfo.environment[env], !key.isEmpty else {
                throw PolicyError.configuration("--api-key-env \(env): the variable is not set")
            }
            o.apiKey = key
        }
        if let path = mapping {
            let base: RemoteMapping = url.hasPrefix("openvla") ? .openvlaBridge : .openpiLibero
            o.mapping = try RemoteMapping.load(path: path, over: base)
        }
        return o
    }

    /// A remote policy from `url` with these flags.
    func makePolicy(url: String) throws -> Policy {
        try RemotePolicies.make(url: url, options: options(for: url))
    }
}
