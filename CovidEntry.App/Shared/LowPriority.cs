using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace CovidEntry.App.Shared;

/// <summary>
/// CPU-heavy work that no person is waiting on (compressing every public file after a publish) runs
/// on a thread of its own at a lower scheduling priority, so that when the machine is busy the
/// volunteers' requests and the database get the processor first and the work takes longer instead.
/// On Linux the thread's nice value is raised to at least <see cref="Nice"/> (allowed without
/// privileges); elsewhere, or if that fails, it runs at the normal priority.
/// </summary>
public static class LowPriority
{
    /// <summary>
    /// How low: nice 5 weighs about a third of a normal thread in Linux's scheduler, so the
    /// work still finishes under a full load rather than waiting for an idle moment.
    /// </summary>
    public const int Nice = 5;

    /// <summary>Runs <paramref name="work"/> (synchronous, no awaits inside) on a new lower-priority thread.</summary>
    /// <remarks>
    /// A thread Linux makes inherits the nice value of the thread that made it, and the thread pool
    /// makes a new worker on the thread that hands it work when none is free. Had the lowered thread
    /// completed the task itself, a worker made for the task's continuation would have been born at
    /// nice 5 and served requests, publishes among them, at that priority for the rest of its life
    /// (CI caught one). So the lowered thread only does the work and ends; a thread at the caller's
    /// priority waits for it and completes the task.
    /// </remarks>
    public static Task<T> RunAsync<T>(string name, Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var worker = new Thread(() =>
        {
            Lower();
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        worker.Start();
        return Task.Factory.StartNew(() =>
        {
            worker.Join();
            failure?.Throw();
            return result;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The nice value of the calling thread (Linux), for tests; null elsewhere.</summary>
    public static int? CurrentNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Marshal.SetLastPInvokeError(0);
        var nice = getpriority(PrioProcess, gettid());
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
    }

    private static void Lower()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            var tid = gettid();
            if (getpriority(PrioProcess, tid) < Nice)
            {
                _ = setpriority(PrioProcess, tid, Nice);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the work runs at the normal priority.
        }
    }

    /// <summary>With a thread id for "who", Linux sets one thread's nice value, not the process's.</summary>
    private const int PrioProcess = 0;

    // DllImport, not LibraryImport: these take and return ints only, and the app is built without unsafe code.
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc", SetLastError = true)]
    private static extern int getpriority(int which, int who);

    [DllImport("libc")]
    private static extern int gettid();
}
