/// The ARG and ENV state of one stage while the builder walks its instructions.
///
/// Call ``apply(_:)`` with each instruction in order: it returns the instruction with its words
/// expanded (Docker's rules) and updates the state for `ARG` and `ENV`. Scoping follows Docker:
/// - an `ARG` is visible from its line to the end of the stage;
/// - `ARG NAME` without a value in a stage takes the global value (or the build argument);
/// - a build argument overrides an `ARG` default, but only for declared names;
/// - `ENV` wins over an `ARG` of the same name;
/// - predefined proxy arguments given as build arguments are visible without an `ARG`.
public struct StageEnvironment: Sendable {
    /// The escape character used for expansion.
    public let escape: Unicode.Scalar
    private let globalValues: [String: String]
    private let buildArguments: [String: String]
    /// The `ENV` variables in order, starting with the base image's; this is the image config `Env`.
    public private(set) var environment: [KeyValuePair]
    /// The `ARG`s declared so far in this stage, with their resolved values (nil when unset).
    public private(set) var arguments: [ArgumentDeclaration] = []

    /// Creates the environment at the start of a stage whose base image has `imageEnvironment`.
    public init(scope: BuildScope, imageEnvironment: [String] = []) {
        escape = scope.escape
        globalValues = scope.globalValues
        buildArguments = scope.buildArguments
        environment = imageEnvironment.map { entry in
            guard let equals = entry.firstIndex(of: "=") else { return KeyValuePair(key: entry, value: "") }
            return KeyValuePair(key: String(entry[..<equals]), value: String(entry[entry.index(after: equals)...]))
        }
    }

    /// The value expansion sees for `name`: ENV, then ARG, then a predefined build argument.
    public func value(of name: String) -> String? {
        if let pair = environment.last(where: { $0.key == name }) { return pair.value }
        if let argument = arguments.last(where: { $0.name == name }) {
            if let value = argument.defaultValue { return value }
        }
        if BuildScope.predefinedArgumentNames.contains(name),
            !arguments.contains(where: { $0.name == name })
        {
            return buildArguments[name]
        }
        return nil
    }

    /// `instruction` expanded with the current state, without changing the state.
    public func expand(_ instruction: Instruction) throws(DockerfileError) -> Instruction {
        try instruction.expanded(escape: escape) { value(of: $0) }
    }

    /// Expands `instruction` with the current state, then applies its `ARG` or `ENV` effect.
    /// For `ARG` the returned declarations carry the resolved values.
    public mutating func apply(_ instruction: Instruction) throws(DockerfileError) -> Instruction {
        switch instruction.kind {
        case .arg(let declarations):
            var resolved: [ArgumentDeclaration] = []
            let lexer = ShellLexer(escape: escape)
            for declaration in declarations {
                var value: String?
                if let given = buildArguments[declaration.name] {
                    value = given
                } else if let defaultValue = declaration.defaultValue {
                    do {
                        value = try lexer.processWord(defaultValue) { self.value(of: $0) }
                    } catch {
                        throw error.located(at: instruction.line)
                    }
                } else {
                    value = globalValues[declaration.name]
                }
                let argument = ArgumentDeclaration(name: declaration.name, defaultValue: value)
                arguments.removeAll { $0.name == declaration.name }
                arguments.append(argument)
                resolved.append(argument)
            }
            var result = instruction
            result.kind = .arg(resolved)
            return result
        case .env:
            let expanded = try expand(instruction)
            if case .env(let pairs) = expanded.kind {
                for pair in pairs { setEnvironment(pair) }
            }
            return expanded
        default:
            return try expand(instruction)
        }
    }

    private mutating func setEnvironment(_ pair: KeyValuePair) {
        if let index = environment.firstIndex(where: { $0.key == pair.key }) {
            environment[index].value = pair.value
        } else {
            environment.append(pair)
        }
    }

    /// The image config `Env`: `K=V` for every `ENV` variable, in order.
    public var imageEnvironment: [String] {
        environment.map { "\($0.key)=\($0.value)" }
    }

    /// The environment of a `RUN` command: the `ENV` variables, then the `ARG`s that have a value
    /// and are not shadowed by `ENV`, then predefined proxy build arguments.
    public var runEnvironment: [String] {
        var result = imageEnvironment
        var seen = Set(environment.map(\.key))
        for argument in arguments {
            guard let value = argument.defaultValue, !seen.contains(argument.name) else { continue }
            seen.insert(argument.name)
            result.append("\(argument.name)=\(value)")
        }
        for name in BuildScope.predefinedArgumentNames.sorted() {
            guard let value = buildArguments[name], !seen.contains(name) else { continue }
            result.append("\(name)=\(value)")
        }
        return result
    }
}
