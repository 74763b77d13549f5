import Glibc
import RelayCore

/// Makes sure a named pipe exists at a path: creates it (mode 0660) when missing and
/// refuses anything else already there. A FIFO relaygate made is left in place when the
/// relay ends: removing it would race with a writer reconnecting during a restart, whose
/// `open(O_CREAT)` would then make a regular file where the pipe should be.
enum FIFO {
    static let mode: mode_t = 0o660

    /// Returns true when the FIFO had to be created.
    @discardableResult
    static func ensure(_ path: String) throws(RelayError) -> Bool {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFIFO else {
                throw RelayError(.source, "rawpipe: \(path) exists and is not a named pipe (FIFO)")
            }
            return false
        }
        guard errno == ENOENT else { throw SystemCall.error("stat \(path)") }
        if mkfifo(path, mode) != 0 {
            // A writer (or another relay) created it first: fine if it is a FIFO.
            if errno == EEXIST { return try ensure(path) }
            throw SystemCall.error("mkfifo \(path)")
        }
        // mkfifo applies the umask; the documented mode is exact.
        guard chmod(path, mode) == 0 else { throw SystemCall.error("chmod \(path)") }
        return true
    }
}
