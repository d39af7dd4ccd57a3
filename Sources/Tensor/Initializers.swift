// Parameter initialisation with a caller-supplied generator (seeded in training, for determinism).
import Foundation

extension Tensor {
    /// Uniform in [−bound, bound].
    public static func uniform(_ shape: [Int], bound: Float, using rng: inout some RandomNumberGenerator,
                               requiresGrad: Bool = true) -> Tensor {
        let data = (0..<shape.elementCount).map { _ in Float.random(in: -bound...bound, using: &rng) }
        return Tensor(shape: shape, data: data, requiresGrad: requiresGrad)
    }

    /// Normal(0, std²) by Box–Muller.
    public static func normal(_ shape: [Int], std: Float, using rng: inout some RandomNumberGenerator,
                              requiresGrad: Bool = true) -> Tensor {
        let data = (0..<shape.elementCount).map { _ -> Float in
            let u1 = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &rng)
            let u2 = Double.random(in: 0..<1, using: &rng)
            return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)) * std
        }
        return Tensor(shape: shape, data: data, requiresGrad: requiresGrad)
    }

    /// PyTorch's default for Linear/Conv weights (kaiming-uniform with a = √5): U(±1/√fanIn).
    /// fanIn = C for a (OC, C) linear weight, C·KH·KW for a conv weight. Use the same bound for the bias.
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, using rng: inout some RandomNumberGenerator) -> Tensor {
        uniform(shape, bound: 1 / Float(max(fanIn, 1)).squareRoot(), using: &rng)
    }
}
