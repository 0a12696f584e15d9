/// What a process does; the API route that started it decides.
public enum ProcessKind: String, Sendable, CaseIterable, Codable {
    /// `POST /api/recording/create`: define an REE from a project with a Dockerfile, recording the network.
    case recordingDefine = "recording-define"
    /// `POST /api/recording/build` (alias `POST /api/replay/create`): rebuild a defined REE, replaying the recording.
    case recordingBuild = "recording-build"
    /// `POST /api/sbom/define`: define an REE from a project's SBOM.
    case sbomDefine = "sbom-define"
}

/// Where a process is in its life. `processed` and `failed` are final.
public enum ProcessStatus: String, Sendable, CaseIterable, Codable {
    case queued, running, processed, failed

    public var isFinished: Bool { self == .processed || self == .failed }
}
