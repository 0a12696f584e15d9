import Foundation
import NIOCore
@testable import ReeAPI
import ReeService
import Testing

@Suite("Responses written without JSONEncoder")
struct ResponseEncodingTests {
    static let tags: [String?] = [nil, "my_build", "a/b:c.d-e_f", "", "quote\" backslash\\ slash/", "\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}",
                                  "caf\u{e9} \u{1F600} \u{2028}"]

    @Test("The status and create responses are byte for byte what JSONEncoder writes", arguments: tags)
    func sameBytesAsJSONEncoder(_ tag: String?) throws {
        for status in ProcessStatus.allCases {
            let record = ProcessRecord(id: ProcessID(), kind: .recordingBuild, tag: tag, dockerfile: nil, owner: "alice", status: status)
            let statusResponse = ProcessStatusResponse(record)
            #expect(Array(buffer: statusResponse.json) == APIJSON.encode(statusResponse))
            let created = ProcessCreatedResponse(record)
            #expect(Array(buffer: created.json) == APIJSON.encode(created))
        }
    }

    @Test("Error bodies are byte for byte what JSONEncoder writes", arguments: tags.compactMap { $0 })
    func errorBodies(_ message: String) {
        #expect(Array(buffer: ErrorMapping.jsonBody(message: message)) == APIJSON.encode(["error": message]))
    }
}
