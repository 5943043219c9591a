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
}
