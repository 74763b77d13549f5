internal import CFFmpeg

/// Owns an `AVDictionary` of options handed to an open call. libav removes the entries it
/// used and leaves the rest, which `unused` reports so a misspelt option never goes silent.
struct OptionDictionary: ~Copyable {
    var raw: OpaquePointer?

    init(_ entries: KeyValuePairs<String, String>) {
        for (key, value) in entries {
            av_dict_set(&raw, key, value, 0)
        }
    }

    init(_ entries: [(String, String)]) {
        for (key, value) in entries {
            av_dict_set(&raw, key, value, 0)
        }
    }

    var unused: [String] {
        var keys: [String] = []
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(raw, "", entry, AV_DICT_IGNORE_SUFFIX) {
            keys.append(String(cString: next.pointee.key))
            entry = next
        }
        return keys
    }

    deinit {
        var raw = raw
        av_dict_free(&raw)
    }
}
