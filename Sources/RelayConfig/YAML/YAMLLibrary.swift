internal import CYAML

/// The libyaml this binary is linked against, for `relaygate version`.
public enum YAMLLibrary {
    public static var version: String { String(cString: yaml_get_version_string()) }
}
