import RelayCore
import Testing

struct DurationTextTests {
    @Test(arguments: [("500ms", 500), ("10s", 10_000), ("1.5s", 1500), ("2m", 120_000), ("1h", 3_600_000), ("0s", 0)])
    func parses(_ text: String, _ milliseconds: Int64) {
        #expect(DurationText.parse(text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["10", "s", "ten s", "-1s", "1.2.3s", "5 s", "", "1d"])
    func rejects(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formats() {
        #expect(DurationText.format(.seconds(10)) == "10s")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationText.format(.seconds(120)) == "2m")
    }
}

struct RemoteURLTests {
    let schemes = ["rtmp", "rtmps", "srt", "http", "https"]

    @Test func acceptsRemoteURLsWithVariables() throws {
        let url = try RemoteURL("rtmp://127.0.0.1:1935/live/{channel}?k=v", allowedSchemes: schemes)
        #expect(url.scheme == "rtmp" && url.host == "127.0.0.1" && url.port == 1935)
        #expect(url.path == "/live/{channel}" && url.query == "k=v")
        #expect(url.variables == ["channel"])
        #expect(try RemoteURL("srt://[::1]:9000", allowedSchemes: schemes).host == "::1")
    }

    @Test(arguments: [
        ("file:/etc/passwd", "protocol \"file\" is not allowed here"),
        ("concat:/a|/b", "protocol \"concat\" is not allowed here"),
        ("pipe:0", "protocol \"pipe\" is not allowed here"),
        ("subfile:,,start,0,end,0,,:/etc/passwd", "protocol \"subfile\" is not allowed here"),
        ("/etc/passwd", "is not a URL"),
        ("rtmp:/host/app", "must start with rtmp://"),
        ("rtmp:///app/key", "has no host"),
        ("rtmp://host:99999/app", "has port 99999"),
        ("rtmp://host:abc/app", "has a bad port"),
    ])
    func refuses(_ text: String, _ message: String) {
        #expect(throws: RemoteURL.Invalid.self) { try RemoteURL(text, allowedSchemes: schemes) }
        do {
            _ = try RemoteURL(text, allowedSchemes: schemes)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

struct TemplateAndPatternTests {
    @Test func expandsVariables() throws {
        #expect(try Template.expand("rtmp://h/live/{channel}-{route}", values: ["channel": "42", "route": "r"]) == "rtmp://h/live/42-r")
        #expect(throws: Template.Unresolved.self) { try Template.expand("{nope}", values: [:]) }
    }

    @Test func patternsMatchAndCapture() throws {
        let pattern = try RoutePattern("seller_{channelId}")
        #expect(pattern.match("seller_42") == ["channelId": "42"])
        #expect(pattern.match("seller_") == nil)
        #expect(pattern.match("buyer_42") == nil)
        let two = try RoutePattern("{shop}_live_{id}")
        #expect(two.match("acme_live_7") == ["shop": "acme", "id": "7"])
        #expect(try RoutePattern("exact").match("exact") == [:])
        #expect(throws: RoutePattern.Invalid.self) { try RoutePattern("a{b") }
        #expect(throws: RoutePattern.Invalid.self) { try RoutePattern("{a}{b}") }
    }

    @Test func rationalRescales() {
        #expect(Rational(1, 1000).rescale(1000, to: Rational(1, 90000)) == 90000)
        #expect(Rational(1, 90000).rescale(3003, to: Rational(1, 1000)) == 33)
        #expect(Rational(1, 48000).rescale(-1024, to: Rational(1, 1000)) == -21)
    }
}
