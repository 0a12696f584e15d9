import ReeOS
import ReeService
import Testing

@Suite("Checking the values of a new process")
struct ProcessInputTests {
    @Test("Dockerfile names must stay inside the project", arguments: ["../Dockerfile", "/etc/passwd", "a/../../b", "a\\b"])
    func refusesEscapingDockerfileNames(_ name: String) {
        #expect(throws: ReeError.self) { try ProcessInput.validateDockerfile(name) }
    }

    @Test("Tags: letters, digits and . _ - : /; empty means none")
    func validatesTags() throws {
        #expect(try ProcessInput.validateTag("my_build") == "my_build")
        #expect(try ProcessInput.validateTag("") == nil)
        #expect(try ProcessInput.validateTag(nil) == nil)
        for bad in ["-x", "a b", "x;rm", String(repeating: "a", count: 129), "é"] {
            #expect(throws: ReeError.self) { try ProcessInput.validateTag(bad) }
        }
    }
}
