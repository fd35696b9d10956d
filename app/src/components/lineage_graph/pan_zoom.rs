//! The camera over a lineage graph: where the frame looks and at what scale. The svg is
//! drawn once at its natural size and moved by a CSS transform, so a pan or a zoom is
//! a compositor step, not a repaint of every node: a point `p` of the graph is at
//! `t + (p + PAD) * scale` in the frame, in CSS pixels. What depends on the scale and
//! costs a style pass over every label (the level of detail) follows `settled`, which
//! catches up once the wheel has been still for a moment.

use leptos::prelude::*;

use super::{H, PAD, W};

/// How much a node shows at a zoom level: every label is drawn only where it is at
/// least 11 CSS px on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Names (13 px) and the type line (11 px).
    Full,
    /// Names only.
    Names,
    /// Boxes, with the names of groups and the focus kept legible.
    Boxes,
}

#[derive(Clone, Copy)]
pub struct Camera {
    pub tx: RwSignal<f64>,
    pub ty: RwSignal<f64>,
    pub scale: RwSignal<f64>,
    /// The scale once zooming has paused: what the level of detail follows.
    pub settled: RwSignal<f64>,
    /// While the pointer is over the graph, the svg is its own compositor layer, so a
    /// pan or zoom step moves a picture instead of painting every node again. A zoom
    /// that comes to rest drops the layer, so the graph is painted once, sharp, at the
    /// scale it rests at.
    pub layered: RwSignal<bool>,
    /// A wheel zoom is under way. Chromium lays out every SVG text again whenever the
    /// scale of its ancestors changes (its glyphs depend on the size on screen), which
    /// costs over 100 ms a step at 2,000 nodes; labels are hidden while the scale moves
    /// and come back, at the level of detail for the new scale, once it settles.
    pub zooming: RwSignal<bool>,
    /// Bumped by each wheel step, so only the last one's timer settles the scale.
    wheel_ticks: StoredValue<u64>,
    /// The frame's size once hydrated; None while the graph is a static picture.
    pub frame: RwSignal<Option<(f64, f64)>>,
    /// Where a drag began (pointer x, y, tx, ty), and whether it moved.
    drag: StoredValue<Option<(f64, f64, f64, f64)>>,
    dragged: StoredValue<bool>,
    frame_ref: NodeRef<leptos::html::Div>,
    /// The graph's size with its padding.
    width: f64,
    height: f64,
}

impl Camera {
    pub fn new(frame_ref: NodeRef<leptos::html::Div>, width: f64, height: f64) -> Camera {
        Camera {
            tx: RwSignal::new(0.0),
            ty: RwSignal::new(0.0),
            scale: RwSignal::new(1.0),
            settled: RwSignal::new(1.0),
            layered: RwSignal::new(false),
            zooming: RwSignal::new(false),
            wheel_ticks: StoredValue::new(0),
            frame: RwSignal::new(None),
            drag: StoredValue::new(None),
            dragged: StoredValue::new(false),
            frame_ref,
            width,
            height,
        }
    }

    /// The svg's CSS transform; none until hydrated.
    pub fn transform(&self) -> String {
        if self.frame.get().is_none() {
            return String::new();
        }
        format!("transform: translate({:.2}px, {:.2}px) scale({:.4})", self.tx.get(), self.ty.get(), self.scale.get())
    }

    pub fn level(&self) -> Level {
        let s = self.settled.get();
        if s >= 0.999 {
            Level::Full
        } else if s >= 0.85 {
            Level::Names
        } else {
            Level::Boxes
        }
    }

    /// The frame's size, read from the page.
    fn measure(&self) -> Option<(f64, f64)> {
        let frame = self.frame_ref.get_untracked()?;
        let (w, h) = (f64::from(frame.client_width()), f64::from(frame.client_height()));
        (w > 0.0 && h > 0.0).then_some((w, h))
    }

    /// Actual size, with the node at `at` (its top-left corner) in the middle of the
    /// frame, as far as the graph reaches.
    pub fn open_at(&self, at: Option<(f64, f64)>) {
        let Some((w, h)) = self.measure() else { return };
        self.frame.set(Some((w, h)));
        self.set_scale(1.0);
        let (x, y) = at.unwrap_or((0.0, 0.0));
        let centre = |frame: f64, content: f64, p: f64, size: f64| {
            if content <= frame {
                0.0
            } else {
                (frame / 2.0 - PAD - p - size / 2.0).clamp(frame - content, 0.0)
            }
        };
        self.tx.set(centre(w, self.width, x, W));
        self.ty.set(centre(h, self.height, y, H));
    }

    /// The whole graph in the frame (never larger than actual size).
    pub fn fit(&self) {
        let Some((w, h)) = self.measure() else { return };
        self.frame.set(Some((w, h)));
        self.set_scale((w / self.width).min(h / self.height).min(1.0));
        self.tx.set(0.0);
        self.ty.set(0.0);
    }

    /// Centres the frame on a point of the graph, at the current scale.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn centre_on(&self, x: f64, y: f64) {
        let Some((w, h)) = self.frame.get_untracked() else { return };
        let s = self.scale.get_untracked();
        self.tx.set(w / 2.0 - (x + PAD) * s);
        self.ty.set(h / 2.0 - (y + PAD) * s);
    }

    /// The part of the graph the frame shows: (x, y, width, height) in graph units.
    pub fn visible(&self) -> Option<(f64, f64, f64, f64)> {
        let (w, h) = self.frame.get()?;
        let (tx, ty, s) = (self.tx.get(), self.ty.get(), self.scale.get());
        Some((-tx / s - PAD, -ty / s - PAD, w / s, h / s))
    }

    fn set_scale(&self, scale: f64) {
        self.scale.set(scale);
        self.settled.set(scale);
    }

    /// A pointer position relative to the frame.
    fn local(&self, client_x: f64, client_y: f64) -> Option<(f64, f64)> {
        let frame = self.frame_ref.get_untracked()?;
        let rect = frame.get_bounding_client_rect();
        Some((client_x - rect.left(), client_y - rect.top()))
    }

    pub fn on_wheel(&self, ev: leptos::ev::WheelEvent) {
        if self.frame.get_untracked().is_none() {
            return;
        }
        ev.prevent_default();
        let Some((qx, qy)) = self.local(f64::from(ev.client_x()), f64::from(ev.client_y())) else { return };
        let old = self.scale.get_untracked();
        let new = (old * if ev.delta_y() < 0.0 { 1.2 } else { 1.0 / 1.2 }).clamp(0.05, 4.0);
        let f = new / old;
        self.tx.set(qx - (qx - self.tx.get_untracked()) * f);
        self.ty.set(qy - (qy - self.ty.get_untracked()) * f);
        self.scale.set(new);
        self.layered.set(true);
        if !self.zooming.get_untracked() {
            self.zooming.set(true);
        }
        // The level of detail catches up when the wheel pauses.
        let tick = self.wheel_ticks.get_value() + 1;
        self.wheel_ticks.set_value(tick);
        let camera = *self;
        set_timeout(
            move || {
                if camera.wheel_ticks.get_value() == tick {
                    camera.settled.set(camera.scale.get_untracked());
                    camera.zooming.set(false);
                    // A drag keeps its layer; otherwise the graph is painted once, sharp,
                    // and layered again for the next gesture.
                    if camera.drag.get_value().is_none() {
                        camera.layered.set(false);
                        set_timeout(move || camera.layered.set(true), std::time::Duration::from_millis(120));
                    }
                }
            },
            std::time::Duration::from_millis(160),
        );
    }

    pub fn on_down(&self, ev: leptos::ev::PointerEvent) {
        if self.frame.get_untracked().is_none() {
            return;
        }
        self.dragged.set_value(false);
        self.layered.set(true);
        self.drag.set_value(Some((
            f64::from(ev.client_x()),
            f64::from(ev.client_y()),
            self.tx.get_untracked(),
            self.ty.get_untracked(),
        )));
    }

    pub fn on_move(&self, ev: leptos::ev::PointerEvent) {
        if let Some((x0, y0, tx0, ty0)) = self.drag.get_value() {
            let (dx, dy) = (f64::from(ev.client_x()) - x0, f64::from(ev.client_y()) - y0);
            if dx.abs() + dy.abs() > 4.0 {
                self.dragged.set_value(true);
            }
            self.tx.set(tx0 + dx);
            self.ty.set(ty0 + dy);
        }
    }

    /// The pointer came over the graph: ready its layer before the first step.
    pub fn on_enter(&self) {
        if self.frame.get_untracked().is_some() {
            self.layered.set(true);
        }
    }

    pub fn on_leave(&self) {
        self.layered.set(false);
        self.on_up();
    }

    pub fn on_up(&self) {
        self.drag.set_value(None);
    }

    /// No drag and no zoom going on: hover highlighting, which repaints every node,
    /// waits for this, as nodes slide under a still pointer while the graph moves.
    pub fn is_still(&self) -> bool {
        self.drag.get_value().is_none() && self.scale.get_untracked() == self.settled.get_untracked()
    }

    /// Whether the last press moved the graph (then it is not a click on a node).
    pub fn dragged(&self) -> bool {
        self.dragged.get_value()
    }
}
