import ArgumentParser
import Foundation
import Policy
import Tensor

/// `vlaterm embed TEXT`: the built-in all-MiniLM-L6-v2 sentence encoder, as the policy sees an instruction.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed text with the built-in all-MiniLM-L6-v2 encoder.",
        discussion: """
        Tokenizes TEXT with BERT WordPiece (lower-cased, accents stripped, at most 256 tokens) and runs the
        6-layer MiniLM encoder with mean pooling and L2 normalisation — the same 384-value vector
        sentence-transformers gives for all-MiniLM-L6-v2.

        The encoder folder (config.json, vocab.txt, model.safetensors) is ~/.cache/vlaterm/all-MiniLM-L6-v2,
        fetched by `scripts/setup.sh` (or `make run`); set VLATERM_TEXT_ENCODER or --encoder to use another.
        A missing or corrupted folder exits with status 2 and says how to fix it.

        Examples:
          vlaterm embed "pick up the red cube and put it in the bin"
          vlaterm embed "open the drawer" --json | jq '.embedding | length'
        """
    )

    @Argument(help: "The text to embed (quote it).")
    var text: String

    @Option(help: "Encoder folder (default: $VLATERM_TEXT_ENCODER or ~/.cache/vlaterm/all-MiniLM-L6-v2).")
    var encoder: String?

    @Flag(help: "Print {\"tokens\": [...], \"ids\": [...], \"embedding\": [...]} on stdout.")
    var json = false

    struct Output: Encodable {
        var tokens: [String]
        var ids: [Int]
        var embedding: [Float]
    }

    func run() throws {
        BLASThreads.configureForInference()
        let enc = try loadTextEncoder(encoder)
        let e = enc.embed(text)
        if json {
            try printJSON(Output(tokens: e.tokens, ids: e.ids, embedding: e.vector))
            return
        }
        let norm = e.vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        note("tokens (\(e.tokens.count)): \(e.tokens.joined(separator: " "))")
        note("embedding: \(e.vector.count) values, norm \(String(format: "%.6f", norm))")
        note("first 8: " + e.vector.prefix(8).map { String(format: "%+.5f", Double($0)) }.joined(separator: " "))
    }
}

/// Loads the text encoder or exits 2 with the error's fix (a missing/corrupt folder is bad input).
func loadTextEncoder(_ path: String?) throws -> TextEncoder {
    do {
        return try TextEncoder(directory: path.map { URL(fileURLWithPath: $0) } ?? TextEncoder.defaultDirectory)
    } catch let e as TextEncoderError {
        note("vlaterm: \(e)")
        throw ExitStatus.badInput
    }
}
