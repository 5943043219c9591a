using CovidEntry.App.Shared;

namespace CovidEntry.Tests.Features;

/// <summary>Work nobody waits on runs on a thread of its own at a lower priority, and its result or failure comes back.</summary>
public sealed class LowPriorityTests
{
    [Fact]
    public async Task TheWorkRunsOnItsOwnThreadAtNiceFiveOrLowerAndItsResultComesBack()
    {
        var caller = Environment.CurrentManagedThreadId;
        var before = LowPriority.CurrentNice();
        var (thread, nice) = await LowPriority.RunAsync("test", () => (Environment.CurrentManagedThreadId, LowPriority.CurrentNice()));

        Assert.NotEqual(caller, thread);
        if (OperatingSystem.IsLinux())
        {
            // The caller's own priority is left as it was.
            Assert.True(nice >= LowPriority.Nice, $"The work ran at nice {nice}.");
            Assert.Equal(before, LowPriority.CurrentNice());
        }
    }

    [Fact]
    public async Task AFailureInTheWorkIsThrownToTheCaller()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => LowPriority.RunAsync<int>("test", () => throw new InvalidOperationException("compressing failed")));
        Assert.Equal("compressing failed", failure.Message);
    }

    [Fact]
    public async Task NoThreadOfThePoolIsEverBornAtTheLowerPriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Each completion hands the caller's continuation to the thread pool, which makes a worker on
        // the handing thread when none is free. Whether it needs one then depends on the pool's state
        // (CI met it once in a whole suite), so this checks the invariant after many completions.
        for (var i = 0; i < 50; i++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => LowPriority.RunAsync("test", () => Environment.CurrentManagedThreadId)));
        }

        var lowered = PoolThreadsAndTheirNice().Where(t => t.Nice >= LowPriority.Nice).ToList();
        Assert.True(lowered.Count == 0, $"pool threads at nice {LowPriority.Nice} or lower: {string.Join(", ", lowered)}");
    }

    /// <summary>This process's thread-pool workers (Linux names them ".NET TP Worker") and each one's nice value.</summary>
    private static IEnumerable<(int Tid, int Nice)> PoolThreadsAndTheirNice()
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string name, stat;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
                continue;
            }

            if (name.StartsWith(".NET TP Worker", StringComparison.Ordinal))
            {
                // After the name in parentheses: the state is field 3 and the nice value field 19.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                yield return (int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
