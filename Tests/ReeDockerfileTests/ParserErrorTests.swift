import Testing

@testable import ReeDockerfile

@Suite("Syntax errors name the line and what was expected")
struct ParserErrorTests {
    @Test(
        "error messages",
        arguments: [
            ("FORM busybox", 1, "unknown instruction: FORM (did you mean FROM?)"),
            ("FROM a\nRUNN x", 2, "unknown instruction: RUNN (did you mean RUN?)"),
            ("FROM a\n\nCOPY onlyone", 3, "COPY requires at least two arguments, but only one was provided. Destination could not be determined"),
            ("FROM a\nADD", 2, "ADD requires at least two arguments, but none were provided. Destination could not be determined"),
            ("FROM a\n\n\n\nSHELL /bin/bash -c", 5, "SHELL requires the JSON form, such as SHELL [\"/bin/sh\", \"-c\"]"),
            ("FROM a\nSHELL []", 2, "SHELL requires at least one argument"),
            ("RUN echo", 1, "RUN before the first FROM: only ARG may come before FROM"),
            ("ARG A\nENV B=1\nFROM a", 2, "ENV before the first FROM: only ARG may come before FROM"),
            ("FROM", 1, "FROM requires either one or three arguments (FROM image [AS name])"),
            ("FROM a b", 1, "FROM requires either one or three arguments (FROM image [AS name])"),
            ("FROM a AS 1st", 1, "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
            ("FROM --bogus=1 a", 1, "unknown flag: --bogus (FROM accepts --platform)"),
            ("FROM a\nRUN --mount=type=secret,id=x cat /run/secrets/x", 2, "unsupported mount type \"secret\": ree supports bind, cache and tmpfs"),
            ("FROM a\nRUN --mount=type=nfs,target=/x ls", 2, "unsupported mount type \"nfs\": expected bind, cache or tmpfs"),
            ("FROM a\nRUN --mount=type=cache,bogus=1 ls", 2, "unexpected key 'bogus' in 'bogus=1'"),
            ("FROM a\nRUN --mount=type=bind,mode=0700,target=/x ls", 2, "mode not allowed for \"bind\" type mounts"),
            ("FROM a\nRUN --mount=type=cache,target=/x,sharing=sometimes ls", 2, "unsupported sharing value \"sometimes\": expected shared, private or locked"),
            ("FROM a\nRUN --network=bridge ls", 2, "unsupported network mode \"bridge\": expected none, default or host"),
            ("FROM a\nRUN --privileged ls", 2, "unknown flag: --privileged (RUN accepts --device, --mount, --network, --security)"),
            ("FROM a\nRUN --security=insecure ls", 2, "RUN --security is not supported by ree"),
            ("FROM a\nRUN", 2, "RUN requires at least one argument"),
            ("FROM a\nENV", 2, "ENV requires at least one argument"),
            ("FROM a\nENV A", 2, "ENV must have two arguments"),
            ("FROM a\nENV A=1 B", 2, "Syntax error - can't find = in \"B\". Must be of the form: name=value"),
            ("FROM a\nLABEL =x", 2, "LABEL names can not be blank"),
            ("FROM a\nARG =x", 2, "ARG names can not be blank"),
            ("FROM a\nWORKDIR", 2, "WORKDIR requires exactly one argument"),
            ("FROM a\nUSER", 2, "USER requires exactly one argument"),
            ("FROM a\nEXPOSE", 2, "EXPOSE requires at least one argument"),
            ("FROM a\nVOLUME [\"\"]", 2, "VOLUME specified can not be an empty string"),
            ("FROM a\nCOPY --chown a b", 2, "missing a value on flag: --chown"),
            ("FROM a\nCOPY --link=maybe a b", 2, "expecting boolean value for flag --link, not: maybe"),
            ("FROM a\nCOPY --from=x --from=y a b", 2, "duplicate flag specified: --from"),
            ("FROM a\nCOPY a <<EOF\nx\nEOF", 2, "COPY cannot accept a heredoc as a destination"),
            ("FROM a\nONBUILD ONBUILD RUN x", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
            ("FROM a\nONBUILD FROM x", 2, "FROM isn't allowed as an ONBUILD trigger"),
            ("FROM a\nONBUILD", 2, "ONBUILD requires at least one argument"),
            ("FROM a\nHEALTHCHECK NONE x", 2, "HEALTHCHECK NONE takes no arguments"),
            ("FROM a\nHEALTHCHECK CMD", 2, "Missing command after HEALTHCHECK CMD"),
            ("FROM a\nHEALTHCHECK RUN x", 2, "Unknown type \"RUN\" in HEALTHCHECK (try CMD or NONE)"),
            ("FROM a\nHEALTHCHECK --interval=soon CMD x", 2, "invalid value for --interval: soon (expected a duration such as 30s or 1m30s)"),
            ("FROM a\nHEALTHCHECK --timeout=10us CMD x", 2, "Interval \"timeout\" cannot be less than 1ms"),
            ("FROM a\nHEALTHCHECK --retries=-1 CMD x", 2, "--retries cannot be negative (-1)"),
            ("FROM a\nCMD --help", 2, "unknown flag: --help (CMD takes no flags)"),
            ("FROM a\nCOPY --from=$STAGE a b", 2, "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround"),
            ("FROM a\nRUN --mount=from=$S,target=/x ls", 2, "'from' doesn't support variable expansion, define alias stage instead"),
            ("", 1, "file with no instructions"),
            ("# only a comment\n", 1, "file with no instructions"),
            ("ARG A=1", 1, "no FROM instruction: the Dockerfile has no build stage"),
        ])
    func message(text: String, line: Int, message: String) {
        let error = parseError(text)
        #expect(error == DockerfileError(line: line, message))
    }

    @Test("the description reads `line N: message`")
    func description() {
        #expect(parseError("FROM a\n\nCOPY x")?.description.hasPrefix("line 3: COPY requires at least two arguments") == true)
        #expect(DockerfileError(line: 0, "no line").description == "no line")
    }
}
