// The Swift MiniLM against the real sentence-transformers: identical token ids and cosine ≥ 0.9999 on every
// sentence of the committed fixture (made by scripts/make_text_encoder_fixture.py; no PyTorch needed here).
import Foundation
import XCTest
@testable import Policy
import Tensor

struct ReferenceFixture: Decodable {
    struct Case: Decodable { let text: String; let ids: [Int]; let embedding: [Float] }
    let max_seq_length: Int
    let cases: [Case]

    static func load() throws -> ReferenceFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/minilm_reference.json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// Loaded once for all tests (the weights are 90 MB).
let sharedEncoder: Result<TextEncoder, any Error> = Result { try TextEncoder() }

func loadSharedEncoder() throws -> TextEncoder {
    guard FileManager.default.fileExists(atPath: TextEncoder.defaultDirectory.appendingPathComponent("model.safetensors").path) else {
        throw XCTSkip("all-MiniLM-L6-v2 not fetched: run scripts/setup.sh")
    }
    return try sharedEncoder.get()
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x) * Double(y); na += Double(x) * Double(x); nb += Double(y) * Double(y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}

final class TextEncoderReferenceTests: XCTestCase {
    func testFixtureIsSubstantial() throws {
        let f = try ReferenceFixture.load()
        XCTAssertGreaterThanOrEqual(f.cases.count, 20)
        XCTAssertTrue(f.cases.contains { $0.ids.count == f.max_seq_length }, "a case must hit truncation")
    }

    func testTokenIDsMatchSentenceTransformers() throws {
        let enc = try loadSharedEncoder()
        let f = try ReferenceFixture.load()
        XCTAssertEqual(enc.maxSequenceLength, f.max_seq_length)
        for c in f.cases {
            let ids = enc.tokenize(c.text)
            XCTAssertEqual(ids, c.ids, "tokens of \(c.text.debugDescription): \(ids.map(enc.tokenizer.token))")
        }
    }

    func testEmbeddingsMatchSentenceTransformers() throws {
        let enc = try loadSharedEncoder()
        let f = try ReferenceFixture.load()
        var worst = 1.0
        for c in f.cases {
            let e = enc.embed(c.text)
            XCTAssertEqual(e.vector.count, 384)
            let cos = cosine(e.vector, c.embedding)
            worst = min(worst, cos)
            XCTAssertGreaterThanOrEqual(cos, 0.9999, "cosine for \(c.text.debugDescription)")
            let norm = e.vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(norm, 1, accuracy: 1e-5)
        }
        print("MiniLM reference: worst cosine \(worst) over \(f.cases.count) sentences")
    }

    func testBatchWithPaddingEqualsOneByOne() throws {
        let enc = try loadSharedEncoder()
        let texts = ["open the drawer", "pick up the red cube and put it in the bin", "Stop!"]
        let batch = enc.embed(texts)
        for (t, b) in zip(texts, batch) {
            let single = enc.embed(t)
            XCTAssertEqual(b.ids, single.ids)
            XCTAssertGreaterThan(cosine(b.vector, single.vector), 0.99999, t)
        }
        // Different instructions give clearly different vectors; paraphrases are closer than unrelated text.
        let e = enc.embed(["put the red cube in the bin", "place the crimson block into the bin", "what a lovely sunny day"])
        XCTAssertGreaterThan(cosine(e[0].vector, e[1].vector), cosine(e[0].vector, e[2].vector) + 0.2)
    }

    func testTwoThreadsGiveTheSameEmbeddingBitForBit() throws {
        // With 2 threads the linear layers are split by output columns into the same 1-thread products.
        let enc = try loadSharedEncoder()
        let f = try ReferenceFixture.load()
        let texts = f.cases.prefix(8).map(\.text)
        let one = enc.embed(texts).map(\.vector)
        let saved = blasThreadCount
        BLASThreads.configureForInference(threads: 2)
        defer { KernelThreads.set(1); BLASThreads.set(saved) }
        XCTAssertEqual(KernelThreads.count, 2)
        XCTAssertEqual(enc.embed(texts).map(\.vector), one)
    }
}
