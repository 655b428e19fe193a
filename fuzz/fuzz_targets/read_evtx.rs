#![no_main]

//! EVTX files: the bytes as a whole file, and as the records of the fixture's chunk with the
//! chunk's checksums made right again, so that the record parser (not the checksum check)
//! meets them. Reading must report problems, never panic, and every event must be an object.

use libfuzzer_sys::fuzz_target;
use sigma_kql::eval::evtx::read_all;

const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/events/small.evtx");
const HEADER: usize = 4096;
const CHUNK_HEADER: usize = 512;

fn check(bytes: Vec<u8>) {
    let f = read_all("fuzz.evtx", bytes, 0);
    assert!(f.events.iter().all(|e| e.value.is_object()));
}

fuzz_target!(|data: &[u8]| {
    check(data.to_vec());
    let mut b = FIXTURE.to_vec();
    let start = HEADER + CHUNK_HEADER;
    let n = data.len().min(b.len() - start);
    b[start..start + n].copy_from_slice(&data[..n]);
    let chunk = &mut b[HEADER..];
    let free = u32::from_le_bytes([chunk[48], chunk[49], chunk[50], chunk[51]]) as usize;
    if (CHUNK_HEADER..=chunk.len()).contains(&free) {
        let crc = crc32fast::hash(&chunk[CHUNK_HEADER..free]);
        chunk[52..56].copy_from_slice(&crc.to_le_bytes());
    }
    let mut h = crc32fast::Hasher::new();
    h.update(&chunk[..120]);
    h.update(&chunk[128..CHUNK_HEADER]);
    let crc = h.finalize();
    chunk[124..128].copy_from_slice(&crc.to_le_bytes());
    check(b);
});
