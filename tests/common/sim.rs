//! The back-office simulator as a child process, a kiosk configuration pointing at it, and small packages that
//! meet the contract.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use kiosk::outbox::Outbox;
use kiosk::package::{sha256_hex, Manifest, Package, PackageFile};

use super::repo_path;

pub const KIOSK: &str = "XX-KIOSK-01";
pub const SECRET: &str = "test-secret-0123";
/// The check code of every package [`small_package`] makes (as printed on its receipt).
pub const CHECK_CODE: &str = "K7M2PQRS";

pub fn kiosk_bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
}

/// `kiosk sim backoffice` on a free port; killed when dropped.
pub struct Sim {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl Sim {
    pub fn start(data: &Path, extra: &[&str]) -> Sim {
        let mut child = kiosk_bin()
            .args(["sim", "backoffice", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(["--kiosk", &format!("{KIOSK}={SECRET}")])
            .arg("--catalog")
            .arg(repo_path("config/catalog"))
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the back-office simulator");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut first)
            .expect("the simulator's address");
        Sim {
            child,
            url: first.trim().to_string(),
            data: data.to_path_buf(),
        }
    }

    fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_string()
    }

    /// Sets the faults in force (the simulator's unsigned control route); plain HTTP only.
    pub fn set_faults(&self, spec: &str) {
        let status = raw_request(&self.address(), "POST", "/_sim/faults", spec.as_bytes());
        assert!(status.starts_with("HTTP/1.1 204"), "{status}");
    }

    /// Tells the face comparison what to answer (`match`, `no_match`, `unusable`, or a list, the last standing).
    pub fn set_face(&self, told: &str) {
        let status = raw_request(&self.address(), "POST", "/_sim/face", told.as_bytes());
        assert!(status.starts_with("HTTP/1.1 204"), "{status}");
    }

    pub fn set_catalog(&self, body: &[u8]) {
        let status = raw_request(&self.address(), "PUT", "/_sim/catalog", body);
        assert!(status.starts_with("HTTP/1.1 204"), "{status}");
    }

    pub fn store(&self) -> kiosk::backoffice::sim::SimStore {
        kiosk::backoffice::sim::SimStore::open(&self.data).expect("the simulator's database")
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn raw_request(address: &str, method: &str, path: &str, body: &[u8]) -> String {
    let mut stream = std::net::TcpStream::connect(address).expect("connect to the simulator");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// A kiosk.toml in `dir` with its data in `dir/data`, talking to `url` with fast retries; `extra` goes into
/// `[backoffice]`.
pub fn kiosk_config(dir: &Path, url: &str, secret: &str, extra: &str) -> PathBuf {
    let shipped = std::fs::read_to_string(repo_path("config/kiosk.toml")).unwrap();
    let mut text = String::new();
    for line in shipped.lines() {
        if line.starts_with("[backoffice]") {
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    let text = text
        .replace(
            "catalog = \"catalog\"",
            &format!("catalog = \"{}\"", repo_path("config/catalog").display()),
        )
        .replace("data_dir = \"../data\"", "data_dir = \"data\"");
    let timeout = if extra.contains("timeout_seconds") {
        ""
    } else {
        "timeout_seconds = 10\n"
    };
    let text = format!(
        "{text}\n[backoffice]\nurl = \"{url}\"\nsecret = \"{secret}\"\nretry_base_seconds = 1\n\
         retry_max_seconds = 2\n{timeout}{extra}\n"
    );
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The kiosk's signed link to the simulator at `url`, as [`KIOSK`].
pub fn link(url: &str) -> kiosk::backoffice::Link {
    kiosk::backoffice::Link::new(&kiosk::backoffice::LinkSettings {
        url: url.to_string(),
        kiosk_id: KIOSK.into(),
        secret: zeroize::Zeroizing::new(SECRET.into()),
        ca_file: None,
        pin_sha256: None,
        timeout: std::time::Duration::from_secs(10),
    })
    .unwrap()
}

/// A runtime to drive the link from a test.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `kiosk sim backoffice add-staff ID --name N`, the PIN on standard input.
pub fn add_staff(sim: &Sim, id: &str, name: &str, pin: &str) -> Output {
    let mut child = kiosk_bin()
        .args(["sim", "backoffice", "--data"])
        .arg(&sim.data)
        .args(["add-staff", id, "--name", name])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run add-staff");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{pin}\n").as_bytes())
        .expect("the PIN");
    child.wait_with_output().expect("add-staff")
}

/// `kiosk sim backoffice set-status …` on the simulator's data, as window staff would.
pub fn set_status(sim: &Sim, args: &[&str]) -> Output {
    kiosk_bin()
        .args(["sim", "backoffice", "--data"])
        .arg(&sim.data)
        .arg("set-status")
        .args(args)
        .output()
        .expect("run set-status")
}

pub fn run(config: &Path, args: &[&str]) -> Output {
    kiosk_bin()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run kiosk")
}

/// A package meeting the contract, with `pages` made-up JPEG pages of `page_bytes` each and a signature.
pub fn small_package(id: &str, receipt: &str, pages: usize, page_bytes: usize) -> Package {
    let mut files = Vec::new();
    let mut refs = Vec::new();
    for page in 0..pages {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(
            id.bytes()
                .chain((page as u32).to_le_bytes())
                .cycle()
                .take(page_bytes),
        );
        let sha256 = sha256_hex(&bytes);
        refs.push(
            serde_json::json!({"sha256": sha256, "content_type": "image/jpeg",
                                     "bytes": bytes.len(), "page": page + 1}),
        );
        files.push(PackageFile {
            sha256,
            content_type: "image/jpeg",
            bytes,
        });
    }
    let signature = format!("\u{89}PNG signature of {id}").into_bytes();
    let signature_sha = sha256_hex(&signature);
    files.push(PackageFile {
        sha256: signature_sha.clone(),
        content_type: "image/png",
        bytes: signature,
    });
    let manifest: Manifest = serde_json::from_value(serde_json::json!({
        "schema": "one-thing-package/1", "package_id": id, "receipt_no": receipt, "kiosk_id": KIOSK,
        "created_at": "2026-11-28T10:15:00+08:00", "test": false,
        "one_thing": {"code": "3-10", "name": "我要办理退休", "target": "个人", "lead_department": "人社局"},
        "items": [{"code": "3-10-1", "name": "职工正常退休", "department": "人社局"}],
        "answers": [],
        "applicant": {"name": "张三", "id_type": "resident", "id_number": "11010519491231002X", "gender": "男",
                      "nation": "汉", "birth_date": "1949-12-31", "address": "西峡县", "phone": "13800138000"},
        "organisation": null, "form": {"applicant_phone": "13800138000"},
        "materials": [{"key": "hukou", "name": "户口簿", "status": "captured", "reason": "", "files": refs}],
        "commitments": [{"item_code": "3-10-1", "text_sha256": sha256_hex(b"letter"),
                         "signature_sha256": signature_sha}],
        "delivery": {"method": "window", "mode": "together", "address": null},
        "check_code_sha256": sha256_hex(CHECK_CODE.as_bytes())
    }))
    .unwrap();
    Package { manifest, files }
}

/// Queues `count` small packages in the outbox under `data`; returns their ids.
pub fn enqueue(data: &Path, count: usize, pages: usize, page_bytes: usize) -> Vec<String> {
    enqueue_into(&mut Outbox::open(data).unwrap(), count, pages, page_bytes)
}

/// Queues `count` small packages in an outbox this test already holds; returns their ids.
pub fn enqueue_into(
    outbox: &mut Outbox,
    count: usize,
    pages: usize,
    page_bytes: usize,
) -> Vec<String> {
    (0..count)
        .map(|_| {
            let id = uuid::Uuid::new_v4().to_string();
            let receipt = outbox.next_receipt_no(KIOSK, "20261128").unwrap();
            outbox
                .enqueue(&small_package(&id, &receipt, pages, page_bytes))
                .unwrap();
            id
        })
        .collect()
}
