import Foundation
import ReeBuild
import ReeOCI
import ReeOS

/// What every command needs: the store under `$REE_HOME` and a place to log.
struct Context {
    let store: ImageStore

    init() throws {
        store = try ImageStore(home: ImageStore.defaultHome(environment: ProcessInfo.processInfo.environment))
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        print(try CanonicalJSON.encodePretty(value))
    }

    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
