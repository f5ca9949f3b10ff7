//! Signing the commitment letters (告知承诺): each letter read, signed with a finger, saved as a PNG.

use zeroize::Zeroize;

use super::{words, App};
use crate::package::signature::{self, Stroke};

/// The letter being signed and the strokes drawn on it. A signature is personal: cleared with the visit, its
/// points zeroed.
#[derive(Default)]
pub struct SigningState {
    pub index: usize,
    pub strokes: Vec<Stroke>,
}

impl SigningState {
    /// Zeroes the strokes' points and drops them (清除, a letter signed, the visit ended).
    pub fn clear_strokes(&mut self) {
        for stroke in &mut self.strokes {
            for (x, y) in stroke.iter_mut() {
                x.zeroize();
                y.zeroize();
            }
        }
        self.strokes.clear();
    }
}

impl Drop for SigningState {
    fn drop(&mut self) {
        self.clear_strokes();
    }
}

impl App {
    /// Who signs the commitments, in words: the applicant, the company's legal representative, or its agent
    /// (经办人), who signs for the company that authorised them.
    pub fn commitment_signer(&self) -> String {
        use crate::session::Role;
        match self.session.role() {
            Some(Role::Agent) => {
                let company = self.session.form().get("org_name");
                let company = if company.is_empty() {
                    "单位"
                } else {
                    company
                };
                format!("签署人：经办人，受{company}委托签署")
            }
            Some(Role::LegalRepresentative) => "签署人：法定代表人".to_string(),
            Some(Role::Myself) | None => "签署人：申请人本人".to_string(),
        }
    }

    /// The commitment letter of the joint item `item`.
    pub fn commitment_letter(&self, item: &str) -> String {
        self.session
            .chosen()
            .iter()
            .find(|c| c.item.name == item)
            .map(|c| c.item.commitment_letter())
            .unwrap_or_default()
    }

    /// A finger down on the signing area: a new stroke.
    pub fn stroke_start(&mut self, x: f32, y: f32) {
        self.signing.strokes.push(vec![(x, y)]);
        self.step_error.clear();
    }

    /// The finger moved.
    pub fn stroke_to(&mut self, x: f32, y: f32) {
        if let Some(stroke) = self.signing.strokes.last_mut() {
            stroke.push((x, y));
        }
    }

    /// 清除.
    pub fn clear_signature(&mut self) {
        self.signing.clear_strokes();
        self.step_error.clear();
    }

    /// 确认签名: the strokes as a PNG of the signing area's size, then the next letter.
    pub fn confirm_signature(&mut self, width: f32, height: f32) {
        let items = self.session.commitment_items();
        let Some(item) = items.get(self.signing.index) else {
            let _ = self.session.confirm_commitments();
            return;
        };
        if !signature::is_signature(&self.signing.strokes) {
            self.step_error = "请在签名区用手指签上您的姓名".into();
            return;
        }
        let png = signature::to_png(&self.signing.strokes, width as u32, height as u32);
        if let Err(e) = self.session.sign(item, png) {
            self.step_error = words::session_error(&e);
            return;
        }
        self.step_error.clear();
        self.signing.clear_strokes();
        self.signing.index += 1;
        if self.signing.index >= items.len() {
            if let Err(e) = self.session.confirm_commitments() {
                self.step_error = words::session_error(&e);
            }
            self.signing.index = 0;
        }
    }

    /// The strokes as an SVG path for the screen.
    pub fn signature_path(&self) -> String {
        signature::to_path(&self.signing.strokes)
    }
}
