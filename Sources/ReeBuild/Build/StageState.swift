import ReeDockerfile
import ReeLayers
import ReeOCI

/// Everything a stage has built so far: the image config and history, its layers and where they
/// are unpacked, the ARG/ENV state, the cache key of the state.
struct StageState {
    var config: ImageConfig
    var layers: [(descriptor: Descriptor, diffID: Digest)]
    /// Unpacked layer directories, bottom first.
    var layerDirectories: [String]
    var environment: StageEnvironment
    var shell: [String]
    var cacheKey: CacheKey
    /// The base image as named in FROM, and its manifest digest ("scratch" has none).
    var baseName: String
    var baseDigest: Digest?
    /// Whether this stage set CMD (an ENTRYPOINT afterwards keeps it).
    var setCmdInStage = false

    var container: ContainerConfig {
        get { config.config ?? ContainerConfig() }
        set { config.config = newValue }
    }

    var lowerTopFirst: [String] { layerDirectories.reversed() }

    var lowerView: LowerView { LowerView(layersTopFirst: lowerTopFirst) }

    var workingDirectory: String {
        let w = container.workingDir ?? ""
        return w.isEmpty ? "/" : w
    }

    /// The image's `Env` as `K=V` strings, from the ENV state.
    var environmentList: [String] { environment.imageEnvironment }
}

/// The result of one stage, for `FROM stage`, `COPY --from` and the final image.
struct StageResult {
    let state: StageState
}
