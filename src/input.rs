//! Input (bounded reads): the one way k2e opens a path or stdin.
//!
//! Every byte k2e reads passes through a [`Reader`] that stops one byte past the size limit, so
//! `/dev/zero`, a 200 MB process substitution or a stdin that never ends costs at most the limit.
//! Opening never blocks: paths are opened with `O_NONBLOCK` (a FIFO without a writer would
//! otherwise wait in open(2) forever) and the flag is cleared once the file type is known.
//! Devices and sockets are refused unless the caller allows special files.

use std::fs::{File, OpenOptions};
use std::io::{self, Cursor, Read};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// How much may be read, and from what.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Inputs larger than this many bytes are refused.
    pub limit: u64,
    /// Read character and block devices named explicitly (up to the limit).
    pub allow_special_files: bool,
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum Error {
    NotFound,
    PermissionDenied,
    Directory,
    /// A device, refused unless special files are allowed ("character device", "block device").
    Special {
        kind: &'static str,
    },
    /// A socket: open(2) cannot read one, whatever the flags.
    Socket,
    /// A FIFO (or pipe) that no process has open for writing.
    NoWriter,
    TooLarge {
        limit: u64,
    },
    Io(io::Error),
}

impl Error {
    /// K2E003 (too large) rather than K2E001 (unreadable).
    pub fn is_too_large(&self) -> bool {
        matches!(self, Error::TooLarge { .. })
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotFound => write!(f, "no such file or directory"),
            Error::PermissionDenied => write!(f, "cannot read: permission denied"),
            Error::Directory => write!(f, "is a directory"),
            Error::Special { kind } => write!(
                f,
                "not a regular file ({kind}); pass --allow-special-files to read it (up to --max-file-size)"
            ),
            Error::Socket => write!(f, "not a regular file (socket); a socket cannot be read as a file"),
            Error::NoWriter => write!(
                f,
                "a FIFO with no writer; nothing to read (start the process that writes to it first)"
            ),
            Error::TooLarge { limit } => write!(f, "{}", too_large(*limit)),
            Error::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// Size limits as the command line takes them: bytes, or K, M, G (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], s[i..].trim_end_matches(['i', 'B', 'b'])),
        None => (s, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: {s:?} (examples: 500000, 64M, 1G)"))?;
    let factor: u64 = match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(format!("unknown size unit in {s:?}; use K, M or G")),
    };
    n.checked_mul(factor).ok_or_else(|| format!("size too large: {s:?}"))
}

/// The words for an input over the limit, shared with the YAML stream reader.
pub fn too_large(limit: u64) -> String {
    format!(
        "larger than the {} limit; raise it with --max-file-size if this is intended",
        human_size(limit)
    )
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b}-byte"),
    }
}

/// An open input that yields at most `limit + 1` bytes: one more than allowed, so that a reader
/// can tell "exactly at the limit" from "over it" without reading further.
pub struct Reader {
    inner: io::Take<io::Chain<Cursor<Vec<u8>>, Handle>>,
    limit: u64,
}

enum Handle {
    File(File),
    Stdin(io::Stdin),
}

impl Read for Handle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Handle::File(f) => f.read(buf),
            Handle::Stdin(s) => s.read(buf),
        }
    }
}

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Reader {
    fn new(first: Vec<u8>, handle: Handle, limit: u64) -> Self {
        Reader {
            inner: Cursor::new(first).chain(handle).take(limit.saturating_add(1)),
            limit,
        }
    }

    /// The limit this reader was opened with; a stream reader over it must refuse past it.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The whole input, or `TooLarge` once it passes the limit (nothing further is read).
    pub fn read_all(mut self) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        self.inner.read_to_end(&mut bytes).map_err(Error::Io)?;
        if bytes.len() as u64 > self.limit {
            return Err(Error::TooLarge { limit: self.limit });
        }
        Ok(bytes)
    }
}

/// A settings file (a config, a schema) as UTF-8 text, read through the same bounds as inputs:
/// `--config /dev/zero` or a huge file must fail at once, not fill memory.
pub fn read_text(path: &Path, limit: u64) -> Result<String, Error> {
    let opts = Options {
        limit,
        allow_special_files: false,
    };
    let bytes = open(path, &opts)?.read_all()?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map_or(bytes.clone(), <[u8]>::to_vec);
    String::from_utf8(bytes).map_err(|_| Error::Io(io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text")))
}

/// Standard input, bounded.
pub fn stdin(opts: &Options) -> Reader {
    Reader::new(Vec::new(), Handle::Stdin(io::stdin()), opts.limit)
}

/// A path, or standard input when there is none (`-`), bounded.
pub fn open_or_stdin(path: Option<&Path>, opts: &Options) -> Result<Reader, Error> {
    match path {
        Some(path) => open(path, opts),
        None => Ok(stdin(opts)),
    }
}

/// A path (symlinks followed), opened without blocking and checked by what it is once open, so
/// a path swapped between a check and the open cannot slip past.
pub fn open(path: &Path, opts: &Options) -> Result<Reader, Error> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| open_error(path, e))?;
    let meta = file.metadata().map_err(Error::Io)?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(Error::Directory);
    }
    if kind.is_fifo() {
        return open_fifo(file, opts.limit);
    }
    if !kind.is_file() {
        let kind = if kind.is_block_device() {
            "block device"
        } else if kind.is_char_device() {
            "character device"
        } else {
            "special file"
        };
        if !opts.allow_special_files {
            return Err(Error::Special { kind });
        }
    } else if meta.len() > opts.limit {
        // Refused unread, as the size is known.
        return Err(Error::TooLarge { limit: opts.limit });
    }
    set_blocking(&file)?;
    Ok(Reader::new(Vec::new(), Handle::File(file), opts.limit))
}

fn open_error(path: &Path, e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::NotFound => Error::NotFound,
        io::ErrorKind::PermissionDenied => Error::PermissionDenied,
        // open(2) of a Unix socket fails with ENXIO.
        _ if e.raw_os_error() == Some(libc::ENXIO)
            && std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket()) =>
        {
            Error::Socket
        }
        _ => Error::Io(e),
    }
}

/// A FIFO or pipe: one non-blocking read tells a writer that has not written yet (would block)
/// from no writer at all (end of file at once), which a blocking read would wait on forever.
fn open_fifo(mut file: File, limit: u64) -> Result<Reader, Error> {
    let mut first = vec![0; 64 << 10];
    let n = loop {
        match file.read(&mut first) {
            Ok(0) => return Err(Error::NoWriter),
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break 0,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e)),
        }
    };
    first.truncate(n);
    set_blocking(&file)?;
    Ok(Reader::new(first, Handle::File(file), limit))
}

fn set_blocking(file: &File) -> Result<(), Error> {
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function borrows open; no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(Error::Io(io::Error::last_os_error()));
    }
    Ok(())
}

/// The encoding of text saved as UTF-16 or UTF-32, from its byte-order mark or, without one,
/// from the NUL bytes around its first ASCII characters (as RFC 4627 detects JSON's encoding).
pub fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    const MARKS: [(&[u8], &str); 4] = [
        (b"\xFF\xFE\0\0", "UTF-32LE"),
        (b"\0\0\xFE\xFF", "UTF-32BE"),
        (b"\xFF\xFE", "UTF-16LE"),
        (b"\xFE\xFF", "UTF-16BE"),
    ];
    if let Some((_, name)) = MARKS.iter().find(|(mark, _)| bytes.starts_with(mark)) {
        return Some(name);
    }
    let text = |b: u8| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7F).contains(&b);
    match *bytes.get(..4)? {
        [a, 0, 0, 0] if text(a) => Some("UTF-32LE"),
        [0, 0, 0, a] if text(a) => Some("UTF-32BE"),
        [a, 0, b, 0] if text(a) && text(b) => Some("UTF-16LE"),
        [0, a, 0, b] if text(a) && text(b) => Some("UTF-16BE"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("500"), Ok(500));
        assert!(parse_size("12X").is_err());
    }

    fn opts(limit: u64) -> Options {
        Options {
            limit,
            allow_special_files: false,
        }
    }

    #[test]
    fn regular_files_are_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        std::fs::write(&path, b"a: 1\n").unwrap();
        assert_eq!(open(&path, &opts(5)).unwrap().read_all().unwrap(), b"a: 1\n");
        assert!(open(&path, &opts(4)).err().unwrap().is_too_large());
        assert!(matches!(open(&dir.path().join("b"), &opts(5)), Err(Error::NotFound)));
        assert!(matches!(open(dir.path(), &opts(5)), Err(Error::Directory)));
    }

    #[test]
    fn devices_are_refused_unless_allowed_then_bounded() {
        let err = open(Path::new("/dev/zero"), &opts(10)).err().unwrap();
        assert_eq!(
            err.to_string(),
            "not a regular file (character device); pass --allow-special-files to read it (up to --max-file-size)"
        );
        let allowed = Options {
            limit: 10,
            allow_special_files: true,
        };
        let reader = open(Path::new("/dev/zero"), &allowed).unwrap();
        assert!(reader.read_all().err().unwrap().is_too_large());
    }

    #[test]
    fn wide_encodings_by_mark_and_by_nul_pattern() {
        assert_eq!(wide_encoding(b"\xFF\xFEa\0"), Some("UTF-16LE"));
        assert_eq!(wide_encoding(b"\xFE\xFF\0a"), Some("UTF-16BE"));
        assert_eq!(wide_encoding(b"\xFF\xFE\0\0a\0\0\0"), Some("UTF-32LE"));
        assert_eq!(wide_encoding(b"\0\0\xFE\xFF"), Some("UTF-32BE"));
        assert_eq!(wide_encoding(b"a\0:\0"), Some("UTF-16LE"));
        assert_eq!(wide_encoding(b"\0a\0:"), Some("UTF-16BE"));
        assert_eq!(wide_encoding(b"a\0\0\0"), Some("UTF-32LE"));
        assert_eq!(wide_encoding(b"\0\0\0a"), Some("UTF-32BE"));
        assert_eq!(wide_encoding(b"a: 1\n\0"), None);
        assert_eq!(wide_encoding(b"\x7FELF\x02\x01"), None);
        assert_eq!(wide_encoding(b"a\0"), None);
    }
}
