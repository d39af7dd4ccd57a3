// Where everything goes for a given terminal size. Pure, so every size is a snapshot test.

public struct ConsoleLayout: Equatable, Sendable {
    public var banner: Rect
    public var cameraArea: Rect
    /// One slot (with border) per camera shown, in camera order; fewer than the cameras when space is short.
    public var cameraSlots: [Rect]
    public var sidebar: Rect
    public var log: Rect
    public var instruction: Rect

    /// Smallest thumbnail (image cells, inside the border) worth showing.
    public static let minThumbnail = (width: 16, height: 5)

    public init(width: Int, height: Int, cameraCount: Int, imageAspect: Double = 4.0 / 3.0) {
        let all = Rect(x: 0, y: 0, width: width, height: height)
        let (bannerRect, rest) = all.splitTop(1)
        let (aboveInstr, instr) = rest.splitBottom(1)
        let logRows = min(max(height / 6, 4), 12)
        let (middle, logRect) = aboveInstr.splitBottom(logRows)
        let sideWidth = min(max(width * 3 / 10, 30), 46)
        let (cams, side) = middle.splitRight(width >= 60 ? sideWidth : 0)
        banner = bannerRect; instruction = instr; log = logRect; sidebar = side; cameraArea = cams
        cameraSlots = ConsoleLayout.arrange(cameraCount, in: cams, imageAspect: imageAspect)
    }

    /// Shows as many cameras as fit at a useful size, in the grid that makes them largest.
    static func arrange(_ n: Int, in area: Rect, imageAspect: Double) -> [Rect] {
        guard n > 0, !area.isEmpty else { return [] }
        let iw = Int((imageAspect * 72).rounded()), ih = 72
        for k in stride(from: n, through: 1, by: -1) {
            var best: (area: Int, slots: [Rect])?
            for cols in 1...k {
                let rows = (k + cols - 1) / cols
                let rowHeight = area.height / rows
                guard rowHeight >= 3 else { continue }
                var slots: [Rect] = []
                for r in 0..<rows {
                    let inRow = min(cols, k - r * cols)
                    let rowRect = Rect(x: area.x, y: area.y + r * rowHeight, width: area.width,
                                       height: r == rows - 1 ? area.height - r * rowHeight : rowHeight)
                    slots += rowRect.columns(inRow).map { $0 }
                }
                let fits = slots.map { fitImage(imageWidth: iw, imageHeight: ih, in: $0.inset(1)) }
                guard let smallest = fits.min(by: { $0.width * $0.height < $1.width * $1.height }),
                      smallest.width >= minThumbnail.width, smallest.height >= minThumbnail.height else { continue }
                let a = smallest.width * smallest.height
                if a > (best?.area ?? -1) { best = (a, slots) }
            }
            if let best { return best.slots }
        }
        // Nothing reaches the minimum: one camera in whatever space there is.
        return [area]
    }
}
