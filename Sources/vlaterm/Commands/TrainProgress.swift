// Terminal feedback for `vlaterm train`: a one-line progress bar (steps/s, loss, ETA) redrawn on stderr,
// and the loss curve drawn as an ASCII plot when training ends.
import Foundation

struct TrainProgressBar {
    let total: Int
    let startStep: Int
    let started = Date()
    var lastDraw = Date.distantPast

    init(total: Int, startStep: Int) { self.total = total; self.startStep = startStep }

    /// Exponential moving averages, so the line shows the trend rather than one batch's noise.
    private var smoothLoss: Float?, smoothAux: Float?

    mutating func update(step: Int, loss: Float, auxiliary: Float? = nil, force: Bool = false) {
        smoothLoss = smoothLoss.map { 0.95 * $0 + 0.05 * loss } ?? loss
        if let auxiliary { smoothAux = smoothAux.map { 0.95 * $0 + 0.05 * auxiliary } ?? auxiliary }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.5 else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let rate = Double(step - startStep) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - step) / rate : 0
        let width = 30, filled = total > 0 ? width * step / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let aux = smoothAux.map { String(format: "  aux %.4f", Double($0)) } ?? ""
        let line = String(format: "\r%@ %d/%d  %.2f steps/s  loss %.4f%@  ETA %@   ", bar, step, total, rate,
                          Double(smoothLoss ?? loss), aux, Self.duration(eta))
        FileHandle.standardError.write(Data(line.utf8))
    }

    mutating func finish() { FileHandle.standardError.write(Data("\n".utf8)) }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}

enum LossPlot {
    /// The loss per step averaged into `width` buckets and drawn `height` rows tall on a log-free linear axis.
    static func render(_ losses: [Float], width: Int = 60, height: Int = 12) -> String {
        guard !losses.isEmpty else { return "(no steps)" }
        let cols = min(width, losses.count)
        let buckets: [Float] = (0..<cols).map { c in
            let lo = c * losses.count / cols, hi = max(lo + 1, (c + 1) * losses.count / cols)
            return losses[lo..<hi].reduce(0, +) / Float(hi - lo)
        }
        let top = buckets.max() ?? 1, bottom = buckets.min() ?? 0
        let span = max(top - bottom, 1e-9)
        var rows = [[Character]](repeating: [Character](repeating: " ", count: cols), count: height)
        for (c, v) in buckets.enumerated() {
            let r = Int(((top - v) / span * Float(height - 1)).rounded())
            rows[min(max(r, 0), height - 1)][c] = "•"
        }
        var out = ""
        for (i, row) in rows.enumerated() {
            let label = i == 0 ? String(format: "%8.4f ┤", Double(top)) : i == height - 1 ? String(format: "%8.4f ┤", Double(bottom)) : "         │"
            out += label + String(row) + "\n"
        }
        out += "         └" + String(repeating: "─", count: cols) + "\n"
        out += "          step 1" + String(repeating: " ", count: max(1, cols - 6 - String(losses.count).count - 5)) + "step \(losses.count)\n"
        return out
    }
}
