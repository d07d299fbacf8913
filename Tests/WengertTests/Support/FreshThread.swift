#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A closure handed to a new thread (unchecked: `onFreshThread` joins the thread before
/// the closure's captures go out of scope).
private final class ThreadJob: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a new thread, waits for it, and returns its result.
///
/// For tests that read the calling thread's current recording (`recordedEntryCount`):
/// tests run concurrently on shared threads, and a task of another test suspended with
/// live tensors leaves its recording current on the thread it ran on, so entries this
/// test records there join it and the count includes the other test's. A new thread
/// starts with no recording. `body` must not use `#expect` (the issue would not reach the
/// test from another thread): return what to check instead.
func onFreshThread<R>(_ body: () -> R) -> R {
    var result: R?
    withoutActuallyEscaping(body) { body in
        withUnsafeMutablePointer(to: &result) { slot in
            startThread { slot.pointee = body() }()
        }
    }
    return result!
}

/// Starts `body` on a new thread and returns a function that waits for it to end, which
/// must be called once (the test waits for the thread it started, rather than leave a
/// worker behind).
func startThread(_ body: @escaping () -> Void) -> () -> Void {
    let job = ThreadJob(body)
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let created = pthread_create(&thread, nil, { context in
        Unmanaged<ThreadJob>.fromOpaque(context!).takeRetainedValue().run()
        return nil
    }, Unmanaged.passRetained(job).toOpaque())
    precondition(created == 0, "pthread_create failed: \(created)")
    return {
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        pthread_join(thread!, nil)
        #endif
    }
}
