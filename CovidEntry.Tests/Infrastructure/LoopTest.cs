using Microsoft.Extensions.DependencyInjection;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// Base of the integration tests that run the core loop: a database of the class's own and the
/// four people of <see cref="LoopScenario"/>.
/// </summary>
public abstract class LoopTest : IAsyncLifetime
{
    protected static readonly DateOnly Day = new(2020, 11, 14);

    protected LoopTest(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        Database = new TestDatabase(settings, configure: configure);
    }

    protected TestDatabase Database { get; }

    protected LoopScenario Loop { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Loop = await new LoopScenario(Database).WithPeopleAsync();
    }

    public virtual Task DisposeAsync() => Database.DisposeAsync();
}
