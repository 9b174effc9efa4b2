//! Punycode (RFC 3492), just enough to tell whether an `xn--` host label is
//! what a browser would send: the Punycode of a non-ASCII name, which
//! decodes and encodes back to the same label. A label that does not can
//! never match the `Origin` of any page.

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

/// Whether `label` (lowercase, with its `xn--` prefix) is valid Punycode of
/// a name with at least one non-ASCII character.
pub(super) fn is_valid_label(label: &str) -> bool {
    let Some(encoded) = label.strip_prefix("xn--") else {
        return false;
    };
    match decode(encoded) {
        Some(name) => !name.is_ascii() && encode(&name).as_deref() == Some(encoded),
        None => false,
    }
}

/// RFC 3492 section 6.1.
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        T_MIN
    } else if k >= bias + T_MAX {
        T_MAX
    } else {
        k - bias
    }
}

fn digit_value(b: u8) -> Option<u32> {
    match b {
        b'a'..=b'z' => Some(u32::from(b - b'a')),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 26),
        _ => None,
    }
}

fn digit(d: u32) -> char {
    // `d` is below `BASE`: a letter, then a digit.
    match d {
        0..=25 => char::from(b'a' + d as u8),
        _ => char::from(b'0' + (d - 26) as u8),
    }
}

/// RFC 3492 section 6.2, with every overflow a failure.
fn decode(input: &str) -> Option<String> {
    let (basic, extended) = match input.rfind('-') {
        Some(dash) => (&input[..dash], &input[dash + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut bytes = extended.bytes();
    while bytes.len() > 0 {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let d = digit_value(bytes.next()?)?;
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let points = u32::try_from(output.len() + 1).ok()?;
        bias = adapt(i - old_i, points, old_i == 0);
        // `n` starts at `INITIAL_N` and only grows, so RFC 3492's check that
        // it is not a basic code point cannot fail here.
        n = n.checked_add(i / points)?;
        i %= points;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

/// RFC 3492 section 6.3.
fn encode(input: &str) -> Option<String> {
    let chars: Vec<u32> = input.chars().map(u32::from).collect();
    let mut output: String = input.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(output.len()).ok()?;
    if basic > 0 {
        output.push('-');
    }
    let total = u32::try_from(chars.len()).ok()?;
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while handled < total {
        let m = chars.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, is_valid_label};

    #[test]
    fn rfc_3492_and_idna_examples_round_trip() {
        for (name, label) in [
            ("bücher", "bcher-kva"),
            ("münchen", "mnchen-3ya"),
            ("例え", "r8jz45g"),
            ("пример", "e1afmkfd"),
            ("ü", "tda"),
            // RFC 3492, 7.1: long names, whose deltas make `adapt` scale.
            (
                "\u{644}\u{64a}\u{647}\u{645}\u{627}\u{628}\u{62a}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64a}\u{61f}",
                "egbpdaj6bu4bxfgehfvwxn",
            ),
            ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
            ("他們爲什麽不說中文", "ihqwctvzc91f659drss3x8bo0yb"),
            ("почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
            ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ] {
            assert_eq!(decode(label).as_deref(), Some(name), "{label}");
            assert_eq!(encode(name).as_deref(), Some(label), "{name}");
            assert!(is_valid_label(&format!("xn--{label}")), "{label}");
        }
    }

    /// `adapt` divides the damped delta by `BASE - T_MIN` only while it is
    /// above `(BASE - T_MIN) * T_MAX / 2 = 455`: exactly 455 keeps the next
    /// bias at 33, 456 to 481 bring it to 45. Each name below goes on to
    /// encode a code point with that bias, so a wrong bound changes its label.
    #[test]
    fn labels_whose_delta_reaches_the_adapt_threshold_round_trip() {
        for (name, label) in [
            // The delta of the 24th code point handled (basic ones first)
            // damps to exactly 455.
            (
                "thànhphốhồchíminhngườilaođộng",
                "thnhphhchminhngilaong-ozb02a73ak4jgq7xuba7k9d",
            ),
            // The 12th code point handled: 458, just past 455.
            ("nướcmắmvũngtàu", "ncmmvngtu-x1a71mhyag17ysra"),
            // The 5th: 477, just below 481.
            ("đấtnước", "tnc-uqa11fz48j5ka"),
        ] {
            assert_eq!(decode(label).as_deref(), Some(name), "{label}");
            assert_eq!(encode(name).as_deref(), Some(label), "{name}");
            assert!(is_valid_label(&format!("xn--{label}")), "{label}");
        }
    }

    /// A variable-length integer ends at the first digit below its
    /// threshold, so a remainder equal to the threshold still takes a digit
    /// of its own and is followed by an `a` (zero).
    #[test]
    fn a_delta_digit_equal_to_its_threshold_is_not_the_last_digit() {
        // "у" (U+0443), the last code point inserted, has a delta of 26,
        // which is the threshold `T_MAX` there: it is written as the digit
        // "0" (26), then closed by "a" (0).
        assert_eq!(encode("жук").as_deref(), Some("f1ai0a"));
        assert_eq!(decode("f1ai0a").as_deref(), Some("жук"));
        assert!(is_valid_label("xn--f1ai0a"));
    }

    #[test]
    fn labels_that_are_not_the_punycode_of_a_non_ascii_name_are_invalid() {
        for label in [
            "xn--f",
            "xn--",
            "xn--abc-",
            "xn--a-b-c",
            "xn--bcher-kv",
            "xn--bcher-kva-",
            "xn--99999999999",
            "bcher-kva",
            "xn--BCHER-KVA",
        ] {
            assert!(!is_valid_label(label), "{label}");
        }
    }
}
