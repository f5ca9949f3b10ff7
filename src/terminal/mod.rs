//! The terminal: the kiosk's own Slint platform on DRM/KMS and libinput, and the pixel it draws.
//!
//! Slint's linuxkms backend would do the same job, but its pixel type is private: every glyph pixel, empty or
//! solid, went through a full blend (most of a text-heavy repaint). Owning the platform gives the renderer our
//! pixel (`pixel`), keeps the buffers mapped, and leaves out what a kiosk never uses (a mouse cursor, keyboard
//! layouts, GPU renderers).

pub mod pixel;

#[cfg(feature = "terminal")]
mod display;
#[cfg(feature = "terminal")]
mod input;
#[cfg(any(feature = "terminal", test))]
mod jobs;
#[cfg(feature = "terminal")]
mod platform;
#[cfg(any(feature = "terminal", test))]
mod pointer;
#[cfg(any(feature = "terminal", test))]
mod swap;

#[cfg(feature = "terminal")]
pub use platform::install;

#[cfg(any(feature = "terminal", test))]
use slint::platform::software_renderer::RenderingRotation;
#[cfg(any(feature = "terminal", test))]
use slint::PhysicalSize;

/// The renderer's rotation and the window's size for a panel of `(width, height)` pixels whose picture is turned
/// `degrees` clockwise (display.rotation).
#[cfg(any(feature = "terminal", test))]
fn window_geometry(
    degrees: u32,
    (width, height): (u32, u32),
) -> Result<(RenderingRotation, PhysicalSize), String> {
    Ok(match degrees {
        0 => (
            RenderingRotation::NoRotation,
            PhysicalSize::new(width, height),
        ),
        90 => (
            RenderingRotation::Rotate90,
            PhysicalSize::new(height, width),
        ),
        180 => (
            RenderingRotation::Rotate180,
            PhysicalSize::new(width, height),
        ),
        270 => (
            RenderingRotation::Rotate270,
            PhysicalSize::new(height, width),
        ),
        other => return Err(format!("display.rotation {other} is not 0, 90, 180 or 270")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panel_turned_a_quarter_gives_a_window_of_swapped_sides() {
        let panel = (1920, 1080);
        for (degrees, size) in [
            (0, (1920, 1080)),
            (90, (1080, 1920)),
            (180, (1920, 1080)),
            (270, (1080, 1920)),
        ] {
            let (_, window) = window_geometry(degrees, panel).expect("a right angle");
            assert_eq!((window.width, window.height), size, "{degrees}°");
        }
        assert!(window_geometry(45, panel).is_err());
    }
}
