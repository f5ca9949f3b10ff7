//! Storing and sending applications in words: the pages, the package, the check code, the outbox and its
//! exports, and a waiting package's trouble as technicians read it.

use super::{with_detail, ForTechnicians};
use crate::app::failure::{ExportFailure, StoreFailure};
use crate::outbox::crypto::CryptoErrorKind;
use crate::outbox::lock::LockErrorKind;
use crate::outbox::transfer::{TransferError, TransferErrorKind};
use crate::outbox::{Entry, OutboxError, OutboxErrorKind, State};
use crate::package::check_code::NoRandomness;
use crate::package::pages::PageErrorKind;
use crate::package::PackageError;

/// A captured page that cannot be used.
pub fn page_error(kind: PageErrorKind) -> &'static str {
    match kind {
        PageErrorKind::Decode => "拍摄的图像无法读取",
        PageErrorKind::Encode => "图像无法压缩",
    }
}

pub fn package_error(error: &PackageError) -> String {
    match error {
        PackageError::Incomplete => "申请尚未完成，不能生成申报材料包".into(),
        PackageError::MissingMaterial(name) => format!("材料“{name}”既没有拍摄，也没有选择容缺"),
        PackageError::Page(e) => page_error(e.kind()).into(),
    }
}

/// The OS's random source failed (one kind of error: its type says it).
pub const NO_RANDOMNESS: &str = "系统随机数不可用，不能生成查询码";

pub fn outbox_error(kind: OutboxErrorKind) -> &'static str {
    match kind {
        OutboxErrorKind::Database => "申报材料存储出错",
        OutboxErrorKind::Disk => "申报材料无法写入磁盘",
        OutboxErrorKind::DiskFull => "磁盘空间不足，暂停受理新的申请",
        OutboxErrorKind::Crypto(kind) => crypto_error(kind),
        OutboxErrorKind::KeyLost => {
            "设备密钥丢失，暂停受理新的申请，待发送的申请无法解密。请恢复原密钥文件后重启，或由维护人员处理"
        }
        OutboxErrorKind::Unreadable => "申报材料包内容无法读取",
        OutboxErrorKind::NotFound => "没有这个申报材料包",
        OutboxErrorKind::Duplicate => "这个申报材料包已经在本机",
        OutboxErrorKind::Lock(LockErrorKind::Busy) => {
            "数据目录正被另一个程序使用：通常是正在运行的自助终端"
        }
        OutboxErrorKind::Lock(LockErrorKind::Io) => "数据目录的锁文件打不开",
        OutboxErrorKind::ForeignOwner => {
            "数据目录属于另一个用户：请以该用户运行（例如 sudo -u kiosk kiosk …），以免留下该用户读不了的文件"
        }
    }
}

/// For technicians: the words, then the technical detail.
pub fn outbox_error_detailed(error: &OutboxError) -> String {
    with_detail(outbox_error(error.kind()), error)
}

impl ForTechnicians for OutboxError {
    fn for_technicians(&self) -> String {
        outbox_error_detailed(self)
    }
}

fn crypto_error(kind: CryptoErrorKind) -> &'static str {
    match kind {
        CryptoErrorKind::NoKey => "设备密钥不存在或是空的",
        CryptoErrorKind::KeyFile => "设备密钥文件不能使用",
        CryptoErrorKind::Corrupt => "加密数据已损坏或不属于本设备",
    }
}

pub fn transfer_error(kind: TransferErrorKind) -> &'static str {
    match kind {
        TransferErrorKind::Recipient => "导出公钥无效（应为 age1… 开头的 X25519 公钥）",
        TransferErrorKind::Identity => "解密身份文件无效",
        TransferErrorKind::Io => "文件读写出错",
        TransferErrorKind::Seal => "加密失败",
        TransferErrorKind::Outbox(kind) => outbox_error(kind),
    }
}

/// For technicians: the words, then the technical detail.
pub fn transfer_error_detailed(error: &TransferError) -> String {
    with_detail(transfer_error(error.kind()), error)
}

impl ForTechnicians for TransferError {
    fn for_technicians(&self) -> String {
        transfer_error_detailed(self)
    }
}

impl ForTechnicians for PackageError {
    fn for_technicians(&self) -> String {
        with_detail(&package_error(self), self)
    }
}

impl ForTechnicians for NoRandomness {
    fn for_technicians(&self) -> String {
        with_detail(NO_RANDOMNESS, self)
    }
}

/// Why a submitted application was not stored, for the applicant (no technical detail).
pub fn store_failure(failure: &StoreFailure) -> String {
    match failure {
        StoreFailure::Paused(_) => "本机正在维护，暂时不能保存申请".into(),
        StoreFailure::Outbox(e) => outbox_error(e.kind()).into(),
        StoreFailure::CheckCode(_) => NO_RANDOMNESS.into(),
        StoreFailure::Package(e) => package_error(e),
    }
}

/// Why 导出到U盘 did not export, for technicians.
pub fn export_failure(failure: &ExportFailure) -> String {
    match failure {
        ExportFailure::NoStick => "没有发现U盘：请插入U盘，等它出现后再试".into(),
        ExportFailure::Outbox(e) => format!("导出失败：{}", outbox_error_detailed(e)),
        ExportFailure::Transfer(e) => format!("导出失败：{}", transfer_error_detailed(e)),
    }
}

/// What holds a waiting package back, for technicians (`kiosk outbox list`): the outbox keeps the kind of trouble
/// as the package's state and its technical detail as the last error.
pub fn package_problem(entry: &Entry) -> Option<String> {
    let detail = entry.last_error.as_deref()?;
    let words = match entry.state {
        State::Delivered => return None,
        State::Damaged => "本机存储的材料包已损坏",
        State::Refused => "受理系统拒收，不再自动重试",
        State::Queued => "发送失败，将自动重试",
    };
    Some(with_detail(words, &detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(state: State, last_error: &str) -> Entry {
        Entry {
            package_id: "p".into(),
            receipt_no: "XX-KIOSK-01-20261128-0001".into(),
            created_at: "2026-11-28T10:15:00+08:00".into(),
            state,
            attempts: 1,
            last_error: Some(last_error.into()),
            next_try_at: 0,
            files: 2,
            bytes: 10,
            test: false,
        }
    }

    /// The state is the kind of trouble the outbox keeps; technicians read it in words, then the detail.
    #[test]
    fn a_waiting_packages_trouble_in_words() {
        let damaged = entry(State::Damaged, "stored package unreadable: index.enc");
        assert_eq!(
            package_problem(&damaged).as_deref(),
            Some("本机存储的材料包已损坏（stored package unreadable: index.enc）")
        );
        let refused = entry(
            State::Refused,
            "the back office refuses this kiosk (401 bad_signature)",
        );
        assert!(package_problem(&refused)
            .unwrap()
            .starts_with("受理系统拒收"));
        let delivered = entry(State::Delivered, "old");
        assert_eq!(package_problem(&delivered), None);
    }

    #[test]
    fn the_outboxs_kinds_read_as_before() {
        assert_eq!(
            outbox_error(OutboxErrorKind::DiskFull),
            "磁盘空间不足，暂停受理新的申请"
        );
        assert!(outbox_error(OutboxErrorKind::KeyLost).starts_with("设备密钥丢失"));
        assert_eq!(
            transfer_error(TransferErrorKind::Outbox(OutboxErrorKind::Unreadable)),
            "申报材料包内容无法读取"
        );
    }
}
