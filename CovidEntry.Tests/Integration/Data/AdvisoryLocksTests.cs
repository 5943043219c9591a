using System.Reflection;
using CovidEntry.App.Shared;

namespace CovidEntry.Tests.Integration;

public sealed class AdvisoryLocksTests
{
    [Fact]
    public void EveryFixedKeyIsListedAndNoTwoUsesShareAKey()
    {
        var declared = typeof(AdvisoryLocks).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(long))
            .Select(f => (long)f.GetRawConstantValue()!)
            .ToList();

        Assert.Equal(declared.Order(), AdvisoryLocks.Fixed.Order());
        Assert.Equal(declared.Count, declared.Distinct().Count());
    }

    [Fact]
    public void TheSignInThrottlesKeysStayInASpaceOfTheirOwn()
    {
        var keys = Enumerable.Range(0, 1_000).Select(i => AdvisoryLocks.SignInThrottle($"address:10.0.{i / 256}.{i % 256}")).ToList();

        Assert.All(keys, key => Assert.Equal(0x53, (int)((ulong)key >> 56)));
        Assert.All(AdvisoryLocks.Fixed, key => Assert.NotEqual(0x53, (int)((ulong)key >> 56)));
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
