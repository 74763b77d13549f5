public import Foundation
import Glibc

/// A real program started by a test, its output captured to files so a test can read
/// the log while it runs. Killed (SIGKILL) when released, so a failing test leaves nothing.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: Process is used from the test's task only; the log paths are immutable.
    public let process = Process()
    public let stdoutPath: String
    public let stderrPath: String
    public let name: String

    /// `environment`: variables added to this process's own.
    public init(
        _ executable: String, _ arguments: [String], logDirectory: String, name: String, environment: [String: String] = [:]
    ) throws {
        self.name = name
        stdoutPath = (logDirectory as NSString).appendingPathComponent("\(name).out")
        stderrPath = (logDirectory as NSString).appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    public func signal(_ number: Int32) { _ = kill(pid, number) }

    /// Waits for exit up to `timeout`; returns the exit status, or nil if still running.
    public func wait(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    public var terminatedBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    deinit {
        if process.isRunning { _ = kill(pid, SIGKILL) }
    }
}

/// Runs a program to completion and returns its exit code and output. Output goes through
/// files, not pipes, so a chatty program can never block on a full pipe.
public func runProgram(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = try TempDirectory("run")
    let child = try ChildProcess(executable, arguments, logDirectory: directory.path, name: "program")
    child.process.waitUntilExit()
    return (child.process.terminationStatus, child.stdout, child.stderr)
}

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration, every interval: Duration = .milliseconds(200), _ condition: () throws -> Bool)
    async rethrows -> Bool
{
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try condition()
}

/// `eventually` for conditions that must await (an HTTP request, say).
public func eventually(
    timeout: Duration, every interval: Duration = .milliseconds(200), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
