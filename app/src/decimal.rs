//! Coordinates written into SVG attributes, with one decimal.

use std::fmt;

/// `format!("{:.1}", v)` without its exact-decimal slow path: many coordinates send
/// Rust's exact formatting to Dragon4, which was a tenth of `/mesh`'s server time.
/// Rounded to tenths, half away from zero (a tenth of a pixel either way).
pub struct D1(pub f64);

impl fmt::Display for D1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if !tenths.is_finite() || tenths.abs() > 1e15 {
            return write!(f, "{:.1}", self.0);
        }
        let tenths = tenths as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.unsigned_abs();
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::D1;

    #[test]
    fn one_decimal_as_svg_reads_it() {
        let table = [
            (0.0, "0.0"),
            (12.0, "12.0"),
            (37.5, "37.5"),
            (12.25, "12.3"),
            (-3.04, "-3.0"),
            (-0.04, "0.0"),
            (1234.56, "1234.6"),
        ];
        for (value, want) in table {
            assert_eq!(D1(value).to_string(), want, "{value}");
        }
        assert_eq!(D1(f64::NAN).to_string(), "NaN");
    }
}
