//! Where the mesh matrix draws its cells and labels. The matrix is one SVG rather than
//! a table: a 50-project table is 2,500 cells that Chromium took about 170 ms to lay
//! out before the first paint, while the drawing needs an element only for each edge
//! and each label (the grid and the diagonal are one path each). Pure functions over
//! numbers, tested below.

use crate::{decimal::D1, mesh_geometry::Rect};

/// One cell; wide enough for "12+3i" at the 11 px font.
pub const CELL_W: f64 = 34.0;
pub const CELL_H: f64 = 24.0;
/// The width of one character of a 12 px label, and the longest label drawn whole.
const CHAR_W: f64 = 7.0;
const LABEL_CHARS: usize = 30;
/// The corner's "upstream \ downstream" needs this many, however short the names.
const CORNER_CHARS: usize = 22;
const LABEL_PAD: f64 = 12.0;

/// The matrix's size and where its parts go, for `n` projects with these names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatrixLayout {
    n: usize,
    /// The row labels' column, and the upright column labels' row.
    pub label_w: f64,
    pub header_h: f64,
    pub width: f64,
    pub height: f64,
}

impl MatrixLayout {
    pub fn new(names: &[String]) -> Self {
        let longest = names.iter().map(|n| n.chars().count().min(LABEL_CHARS)).max().unwrap_or(0);
        let label_w = longest.max(CORNER_CHARS) as f64 * CHAR_W + LABEL_PAD;
        let header_h = longest as f64 * CHAR_W + LABEL_PAD;
        let n = names.len();
        MatrixLayout { n, label_w, header_h, width: label_w + n as f64 * CELL_W, height: header_h + n as f64 * CELL_H }
    }

    /// The cell of the upstream project `row` and the downstream project `col`.
    pub fn cell(&self, row: usize, col: usize) -> Rect {
        Rect { x: self.label_w + col as f64 * CELL_W, y: self.header_h + row as f64 * CELL_H, w: CELL_W, h: CELL_H }
    }

    /// Where a row's label ends (it is drawn right-aligned), on its text baseline.
    pub fn row_label(&self, row: usize) -> (f64, f64) {
        (self.label_w - LABEL_PAD / 2.0, self.header_h + (row as f64 + 0.5) * CELL_H + 4.0)
    }

    /// Where a column's upright label starts, at the bottom of the labels' row; the
    /// baseline sits right of the column's middle so the glyphs centre on it.
    pub fn column_label(&self, col: usize) -> (f64, f64) {
        (self.label_w + (col as f64 + 0.5) * CELL_W + 4.0, self.header_h - LABEL_PAD / 2.0)
    }

    /// Every grid line, as one path.
    pub fn grid_path(&self) -> String {
        let (x0, y0) = (self.label_w, self.header_h);
        let mut d = String::new();
        for i in 0..=self.n {
            let y = y0 + i as f64 * CELL_H;
            d.push_str(&format!("M{} {}H{}", D1(x0), D1(y), D1(self.width)));
        }
        for i in 0..=self.n {
            let x = x0 + i as f64 * CELL_W;
            d.push_str(&format!("M{} {}V{}", D1(x), D1(y0), D1(self.height)));
        }
        d
    }

    /// The diagonal's cells (a project and itself), as one path.
    pub fn diagonal_path(&self) -> String {
        (0..self.n)
            .map(|i| {
                let c = self.cell(i, i);
                format!("M{} {}h{CELL_W}v{CELL_H}h-{CELL_W}z", D1(c.x), D1(c.y))
            })
            .collect()
    }
}

/// A label as drawn: whole up to `LABEL_CHARS`, else cut with an ellipsis (the cell's
/// and the label's titles keep the whole name).
pub fn fit_label(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_string()
    } else {
        let mut cut: String = name.chars().take(LABEL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// A cell's text: its refs, then its inferred relations marked `i`.
pub fn cell_text(refs: u64, inferred: u64) -> String {
    match (refs, inferred) {
        (r, 0) => r.to_string(),
        (0, i) => format!("{i}i"),
        (r, i) => format!("{r}+{i}i"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_labels_column_fits_the_longest_name_up_to_a_cap() {
        assert_eq!(MatrixLayout::new(&names(&["ab", "abcd"])).label_w, CORNER_CHARS as f64 * CHAR_W + LABEL_PAD);
        let name = "n".repeat(26);
        assert_eq!(MatrixLayout::new(&names(&["ab", &name])).label_w, 26.0 * CHAR_W + LABEL_PAD);
        // The upright labels' row is only as tall as the longest name.
        assert_eq!(MatrixLayout::new(&names(&["ab", "abcd"])).header_h, 4.0 * CHAR_W + LABEL_PAD);
        let long = "x".repeat(80);
        assert_eq!(MatrixLayout::new(&names(&[&long])).label_w, LABEL_CHARS as f64 * CHAR_W + LABEL_PAD);
    }

    #[test]
    fn cells_tile_the_area_right_of_and_below_the_labels() {
        let m = MatrixLayout::new(&names(&["a", "b", "c"]));
        assert_eq!(m.cell(0, 0).x, m.label_w);
        assert_eq!(m.cell(0, 0).y, m.header_h);
        let last = m.cell(2, 2);
        assert_eq!((last.x + last.w, last.y + last.h), (m.width, m.height));
        assert_eq!(m.cell(1, 2).x - m.cell(1, 1).x, CELL_W);
        assert_eq!(m.cell(2, 1).y - m.cell(1, 1).y, CELL_H);
    }

    #[test]
    fn the_grid_has_a_line_either_side_of_every_row_and_column() {
        let m = MatrixLayout::new(&names(&["a", "b", "c"]));
        assert_eq!(m.grid_path().matches('M').count(), 2 * 4);
        assert_eq!(m.diagonal_path().matches('z').count(), 3);
        assert!(MatrixLayout::new(&[]).diagonal_path().is_empty());
    }

    #[test]
    fn labels_sit_in_their_row_and_column() {
        let m = MatrixLayout::new(&names(&["a", "b"]));
        let (x, y) = m.row_label(1);
        assert!(x < m.label_w && y > m.cell(1, 0).y && y < m.cell(1, 0).y + CELL_H);
        let (x, y) = m.column_label(1);
        assert!(x > m.cell(0, 1).x && x < m.cell(0, 1).x + CELL_W && y < m.header_h);
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        assert_eq!(fit_label("orders"), "orders");
        let cut = fit_label(&"y".repeat(40));
        assert_eq!(cut.chars().count(), LABEL_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn cell_text_counts_refs_and_inferred() {
        for (refs, inferred, text) in [(12, 0, "12"), (0, 3, "3i"), (12, 3, "12+3i"), (0, 0, "0")] {
            assert_eq!(cell_text(refs, inferred), text);
        }
    }
}
