//! Printing from the screens. A receipt becomes ESC/POS bytes for the configured paper and goes to the printer
//! through the device service, which asks the printer's state before every print: paper near its end still prints
//! (and the printer's health tells technicians); paper out, cover open or offline does not, and then the screen
//! shows the receipt as a QR code instead. A print that did not happen is never reported as done.

use chrono::Local;

use super::done::DoneInfo;
use super::failure::PrintFailure;
use super::{words, App};
use crate::receipts::{NoticeSlip, Receipt};

/// Whether a receipt printed, and if not, why.
pub type Printed = Result<(), PrintFailure>;

impl App {
    /// Sends `receipt` to the printer; `done` learns on the UI thread whether it printed. An `Err` here means
    /// nothing was sent (no printer configured, the receipt could not be encoded) and `done` will not be called.
    pub fn print(
        &self,
        receipt: &Receipt,
        done: impl FnOnce(&mut App, Printed) + Send + 'static,
    ) -> Result<(), PrintFailure> {
        // (Handed to the printer task, which zeroes them once printed.)
        let bytes = receipt.escpos(self.paper)?;
        let Some(service) = &self.devices.service else {
            return Err(PrintFailure::NoPrinter);
        };
        let epoch = self.epoch;
        self.tasks.spawn(
            &service.handle(),
            service.printing().print(bytes),
            move |app, result| {
                if let Err(e) = &result {
                    tracing::warn!(error = %e, "receipt not printed");
                }
                // The screen has moved on (the visitor left, went back, looked up another): the note is not theirs.
                if app.epoch == epoch {
                    done(app, result.map(|_| ()).map_err(PrintFailure::from))
                }
            },
        );
        Ok(())
    }

    /// 打印告知单, from the notice step or a guide: the merged materials of the chosen set.
    pub fn print_notice(&mut self) {
        self.print_qr = None;
        let Some(slip) =
            NoticeSlip::of(&self.session, &self.center_name, Local::now().naive_local())
        else {
            self.print_note = "请先选择事项".into();
            return;
        };
        let screen_text = slip.screen_text();
        let failed = move |app: &mut App, why: PrintFailure| {
            let why = words::print_failure(&why);
            app.print_note = format!(
                "告知单没有打印出来（{why}）。请用手机扫描下方二维码保存告知单，或到窗口领取。"
            );
            app.print_qr = Some(screen_text);
        };
        let failed_now = failed.clone();
        match self.print(&slip.document(), move |app, printed| match printed {
            Ok(()) => app.print_note = "告知单已打印，请在出纸口取走。".into(),
            Err(why) => failed(app, why),
        }) {
            Ok(()) => self.print_note = "正在打印告知单…".into(),
            Err(why) => failed_now(self, why),
        }
    }

    /// Prints the acceptance receipt for the done page, which says whether it printed; if it did not, the page's
    /// QR code becomes the receipt itself.
    pub(super) fn print_receipt(&self, done: &mut DoneInfo) {
        let document = done.receipt.document();
        let sent = self.print(&document, |app, printed| {
            if let Some(done) = app.done.as_mut() {
                match printed {
                    Ok(()) => done.printed(),
                    Err(why) => done.not_printed(&words::print_failure(&why)),
                }
            }
        });
        match sent {
            Ok(()) => done.print_note = "正在打印回执…".into(),
            Err(why) => done.not_printed(&words::print_failure(&why)),
        }
    }
}
