//! Inputs that are not plain files: devices, FIFOs, pipes, endless stdin, wide encodings.
//!
//! Each run of the binary is bounded in wall time (killed after `TIMEOUT`) and in address space
//! (`RLIMIT_AS`, 1 GiB), so a reader that blocks or reads without limit fails the test instead
//! of hanging it or exhausting the machine.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(20);
const MEMORY: u64 = 1 << 30;
/// Written into FIFOs and pipes: more than the child's address space, and no newline, so a
/// reader that grows a line until its end runs out of memory instead of passing.
const FLOOD: usize = 2 << 30;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// `k2e ARGS` in `dir` with `stdin`, bounded in time and memory. Output goes to files, so a
/// full pipe can never be what stops the child.
fn k2e(dir: &Path, args: &[&str], stdin: Stdio) -> Run {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_k2e"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap());
    // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY,
                rlim_max: MEMORY,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("k2e starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("k2e {args:?} still running after {TIMEOUT:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |f: &tempfile::NamedTempFile| String::from_utf8_lossy(&std::fs::read(f.path()).unwrap()).into_owned();
    Run {
        // A signal (an allocation failure under the memory limit aborts) has no code.
        code: status.code().unwrap_or(-1),
        stdout: read(&out),
        stderr: read(&err),
    }
}

fn no_stdin() -> Stdio {
    Stdio::null()
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// A FIFO at `path` with a writer flooding it. The FIFO is also held open read-write until the
/// returned guard is dropped, so the writer is there before k2e opens it (no race) and, once
/// the guard goes after k2e has exited, the writer's next write fails and its thread ends.
struct Flooded {
    keeper: Option<File>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Flooded {
    fn drop(&mut self) {
        self.keeper.take();
        if let Some(writer) = self.writer.take() {
            writer.join().unwrap();
        }
    }
}

fn flooded_fifo(path: &Path) -> Flooded {
    mkfifo(path);
    // Read-write never blocks in open(2) on Linux, and makes the write-only open below return.
    let keeper = OpenOptions::new().read(true).write(true).open(path).unwrap();
    let mut fifo = OpenOptions::new().write(true).open(path).unwrap();
    let writer = std::thread::spawn(move || flood(&mut fifo));
    Flooded {
        keeper: Some(keeper),
        writer: Some(writer),
    }
}

/// Writes `FLOOD` bytes of one endless line, stopping when the reader goes away.
fn flood(to: &mut impl Write) {
    let block = vec![b'a'; 1 << 16];
    for _ in 0..FLOOD / block.len() {
        if to.write_all(&block).is_err() {
            return;
        }
    }
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn assert_refused_device(run: &Run, name: &str) {
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.all().contains(&format!(
            "{name}: not a regular file (character device); pass --allow-special-files to read it"
        )),
        "{}",
        run.all()
    );
}

fn assert_too_large(run: &Run, limit: &str) {
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.all()
            .contains(&format!("larger than the {limit} limit; raise it with --max-file-size")),
        "{}",
        run.all()
    );
}

#[test]
fn lint_dev_zero_is_refused_then_read_up_to_the_limit() {
    let d = dir();
    let run = k2e(d.path(), &["lint", "/dev/zero"], no_stdin());
    assert_refused_device(&run, "/dev/zero");
    assert!(run.stdout.contains("K2E001"), "{}", run.stdout);
    // The default limit (64 MiB) is read and no more.
    let run = k2e(d.path(), &["lint", "--allow-special-files", "/dev/zero"], no_stdin());
    assert_too_large(&run, "64 MiB");
    assert!(run.stdout.contains("K2E003 /dev/zero"), "{}", run.stdout);
}

#[test]
fn a_symlink_to_dev_zero_named_explicitly_is_refused() {
    let d = dir();
    std::os::unix::fs::symlink("/dev/zero", d.path().join("x.yaml")).unwrap();
    let run = k2e(d.path(), &["lint", "x.yaml"], no_stdin());
    assert_refused_device(&run, "x.yaml");
    let run = k2e(
        d.path(),
        &["lint", "--allow-special-files", "--max-file-size", "1M", "x.yaml"],
        no_stdin(),
    );
    assert_too_large(&run, "1 MiB");
    assert!(run.stdout.contains("K2E003 x.yaml"), "{}", run.stdout);
}

#[test]
fn a_fifo_with_no_writer_is_reported_not_waited_on() {
    let d = dir();
    mkfifo(&d.path().join("f.yaml"));
    for command in [
        &["lint", "f.yaml"][..],
        &["convert", "--to", "ecs", "f.yaml"],
        &["estimate", "f.yaml"],
    ] {
        let run = k2e(d.path(), command, no_stdin());
        assert_eq!(run.code, 2, "{command:?}: {}", run.all());
        assert!(
            run.all().contains("f.yaml: a FIFO with no writer; nothing to read"),
            "{command:?}: {}",
            run.all()
        );
    }
}

#[test]
fn a_fifo_with_a_writer_is_read_up_to_the_limit() {
    let d = dir();
    let path = d.path().join("f.yaml");
    let _fifo = flooded_fifo(&path);
    let run = k2e(d.path(), &["lint", "--max-file-size", "1M", "f.yaml"], no_stdin());
    assert_too_large(&run, "1 MiB");
    assert!(run.stdout.contains("K2E003 f.yaml"), "{}", run.stdout);
}

/// A pipe, as `/dev/stdin` or a process substitution: its writer owns the other end, so there
/// is no race between the writer and k2e's open.
fn pipe() -> (File, File) {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0, "pipe2");
    // SAFETY: both descriptors were just created and are owned by nothing else.
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

#[test]
fn a_pipe_named_as_a_path_is_read_like_a_file() {
    let d = dir();
    let (reader, mut writer) = pipe();
    let write = std::thread::spawn(move || {
        writer
            .write_all(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
            .unwrap();
    });
    let run = k2e(d.path(), &["lint", "/dev/stdin"], Stdio::from(reader));
    write.join().unwrap();
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.all().contains("1 file checked, 1 document"), "{}", run.all());
}

#[test]
fn convert_and_estimate_read_fifos_and_devices_with_the_same_limit() {
    let d = dir();
    for (i, command) in [&["convert", "--to", "ecs"][..], &["estimate"]].into_iter().enumerate() {
        let name = format!("f{i}.yaml");
        let _fifo = flooded_fifo(&d.path().join(&name));
        let args: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--max-file-size", "1M", &name])
            .collect();
        let run = k2e(d.path(), &args, no_stdin());
        assert_too_large(&run, "1 MiB");

        let args: Vec<&str> = command.iter().copied().chain(["/dev/zero"]).collect();
        assert_refused_device(&k2e(d.path(), &args, no_stdin()), "/dev/zero");
        let args: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--allow-special-files", "--max-file-size", "1M", "/dev/zero"])
            .collect();
        assert_too_large(&k2e(d.path(), &args, no_stdin()), "1 MiB");
    }
}

#[test]
fn stdin_larger_than_the_limit_is_refused_by_every_command() {
    let d = dir();
    for command in [&["lint"][..], &["convert", "--to", "ecs"], &["estimate"]] {
        let args: Vec<&str> = command.iter().copied().chain(["--max-file-size", "1M", "-"]).collect();
        let run = k2e(d.path(), &args, Stdio::from(File::open("/dev/zero").unwrap()));
        assert_too_large(&run, "1 MiB");
    }
}

/// `/dev/stdin` named as a path is the pipe itself, read as one: bounded.
#[test]
fn dev_stdin_named_as_a_path_is_bounded() {
    let d = dir();
    let (reader, mut writer) = pipe();
    let flood = std::thread::spawn(move || flood(&mut writer));
    let run = k2e(
        d.path(),
        &["lint", "--max-file-size", "1M", "/dev/stdin"],
        Stdio::from(reader),
    );
    flood.join().unwrap();
    assert_too_large(&run, "1 MiB");
    assert!(run.stdout.contains("K2E003 /dev/stdin"), "{}", run.stdout);
}

#[test]
fn utf16_and_utf32_files_are_named_by_their_encoding() {
    let d = dir();
    let text = "apiVersion: v1\nkind: ConfigMap\n";
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let utf32le: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(text.chars().flat_map(|c| u32::from(c).to_le_bytes()))
        .collect();
    let utf32be: Vec<u8> = text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect();
    let files = [
        ("le16.yaml", utf16le, "UTF-16LE"),
        ("be16.json", utf16be, "UTF-16BE"),
        ("le32.yaml", utf32le, "UTF-32LE"),
        ("be32.yaml", utf32be, "UTF-32BE"),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(d.path().join(name), bytes).unwrap();
    }
    let run = k2e(d.path(), &["lint", "--format", "compact", "."], no_stdin());
    assert_eq!(run.code, 2, "{}", run.all());
    for (name, _, encoding) in &files {
        let line = format!("{name}: error K2E002 {encoding} text; save the file as UTF-8");
        assert!(run.stdout.contains(&line), "{line}\n{}", run.stdout);
    }
    let run = k2e(d.path(), &["convert", "--to", "ecs", "le16.yaml"], no_stdin());
    assert!(
        run.stderr.contains("UTF-16LE text; save the file as UTF-8"),
        "{}",
        run.stderr
    );
    let run = k2e(d.path(), &["estimate", "be16.json"], no_stdin());
    assert!(
        run.stderr.contains("UTF-16BE text; save the file as UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn settings_files_are_read_with_the_same_bounds() {
    let d = dir();
    std::fs::write(
        d.path().join("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let run = k2e(d.path(), &["lint", "--config", "/dev/zero", "a.yaml"], no_stdin());
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("/dev/zero: not a regular file (character device)"),
        "{}",
        run.all()
    );
    mkfifo(&d.path().join("fifo.yaml"));
    let run = k2e(d.path(), &["lint", "--config", "fifo.yaml", "a.yaml"], no_stdin());
    assert!(run.stderr.contains("fifo.yaml: a FIFO with no writer"), "{}", run.all());
    let run = k2e(d.path(), &["estimate", "--pricing", "/dev/zero", "a.yaml"], no_stdin());
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("--pricing /dev/zero: not a regular file (character device)"),
        "{}",
        run.all()
    );
    let schemas = d.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    std::os::unix::fs::symlink("/dev/zero", schemas.join("widget-example.com-v1.json")).unwrap();
    std::fs::write(
        d.path().join("w.yaml"),
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
    )
    .unwrap();
    // A schema that is not a regular file is not a schema: passed over, never read.
    let run = k2e(d.path(), &["lint", "--schema-dir", "schemas", "w.yaml"], no_stdin());
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.all().contains("K8S005 no schema for example.com/v1 Widget"),
        "{}",
        run.all()
    );
}
