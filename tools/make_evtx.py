#!/usr/bin/env python3
"""Write a small, deterministic Windows XML Event Log (.evtx) test fixture.

Usage: python3 tools/make_evtx.py OUTPUT.evtx

Layout written (all integers little-endian; layout per the public libevtx
"Windows XML Event Log (EVTX)" format notes and MS-EVEN6):

  file header   4096 bytes  "ElfFile\\0", chunk numbers, CRC32 of bytes 0..120
  chunk         65536 bytes "ElfChnk\\0" header (512 bytes incl. the zeroed
                            string/template offset tables), then event records
  event record  0x00002a2a magic, size, record id, FILETIME, BinXML, size copy

The BinXML is written *without* templates: every element, attribute name and
text value is stored in place.  Names are "inline": the name-offset field
points (chunk-relative) at the bytes that directly follow it, where the name
structure is stored.  Element starts carry no dependency identifier: that
u16 exists only inside template definitions, which we do not use.

Standard library only; the output is byte-identical on every run.
"""
import struct
import sys
import zlib
from datetime import datetime, timezone

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
CHUNK_HEADER_SIZE = 512          # 128 fixed bytes + 384 bytes of offset tables
RECORD_MAGIC = 0x00002A2A

# BinXML tokens (MS-EVEN6 / libevtx "Token types").
TOK_EOF = 0x00
TOK_OPEN_START = 0x01            # 0x41 = same, with an attribute list
TOK_CLOSE_START = 0x02
TOK_CLOSE_EMPTY = 0x03
TOK_END_ELEMENT = 0x04
TOK_VALUE = 0x05
TOK_ATTRIBUTE = 0x06             # 0x46 = same, another attribute follows
TOK_FRAGMENT_HEADER = 0x0F
HAS_MORE = 0x40
VALUE_TYPE_STRING = 0x01         # UTF-16LE string, u16 character count prefix

NS_EVENT = "http://schemas.microsoft.com/win/2004/08/events/event"


def name_hash(name: str) -> int:
    """MS-EVEN6 name hash: h = h * 65599 + code unit, low 16 bits kept."""
    h = 0
    for (unit,) in struct.iter_unpack("<H", name.encode("utf-16-le")):
        h = (h * 65599 + unit) & 0xFFFFFFFF
    return h & 0xFFFF


def filetime(iso: str) -> int:
    """ISO-8601 UTC time -> FILETIME (100 ns ticks since 1601-01-01)."""
    dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    epoch = datetime(1601, 1, 1, tzinfo=timezone.utc)
    delta = dt - epoch
    return (delta.days * 86400 + delta.seconds) * 10**7 + delta.microseconds * 10


class BinXml:
    """BinXML writer; `base` is the chunk offset where this stream starts,
    needed because name offsets are relative to the start of the chunk."""

    def __init__(self, base: int):
        self.base = base
        self.buf = bytearray()

    def pos(self) -> int:
        return self.base + len(self.buf)

    def u8(self, v): self.buf += struct.pack("<B", v)
    def u16(self, v): self.buf += struct.pack("<H", v)
    def u32(self, v): self.buf += struct.pack("<I", v)

    def placeholder_u32(self) -> int:
        at = len(self.buf)
        self.u32(0)
        return at

    def patch_size(self, at: int):
        """Store the number of bytes written after the u32 field at `at`."""
        struct.pack_into("<I", self.buf, at, len(self.buf) - at - 4)

    def name(self, text: str):
        """Name offset, then the inline name structure it points at:
        next-string offset u32 (0), hash u16, char count u16, UTF-16LE, NUL."""
        self.u32(self.pos() + 4)
        self.u32(0)
        self.u16(name_hash(text))
        self.u16(len(text))
        self.buf += text.encode("utf-16-le") + b"\0\0"

    def value_text(self, text: str):
        """Value token: type 0x01 (string), u16 char count, UTF-16LE (no NUL)."""
        self.u8(TOK_VALUE)
        self.u8(VALUE_TYPE_STRING)
        self.u16(len(text))
        self.buf += text.encode("utf-16-le")

    def element(self, node):
        """node = (name, [(attr, value), ...], children) where children is a
        text string, a list of child nodes, or None for an empty element."""
        tag, attrs, children = node
        self.u8(TOK_OPEN_START | (HAS_MORE if attrs else 0))
        size_at = self.placeholder_u32()          # element data size
        self.name(tag)
        if attrs:
            list_at = self.placeholder_u32()      # attribute list data size
            for i, (attr, value) in enumerate(attrs):
                last = i == len(attrs) - 1
                self.u8(TOK_ATTRIBUTE | (0 if last else HAS_MORE))
                self.name(attr)
                self.value_text(value)
            self.patch_size(list_at)
        if children is None:
            self.u8(TOK_CLOSE_EMPTY)
        else:
            self.u8(TOK_CLOSE_START)
            if isinstance(children, str):
                self.value_text(children)
            else:
                for child in children:
                    self.element(child)
            self.u8(TOK_END_ELEMENT)
        self.patch_size(size_at)

    def document(self, root):
        self.buf += bytes([TOK_FRAGMENT_HEADER, 1, 1, 0])   # major 1, minor 1, flags 0
        self.element(root)
        self.u8(TOK_EOF)


def event_xml(ev: dict, record_id: int):
    """Build the <Event> tree for one event description."""
    el = lambda tag, text=None, **attrs: (tag, list(attrs.items()), text)
    system = [
        el("Provider", Name=ev["provider"], Guid=ev["guid"]),
        el("EventID", str(ev["event_id"])),
        el("Version", str(ev["version"])),
        el("Level", str(ev["level"])),
        el("Task", str(ev["task"])),
        el("Opcode", "0"),
        el("Keywords", ev["keywords"]),
        el("TimeCreated", SystemTime=ev["time"]),
        el("EventRecordID", str(record_id)),
        el("Correlation"),
        el("Execution", ProcessID=ev["pid"], ThreadID=ev["tid"]),
        el("Channel", ev["channel"]),
        el("Computer", "WS01.corp.example"),
        el("Security", **({"UserID": ev["user_sid"]} if ev["user_sid"] else {})),
    ]
    data = [el("Data", value, Name=key) for key, value in ev["data"]]
    return ("Event", [("xmlns", NS_EVENT)],
            [("System", [], system), ("EventData", [], data)])


SYSMON = dict(provider="Microsoft-Windows-Sysmon",
              guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}", version=5, level=4,
              keywords="0x8000000000000000", pid="3000", tid="4000",
              channel="Microsoft-Windows-Sysmon/Operational", user_sid="S-1-5-18")
SECURITY = dict(provider="Microsoft-Windows-Security-Auditing",
                guid="{54849625-5478-4994-a5ba-3e3b0328c30d}", version=2, level=0,
                keywords="0x8020000000000000", pid="4", tid="5000",
                channel="Security", user_sid=None)

EVENTS = [
    dict(SYSMON, event_id=1, task=1, time="2026-11-20T10:00:00.000000Z", data=[
        ("Image", r"C:\Windows\System32\whoami.exe"),
        ("OriginalFileName", "whoami.exe"),
        ("CommandLine", "whoami /all"),
        ("ParentImage", r"C:\Windows\System32\cmd.exe"),
        ("User", r"CORP\alice"),
        ("IntegrityLevel", "High")]),
    dict(SYSMON, event_id=1, task=1, time="2026-11-20T10:01:00.000000Z", data=[
        ("Image", r"C:\Windows\System32\notepad.exe"),
        ("OriginalFileName", "NOTEPAD.EXE"),
        ("CommandLine", r"notepad.exe C:\notes.txt"),
        ("ParentImage", r"C:\Windows\explorer.exe"),
        ("User", r"CORP\bob"),
        ("IntegrityLevel", "Medium")]),
    dict(SECURITY, event_id=4688, task=13312, time="2026-11-20T10:02:00.000000Z", data=[
        ("SubjectUserName", "carol"),
        ("NewProcessName", r"C:\Windows\System32\whoami.exe"),
        ("CommandLine", "whoami"),
        ("ParentProcessName", r"C:\Windows\System32\cmd.exe")]),
    dict(SYSMON, event_id=3, task=3, time="2026-11-20T10:03:00.000000Z", data=[
        ("Image", r"C:\Windows\System32\svchost.exe"),
        ("DestinationIp", "10.1.2.3"),
        ("DestinationPort", "443"),
        ("Initiated", "true")]),
]


def build_chunk(events) -> bytes:
    chunk = bytearray(CHUNK_HEADER_SIZE)
    last_record_offset = 0
    for record_id, ev in enumerate(events, start=1):
        last_record_offset = len(chunk)
        xml = BinXml(base=last_record_offset + 24)       # BinXML follows the 24-byte header
        xml.document(event_xml(ev, record_id))
        body = bytes(xml.buf) + b"\0" * (-(len(xml.buf) + 28) % 8)  # pad record to 8 bytes
        size = 24 + len(body) + 4
        chunk += struct.pack("<IIQQ", RECORD_MAGIC, size, record_id, filetime(ev["time"]))
        chunk += body + struct.pack("<I", size)           # trailing copy of the size
    free_space_offset = len(chunk)
    if free_space_offset > CHUNK_SIZE:
        raise ValueError("events do not fit in one chunk")
    n = len(events)
    # Chunk header: magic, first/last record number, first/last record id,
    # header size, last record offset, free space offset, records CRC32.
    struct.pack_into("<8sQQQQIIII", chunk, 0, b"ElfChnk\0", 1, n, 1, n, 128,
                     last_record_offset, free_space_offset,
                     zlib.crc32(chunk[CHUNK_HEADER_SIZE:free_space_offset]))
    # Offset 120: flags (0).  Offset 124: CRC32 of bytes 0..120 and 128..512.
    struct.pack_into("<I", chunk, 124, zlib.crc32(chunk[128:512], zlib.crc32(chunk[:120])))
    return bytes(chunk) + b"\0" * (CHUNK_SIZE - len(chunk))


def build_file_header(next_record_id: int, chunk_count: int) -> bytes:
    header = bytearray(FILE_HEADER_SIZE)
    # magic, first chunk, last chunk, next record id, header size 128,
    # minor 1, major 3, header block size 4096, chunk count; flags 0 (clean).
    struct.pack_into("<8sQQQIHHHH", header, 0, b"ElfFile\0", 0, chunk_count - 1,
                     next_record_id, 128, 1, 3, FILE_HEADER_SIZE, chunk_count)
    struct.pack_into("<II", header, 120, 0, zlib.crc32(header[:120]))
    return bytes(header)


def main(argv) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} OUTPUT.evtx", file=sys.stderr)
        return 2
    data = build_file_header(len(EVENTS) + 1, 1) + build_chunk(EVENTS)
    with open(argv[1], "wb") as f:
        f.write(data)
    print(f"wrote {argv[1]}: {len(data)} bytes, {len(EVENTS)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
