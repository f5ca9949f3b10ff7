//! Which of the two scan-out buffers is drawn next, and how much of it is still current.
//!
//! The screen shows one buffer while the other is drawn; a page flip swaps them. A buffer that was never drawn
//! must be drawn whole; one that was on screen two frames ago lacks only what changed in the last frame, which
//! Slint's renderer redraws itself when told the buffers are swapped.

use slint::platform::software_renderer::RepaintBufferType;

#[derive(Debug, Default)]
pub struct SwapChain {
    /// Frames since each buffer was last shown (0: never drawn).
    ages: [u8; 2],
    back: usize,
}

impl SwapChain {
    /// The buffer to draw next.
    pub fn back(&self) -> usize {
        self.back
    }

    /// How the renderer must treat the buffer drawn next.
    pub fn repaint(&self) -> RepaintBufferType {
        match self.ages[self.back] {
            0 => RepaintBufferType::NewBuffer,
            1 => RepaintBufferType::ReusedBuffer,
            _ => RepaintBufferType::SwappedBuffers,
        }
    }

    /// The back buffer went to the screen: it is one frame old, the other one frame older.
    pub fn presented(&mut self) {
        for age in &mut self.ages {
            if *age != 0 {
                *age = age.saturating_add(1);
            }
        }
        self.ages[self.back] = 1;
        self.back ^= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_buffer_is_drawn_whole_once_then_only_what_changed_since_it_was_shown() {
        let mut chain = SwapChain::default();
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push((chain.back(), chain.repaint()));
            chain.presented();
        }
        use RepaintBufferType::*;
        assert_eq!(
            seen,
            [
                (0, NewBuffer),
                (1, NewBuffer),
                (0, SwappedBuffers),
                (1, SwappedBuffers),
                (0, SwappedBuffers)
            ]
        );
    }
}
