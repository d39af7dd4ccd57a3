// BERT's BasicTokenizer, as the Hugging Face tokenizers (BertNormalizer + BertPreTokenizer) run it for
// all-MiniLM-L6-v2 (do_lower_case, tokenize_chinese_chars, strip_accents following lower-casing):
//   1. clean: drop NUL, U+FFFD and control/format characters (Unicode C*, except \t \n \r); whitespace → ' '
//   2. put spaces around CJK ideographs so each becomes its own word
//   3. strip accents: NFD, then drop non-spacing marks (Mn)
//   4. lower-case
//   5. split on whitespace, and split every punctuation character (Unicode P* or ASCII symbol) into its own word.
// Everything works on Unicode scalars, which is what both reference implementations call characters.
import Foundation

enum BasicTokenizer {
    /// Words and punctuation marks of `text`, normalised, in order.
    static func split(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || isControl(s) { continue }
            if isWhitespace(s) { cleaned.append(" "); continue }
            if isCJK(s) { cleaned.append(" "); cleaned.append(s); cleaned.append(" "); continue }
            cleaned.append(s)
        }
        // NFD then drop Mn marks; lower-case each remaining scalar.
        let decomposed = String(cleaned).decomposedStringWithCanonicalMapping
        var normal = String.UnicodeScalarView()
        for s in decomposed.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
            normal.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
        }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() { if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() } }
        for s in normal {
            if isWhitespace(s) { flush(); continue }
            if isPunctuation(s) { flush(); words.append(String(Character(s))); continue }
            current.append(s)
        }
        flush()
        return words
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    /// Control and other C* characters, except the three whitespace controls (which become spaces).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// BERT's punctuation: every ASCII non-alphanumeric printable (so $ + < = > ^ ` | ~ count) or Unicode P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT spaces out (not Hiragana, Katakana or Hangul).
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }
}
