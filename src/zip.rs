//! A streaming ZIP writer (stored entries, data descriptors): entries are read one after the
//! other from their sources while the archive is being sent, so memory stays bounded whatever
//! the size of the files. Pure encoding; the caller supplies the readers.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Opens an entry's content when the archive reaches it.
pub type Opener = Box<dyn FnOnce() -> io::Result<Box<dyn Read + Send>> + Send>;

struct Central {
    name: Vec<u8>,
    crc: u32,
    size: u32,
    offset: u32,
}

/// The entry being sent.
struct Current {
    name: Vec<u8>,
    reader: Box<dyn Read + Send>,
    /// Running CRC-32 of the bytes so far.
    crc: u32,
    size: u64,
    /// Where its local header starts.
    offset: u32,
}

pub struct ZipStream {
    pending: VecDeque<(String, u64, Opener)>,
    total: u64,
    current: Option<Current>,
    expected: Option<u64>,
    out: Vec<u8>,
    pos: usize,
    written: u64,
    central: Vec<Central>,
    finished: bool,
    dos_time: u16,
    dos_date: u16,
}

fn crc_table() -> &'static [u32; 256] {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *slot = c;
        }
        t
    })
}

/// CRC-32 (IEEE), continued from `crc` (start with `0xFFFF_FFFF`, finish with `!`).
pub fn crc32_update(mut crc: u32, data: &[u8]) -> u32 {
    let t = crc_table();
    for b in data {
        crc = t[((crc ^ u32::from(*b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

fn le16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn le32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Entry names inside the archive: no absolute paths, no `..`, no backslashes.
pub fn safe_entry_name(name: &str) -> String {
    name.split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| p.chars().filter(|c| !c.is_control()).collect::<String>())
        .collect::<Vec<_>>()
        .join("/")
}

impl ZipStream {
    /// `entries`: name, exact size and how to open the content. `timestamp`: Unix seconds used
    /// as every entry's modification time. The archive's size is known up front.
    pub fn new(entries: Vec<(String, u64, Opener)>, timestamp: i64) -> ZipStream {
        let entries: Vec<(String, u64, Opener)> =
            entries.into_iter().map(|(n, s, o)| (safe_entry_name(&n), s, o)).collect();
        let total = entries.iter().map(|(n, s, _)| 30 + 16 + 46 + 2 * n.len() as u64 + s).sum::<u64>() + 22;
        let t = time::OffsetDateTime::from_unix_timestamp(timestamp).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let year = (t.year() - 1980).clamp(0, 127) as u16;
        ZipStream {
            pending: entries.into_iter().collect(),
            total,
            current: None,
            expected: None,
            out: Vec::new(),
            pos: 0,
            written: 0,
            central: Vec::new(),
            finished: false,
            dos_time: ((t.hour() as u16) << 11) | ((t.minute() as u16) << 5) | (t.second() as u16 / 2),
            dos_date: (year << 9) | ((u8::from(t.month()) as u16) << 5) | t.day() as u16,
        }
    }

    /// The exact size of the whole archive.
    pub fn size(&self) -> u64 {
        self.total
    }

    fn emit(&mut self, bytes: Vec<u8>) {
        self.written += bytes.len() as u64;
        self.out = bytes;
        self.pos = 0;
    }

    fn too_big() -> io::Error {
        io::Error::other("ZIP entry or archive over 4 GiB")
    }

    /// Produces the next piece of the archive into `out`; `false` when everything was sent.
    fn advance(&mut self) -> io::Result<bool> {
        if let Some(cur) = self.current.as_mut() {
            let mut buf = vec![0u8; 64 * 1024];
            let n = cur.reader.read(&mut buf)?;
            if n > 0 {
                buf.truncate(n);
                cur.crc = crc32_update(cur.crc, &buf);
                cur.size += n as u64;
                self.emit(buf);
            } else {
                let descriptor = self.finish_entry()?;
                self.emit(descriptor);
            }
            return Ok(true);
        }
        if let Some((name, size, open)) = self.pending.pop_front() {
            let header = self.start_entry(name, size, open)?;
            self.emit(header);
            return Ok(true);
        }
        if self.finished {
            return Ok(false);
        }
        self.finished = true;
        let directory = self.central_directory()?;
        self.emit(directory);
        Ok(true)
    }

    /// Opens the next entry; returns its local header.
    fn start_entry(&mut self, name: String, size: u64, open: Opener) -> io::Result<Vec<u8>> {
        let reader = open()?;
        self.expected = Some(size);
        let offset = u32::try_from(self.written).map_err(|_| Self::too_big())?;
        let name = name.into_bytes();
        let mut h = Vec::with_capacity(30 + name.len());
        le32(&mut h, 0x0403_4b50);
        le16(&mut h, 20);
        le16(&mut h, 0x0808); // data descriptor follows; UTF-8 names
        le16(&mut h, 0); // stored
        le16(&mut h, self.dos_time);
        le16(&mut h, self.dos_date);
        le32(&mut h, 0);
        le32(&mut h, 0);
        le32(&mut h, 0);
        le16(&mut h, name.len() as u16);
        le16(&mut h, 0);
        h.extend_from_slice(&name);
        self.current = Some(Current { name, reader, crc: 0xFFFF_FFFF, size: 0, offset });
        Ok(h)
    }

    /// Ends the entry whose reader is exhausted; returns its data descriptor.
    fn finish_entry(&mut self) -> io::Result<Vec<u8>> {
        let cur = self.current.take().ok_or_else(|| io::Error::other("zip state"))?;
        if self.expected.take() != Some(cur.size) {
            return Err(io::Error::other("ZIP entry size differs from its announced size"));
        }
        let crc = !cur.crc;
        let size = u32::try_from(cur.size).map_err(|_| Self::too_big())?;
        let mut d = Vec::with_capacity(16);
        le32(&mut d, 0x0807_4b50);
        le32(&mut d, crc);
        le32(&mut d, size);
        le32(&mut d, size);
        self.central.push(Central { name: cur.name, crc, size, offset: cur.offset });
        Ok(d)
    }

    /// The central directory and its end record, after the last entry.
    fn central_directory(&self) -> io::Result<Vec<u8>> {
        let cd_offset = u32::try_from(self.written).map_err(|_| Self::too_big())?;
        let mut cd = Vec::new();
        for e in &self.central {
            le32(&mut cd, 0x0201_4b50);
            le16(&mut cd, 20);
            le16(&mut cd, 20);
            le16(&mut cd, 0x0808);
            le16(&mut cd, 0);
            le16(&mut cd, self.dos_time);
            le16(&mut cd, self.dos_date);
            le32(&mut cd, e.crc);
            le32(&mut cd, e.size);
            le32(&mut cd, e.size);
            le16(&mut cd, e.name.len() as u16);
            le16(&mut cd, 0);
            le16(&mut cd, 0);
            le16(&mut cd, 0);
            le16(&mut cd, 0);
            le32(&mut cd, 0);
            le32(&mut cd, e.offset);
            cd.extend_from_slice(&e.name);
        }
        let cd_size = cd.len() as u32;
        let count = u16::try_from(self.central.len()).map_err(|_| io::Error::other("too many ZIP entries"))?;
        le32(&mut cd, 0x0605_4b50);
        le16(&mut cd, 0);
        le16(&mut cd, 0);
        le16(&mut cd, count);
        le16(&mut cd, count);
        le32(&mut cd, cd_size);
        le32(&mut cd, cd_offset);
        le16(&mut cd, 0);
        Ok(cd)
    }
}

impl Read for ZipStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.advance()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(b: &'static [u8]) -> Opener {
        Box::new(move || Ok(Box::new(b) as Box<dyn Read + Send>))
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        assert_eq!(!crc32_update(0xFFFF_FFFF, b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn archive_has_headers_and_directory() {
        let mut z = ZipStream::new(
            vec![("a.txt".into(), 5, bytes(b"hello")), ("../x/b.txt".into(), 0, bytes(b""))],
            1_700_000_000,
        );
        let announced = z.size();
        let mut out = Vec::new();
        z.read_to_end(&mut out).unwrap();
        assert_eq!(out.len() as u64, announced);
        assert_eq!(&out[0..4], &[0x50, 0x4b, 0x03, 0x04]);
        assert!(out.windows(5).any(|w| w == b"hello"));
        assert!(out.windows(7).any(|w| w == b"x/b.txt"));
        assert!(!out.windows(3).any(|w| w == b"../"));
        let eocd = &out[out.len() - 22..];
        assert_eq!(&eocd[0..4], &[0x50, 0x4b, 0x05, 0x06]);
        assert_eq!(u16::from_le_bytes([eocd[10], eocd[11]]), 2);
    }
}
