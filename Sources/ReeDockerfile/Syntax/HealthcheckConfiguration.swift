/// The command and timing options of a `HEALTHCHECK CMD`.
public struct HealthcheckConfiguration: Sendable, Equatable {
    /// The check command: shell form becomes `CMD-SHELL`, exec form `CMD` in the image config.
    public var command: CommandForm
    /// `--interval` (nil when not given or zero).
    public var interval: Duration?
    /// `--timeout`.
    public var timeout: Duration?
    /// `--start-period`.
    public var startPeriod: Duration?
    /// `--start-interval`.
    public var startInterval: Duration?
    /// `--retries`.
    public var retries: Int?

    /// Creates a configuration.
    public init(
        command: CommandForm, interval: Duration? = nil, timeout: Duration? = nil,
        startPeriod: Duration? = nil, startInterval: Duration? = nil, retries: Int? = nil
    ) {
        self.command = command
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
    }

    /// The image config's `Test` array: `["CMD-SHELL", text]` or `["CMD", args...]`.
    public var test: [String] {
        switch command {
        case .shell(let text): ["CMD-SHELL", text]
        case .exec(let arguments): ["CMD"] + arguments
        }
    }
}
