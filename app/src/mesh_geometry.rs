//! Where the mesh page draws its edges and their labels. Every edge is a curve bent
//! to its left, so the two directions of a pair bend apart; every label is placed
//! where it overlaps no other label and no project box (along its curve if it can,
//! else in the nearest free place, with a leader line). Pure functions over numbers,
//! tested below.

use crate::decimal::D1;

/// A project box on the page.
pub const BOX_W: f64 = 220.0;
pub const BOX_H: f64 = 60.0;
/// A label's height, and the width of one character at its 12 px font.
const LABEL_H: f64 = 18.0;
const CHAR_W: f64 = 7.0;
const MARGIN: f64 = 3.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w + MARGIN
            && other.x < self.x + self.w + MARGIN
            && self.y < other.y + other.h + MARGIN
            && other.y < self.y + self.h + MARGIN
    }
}

/// One drawn edge: its path, its label's box, and where a leader line joins the label
/// to its curve when the label could not sit on it.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgeShape {
    pub path: String,
    pub label: Rect,
    pub leader: Option<(f64, f64, f64, f64)>,
}

/// Where a ray from the centre of a box towards `(dx, dy)` leaves it.
fn exit(cx: f64, cy: f64, dx: f64, dy: f64) -> (f64, f64) {
    let tx = if dx.abs() > 1e-9 { (BOX_W / 2.0) / dx.abs() } else { f64::INFINITY };
    let ty = if dy.abs() > 1e-9 { (BOX_H / 2.0) / dy.abs() } else { f64::INFINITY };
    let t = tx.min(ty);
    (cx + dx * t, cy + dy * t)
}

fn quad(p0: (f64, f64), c: (f64, f64), p2: (f64, f64), t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    (u * u * p0.0 + 2.0 * u * t * c.0 + t * t * p2.0, u * u * p0.1 + 2.0 * u * t * c.1 + t * t * p2.1)
}

/// The shapes of `edges` (indexes into `boxes`, the top-left corners of the project
/// boxes), with `labels` their texts, in order.
pub fn edge_shapes(boxes: &[(f64, f64)], edges: &[(usize, usize)], labels: &[String]) -> Vec<EdgeShape> {
    let occupied_boxes: Vec<Rect> = boxes.iter().map(|&(x, y)| Rect { x, y, w: BOX_W, h: BOX_H }).collect();
    let mut placed: Vec<Rect> = Vec::new();
    edges
        .iter()
        .zip(labels)
        .map(|(&(s, t), text)| {
            let (a, b) = (boxes[s], boxes[t]);
            let (c1, c2) = ((a.0 + BOX_W / 2.0, a.1 + BOX_H / 2.0), (b.0 + BOX_W / 2.0, b.1 + BOX_H / 2.0));
            let (dx, dy) = (c2.0 - c1.0, c2.1 - c1.1);
            let length = (dx * dx + dy * dy).sqrt().max(1.0);
            // Bent to the left of its direction: A->B and B->A never share a curve.
            let bend = (length * 0.18).clamp(30.0, 140.0);
            let (nx, ny) = (dy / length, -dx / length);
            let control = ((c1.0 + c2.0) / 2.0 + nx * bend, (c1.1 + c2.1) / 2.0 + ny * bend);
            let start = exit(c1.0, c1.1, control.0 - c1.0, control.1 - c1.1);
            let end = exit(c2.0, c2.1, control.0 - c2.0, control.1 - c2.1);
            let path = format!(
                "M{} {} Q{} {} {} {}",
                D1(start.0),
                D1(start.1),
                D1(control.0),
                D1(control.1),
                D1(end.0),
                D1(end.1)
            );
            let (w, h) = (text.chars().count() as f64 * CHAR_W + 10.0, LABEL_H);
            let free = |r: &Rect, placed: &[Rect]| {
                !placed.iter().any(|p| p.overlaps(r)) && !occupied_boxes.iter().any(|p| p.overlaps(r))
            };
            let at = |(x, y): (f64, f64)| Rect { x: x - w / 2.0, y: y - h / 2.0, w, h };
            let on_curve = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73]
                .into_iter()
                .map(|t| at(quad(start, control, end, t)))
                .find(|r| free(r, &placed));
            let middle = quad(start, control, end, 0.5);
            let (label, leader) = match on_curve {
                Some(r) => (r, None),
                None => {
                    // A spiral out from the middle of the curve always ends in free space.
                    let mut found = at(middle);
                    'search: for ring in 1..2000 {
                        let radius = ring as f64 * 12.0;
                        let steps = 8 + ring * 2;
                        for k in 0..steps {
                            let angle = std::f64::consts::TAU * k as f64 / steps as f64;
                            let r = at((middle.0 + radius * angle.cos(), middle.1 + radius * angle.sin()));
                            if free(&r, &placed) {
                                found = r;
                                break 'search;
                            }
                        }
                    }
                    (found, Some((middle.0, middle.1, found.x + found.w / 2.0, found.y + found.h / 2.0)))
                }
            };
            placed.push(label);
            EdgeShape { path, label, leader }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(n: usize) -> Vec<(f64, f64)> {
        let r = (n as f64 * 330.0 / std::f64::consts::TAU).max(260.0);
        (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                (r + r * a.cos(), r + r * a.sin())
            })
            .collect()
    }

    fn check(boxes: &[(f64, f64)], edges: &[(usize, usize)]) {
        let labels: Vec<String> = edges.iter().map(|(s, t)| format!("{} refs · {} inferred", s * 7, t * 3)).collect();
        let shapes = edge_shapes(boxes, edges, &labels);
        for (i, a) in shapes.iter().enumerate() {
            for b in &shapes[i + 1..] {
                assert!(!a.label.overlaps(&b.label), "labels overlap: {:?} {:?}", a.label, b.label);
            }
            for &(x, y) in boxes {
                assert!(!a.label.overlaps(&Rect { x, y, w: BOX_W, h: BOX_H }), "label over a box");
            }
        }
    }

    #[test]
    fn both_directions_bend_apart() {
        let boxes = [(0.0, 0.0), (500.0, 0.0)];
        let shapes = edge_shapes(&boxes, &[(0, 1), (1, 0)], &["1 refs".into(), "2 refs".into()]);
        assert_ne!(shapes[0].path, shapes[1].path);
        // Bent to opposite sides: the labels sit at least a label's height apart.
        assert!((shapes[0].label.y - shapes[1].label.y).abs() >= 16.0, "{:?}", (shapes[0].label.y, shapes[1].label.y));
    }

    #[test]
    fn labels_never_overlap_each_other_or_boxes() {
        let all = |n: usize| -> Vec<(usize, usize)> {
            (0..n).flat_map(|s| (0..n).filter(move |&t| t != s).map(move |t| (s, t))).collect()
        };
        check(&circle(5), &all(5));
        check(&circle(12), &all(12));
        check(&[(0.0, 0.0), (375.0, 0.0), (375.0, 144.0), (750.0, 72.0)], &[(0, 1), (0, 2), (1, 3), (2, 3)]);
    }
}
