//! Spoken guidance, as technicians read it: on, or why the 语音 button is not offered.

use crate::speech::{Program, UnavailableKind};

fn program(p: Program) -> &'static str {
    match p {
        Program::Synthesizer => "语音合成程序（speech.command）",
        Program::Player => "播放程序（speech.player）",
    }
}

/// The technician screen's line about speech: `volume` when it works, else why it does not.
pub fn speech_status(unavailable: Option<UnavailableKind>, volume: u8) -> String {
    match unavailable {
        None => format!("语音播报可用，音量 {volume}%（申请人按“语音”开启，长辈模式下默认开启）"),
        Some(UnavailableKind::BadCommand(p)) => {
            format!("语音播报不可用：{}配置有误，请检查 kiosk.toml 的 [speech]", program(p))
        }
        Some(UnavailableKind::NotInstalled(p)) => format!(
            "语音播报不可用：未安装{}。请安装 espeak-ng 和 alsa-utils（apt-get install espeak-ng alsa-utils）",
            program(p)
        ),
        Some(UnavailableKind::NotExecutable(p)) => {
            format!("语音播报不可用：{}不能执行，请检查文件权限", program(p))
        }
        Some(UnavailableKind::NoSoundCard) => {
            "语音播报不可用：本机没有声卡（ALSA 找不到声音设备），请检查音箱或耳机接口的驱动".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_says_what_to_do() {
        assert!(speech_status(None, 70).contains("70%"));
        assert!(
            speech_status(Some(UnavailableKind::NotInstalled(Program::Synthesizer)), 0)
                .contains("apt-get install espeak-ng")
        );
        assert!(speech_status(Some(UnavailableKind::NoSoundCard), 0).contains("没有声卡"));
    }
}
