import Foundation
import Glibc
import RelayCore
import WorkerProtocol

/// Starts worker processes from one thread that lives as long as the supervisor.
///
/// Why a dedicated thread: Linux delivers PR_SET_PDEATHSIG when the *thread* that forked
/// the child exits, not the process. Spawning from a pool thread that later retires would
/// kill healthy workers; spawning from this thread ties them to the supervisor's life.
final class WorkerSpawner: @unchecked Sendable {
    // @unchecked: `requests` is only touched under `condition`.
    private let condition = NSCondition()
    private var requests: [@Sendable () -> Void] = []

    static let shared = WorkerSpawner()

    private init() {
        let thread = Thread { [self] in serve() }
        thread.name = "worker-spawner"
        thread.start()
    }

    /// A started worker: its pid, its control channel and, when asked for, the supervisor's
    /// end of its ingest socket, which the caller now owns.
    struct Spawned {
        var pid: pid_t
        var channel: MessageChannel
        var ingestFD: Int32?
    }

    /// Spawns `executable arguments…` with a control socket as the child's
    /// `WorkerLaunch.controlDescriptor` and, with `ingest`, an ingest socket as its
    /// `WorkerLaunch.ingestDescriptor`.
    func spawn(executable: String, arguments: [String], ingest: Bool) async throws -> Spawned {
        try await withCheckedThrowingContinuation { continuation in
            enqueue {
                continuation.resume(
                    with: Result { try Self.spawnNow(executable: executable, arguments: arguments, ingest: ingest) })
            }
        }
    }

    private func enqueue(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        requests.append(work)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while requests.isEmpty { condition.wait() }
            let work = requests.removeFirst()
            condition.unlock()
            work()
        }
    }

    private static func socketPair() throws -> (parent: Int32, child: Int32) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw RelayError(.internal, "socketpair failed: \(String(cString: strerror(errno)))")
        }
        return (fds[0], fds[1])
    }

    private static func spawnNow(executable: String, arguments: [String], ingest: Bool) throws -> Spawned {
        let (parentFD, childFD) = try socketPair()
        defer { close(childFD) }
        var ingestPair: (parent: Int32, child: Int32)?
        if ingest {
            do {
                ingestPair = try socketPair()
            } catch {
                close(parentFD)
                throw error
            }
        }
        defer { if let child = ingestPair?.child { close(child) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears FD_CLOEXEC on the two named descriptors; every other one of ours closes on exec.
        posix_spawn_file_actions_adddup2(&actions, childFD, WorkerLaunch.controlDescriptor)
        if let child = ingestPair?.child { posix_spawn_file_actions_adddup2(&actions, child, WorkerLaunch.ingestDescriptor) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group: a Ctrl-C in the terminal reaches the supervisor only, which
        // then stops each relay cleanly. Signal dispositions and mask start from defaults
        // (the supervisor ignores some signals to watch them with Dispatch).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            close(parentFD)
            if let parent = ingestPair?.parent { close(parent) }
            throw RelayError(.internal, "cannot start worker \(executable): \(String(cString: strerror(result)))")
        }
        return Spawned(pid: pid, channel: MessageChannel(fd: parentFD), ingestFD: ingestPair?.parent)
    }
}
