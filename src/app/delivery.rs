//! How results reach the applicant: at the window or by post (with an address typed on the keyboard), all
//! together or each as it is ready.

use zeroize::Zeroizing;

use super::keyboard_mode::KeyboardMode;
use super::typing::{Shown, Target};
use super::{words, App};
use crate::session::{Delivery, DeliveryMethod, DeliveryMode};

/// The choices before they are confirmed. The address is personal: zeroed when dropped or replaced.
pub struct DeliveryDraft {
    pub post: bool,
    pub together: bool,
    pub address: Zeroizing<String>,
}

impl Default for DeliveryDraft {
    fn default() -> Self {
        DeliveryDraft {
            post: false,
            together: true,
            address: Zeroizing::new(String::new()),
        }
    }
}

impl App {
    /// 邮寄 or 到窗口领取. The business or home address on the form is the likeliest postal address.
    pub fn set_post(&mut self, post: bool) {
        self.delivery.post = post;
        if post && self.delivery.address.is_empty() {
            let form = self.session.form();
            let guess = [form.get("business_address"), form.get("applicant_address")]
                .into_iter()
                .find(|a| !a.is_empty())
                .unwrap_or("")
                .to_string();
            self.delivery.address = Zeroizing::new(guess);
        }
    }

    /// 全部办好后一起领取 or 办好一项领取一项.
    pub fn set_together(&mut self, together: bool) {
        self.delivery.together = together;
    }

    /// The postal address chosen for typing.
    pub fn edit_address(&mut self) {
        let address = self.delivery.address.clone();
        let shown = Shown {
            label: "邮寄地址".into(),
            ..Shown::default()
        };
        self.open_keyboard(Target::Address, &address, KeyboardMode::Pinyin, shown);
    }

    /// 下一步 under the delivery choices.
    pub fn confirm_delivery(&mut self) {
        self.typing = None;
        let delivery = Delivery {
            method: if self.delivery.post {
                DeliveryMethod::Post
            } else {
                DeliveryMethod::Window
            },
            mode: if self.delivery.together {
                DeliveryMode::Together
            } else {
                DeliveryMode::Separately
            },
            address: self
                .delivery
                .post
                .then(|| self.delivery.address.to_string()),
        };
        match self.session.set_delivery(delivery) {
            Ok(()) => self.step_error.clear(),
            Err(e) => self.step_error = words::session_error(&e),
        }
    }
}
