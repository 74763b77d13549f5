import RelayCore
import Testing

struct RedactionTests {
    @Test(arguments: [
        ("rtmp://live.example.com/app/SECRETKEY", "rtmp://live.example.com/app/***"),
        ("rtmps://live.cloudflare.com:443/live/SECRETKEY", "rtmps://live.cloudflare.com:443/live/***"),
        ("rtmp://user:SECRET@host:1935/app/SECRETKEY", "rtmp://***@host:1935/app/***"),
        ("srt://host:9000?streamid=SECRET&passphrase=SECRET", "srt://host:9000?streamid=***&passphrase=***"),
        ("https://cdn.example/hls/SECRET/index.m3u8?token=SECRET", "https://cdn.example/hls/***/***?token=***"),
        ("rtmp://host/app", "rtmp://host/app"),
        ("concat:SECRET|other", "concat:***"),
    ])
    func urlsKeepTheServerAndMaskTheKey(_ input: String, _ expected: String) {
        #expect(Redaction.url(input) == expected)
        #expect(!Redaction.url(input).contains("SECRET"))
    }

    @Test func freeTextHasEveryURLMasked() {
        let line = "Failed to open 'rtmp://h/live/SECRET1' then rtmps://h:443/live/SECRET2, giving up"
        let redacted = Redaction.text(line)
        #expect(redacted == "Failed to open 'rtmp://h/live/***' then rtmps://h:443/live/***, giving up")
    }
}
