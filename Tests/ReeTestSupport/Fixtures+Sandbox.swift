import Foundation

/// Root filesystems for sandbox tests, built from the host's static busybox (`busybox-static`).
public enum SandboxFixtures {
    public static let busyboxPath = "/bin/busybox"

    /// Creates a busybox root filesystem at `directory` (made if missing): /bin/busybox and a symlink
    /// per applet, /etc/passwd and /etc/group with root, a user 1000 and nobody, /tmp 1777, /root, /var.
    public static func makeBusyboxRootfs(at directory: String) throws {
        let fm = FileManager.default
        for dir in ["bin", "etc", "root", "var", "home/user"] {
            try fm.createDirectory(atPath: "\(directory)/\(dir)", withIntermediateDirectories: true)
        }
        try fm.createDirectory(atPath: "\(directory)/tmp", withIntermediateDirectories: true)
        chmod("\(directory)/tmp", 0o1777)
        try fm.copyItem(atPath: busyboxPath, toPath: "\(directory)/bin/busybox")
        for applet in try applets() where applet != "busybox" {
            try fm.createSymbolicLink(atPath: "\(directory)/bin/\(applet)", withDestinationPath: "busybox")
        }
        try "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
            .write(toFile: "\(directory)/etc/passwd", atomically: false, encoding: .utf8)
        try "root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n"
            .write(toFile: "\(directory)/etc/group", atomically: false, encoding: .utf8)
    }

    private static let appletList: [String]? = {
        guard let result = try? Shell.run([busyboxPath, "--list"]), result.succeeded else { return nil }
        return result.stdout.split(separator: "\n").map(String.init)
    }()

    private static func applets() throws -> [String] {
        guard let list = appletList else { throw ShellError(description: "\(busyboxPath) --list failed") }
        return list
    }

    /// A fresh busybox rootfs plus empty upper and work directories under `directory`:
    /// `lower`, `upper`, `work`.
    public static func makeOverlayDirectories(in directory: String) throws -> (lower: String, upper: String, work: String) {
        let lower = "\(directory)/lower", upper = "\(directory)/upper", work = "\(directory)/work"
        try makeBusyboxRootfs(at: lower)
        try FileManager.default.createDirectory(atPath: upper, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return (lower, upper, work)
    }
}
