import ReeDockerfile
import ReeOCI
import ReeOS

extension BuildRun {
    /// Instructions that change only the config and history.
    mutating func applyMetadata(_ instruction: Instruction, state: inout StageState) throws {
        var c = state.container
        var recordHistory = true
        switch instruction.kind {
        case .env:
            c.env = state.environmentList
        case .arg:
            recordHistory = false   // BuildKit keeps ARG out of the history too
        case .label(let pairs):
            var labels = c.labels ?? [:]
            for pair in pairs { labels[pair.key] = pair.value }
            c.labels = labels
        case .maintainer(let name):
            state.config.author = name
        case .expose(let ports):
            var exposed = c.exposedPorts ?? [:]
            for text in ports {
                let port = try located(instruction) { try ExposedPort(parsing: text) }
                for key in port.configKeys { exposed[key] = EmptyObject() }
            }
            c.exposedPorts = exposed
        case .volume(let paths):
            var volumes = c.volumes ?? [:]
            for path in paths where !path.isEmpty { volumes[path] = EmptyObject() }
            c.volumes = volumes
        case .user(let user):
            c.user = user.spec
        case .cmd(let command):
            c.cmd = command.arguments(shell: state.shell)
            if case .shell = command { c.argsEscaped = nil }
        case .entrypoint(let command):
            c.entrypoint = command.arguments(shell: state.shell)
            // A new entrypoint drops the CMD inherited from the base image.
            if !state.setCmdInStage { c.cmd = nil }
        case .stopSignal(let signal):
            c.stopSignal = signal
        case .healthcheck(let check):
            switch check {
            case .none:
                c.healthcheck = Healthcheck(test: ["NONE"])
            case .check(let h):
                var hc = Healthcheck(test: h.test)
                hc.interval = h.interval?.totalNanoseconds
                hc.timeout = h.timeout?.totalNanoseconds
                hc.startPeriod = h.startPeriod?.totalNanoseconds
                hc.startInterval = h.startInterval?.totalNanoseconds
                hc.retries = h.retries
                c.healthcheck = hc
            }
        case .shell(let shell):
            state.shell = shell
            c.shell = shell
        case .onbuild(let onbuild):
            c.onBuild = (c.onBuild ?? []) + [onbuild.expression]
        default:
            throw ReeError(.unsupported, "line \(instruction.line): \(instruction.keyword) is not handled here")
        }
        if case .cmd = instruction.kind { state.setCmdInStage = true }
        state.container = c
        state.cacheKey.add(instruction.keyword, Self.describe(instruction), cacheDescription(c))
        if recordHistory { record(instruction, layer: false, state: &state) }
    }

    /// The config as part of a cache key: later steps depend on ENV, USER, WORKDIR, SHELL.
    func cacheDescription(_ c: ContainerConfig) -> String {
        let bytes = (try? CanonicalJSON.encode(c)) ?? []
        return SHA256.hex(bytes)
    }
}
