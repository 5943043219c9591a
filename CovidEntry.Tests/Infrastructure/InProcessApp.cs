using System.Diagnostics;
using System.Reflection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CovidEntry.Tests.Infrastructure;

/// <summary>
/// The app exactly as Program.cs builds it: its own entry point, run in this process on a free
/// loopback port, on a test database. Unlike <see cref="PublicApi"/> nothing is wired by the test,
/// so every page, endpoint and middleware is the real one; unlike the browser tests' child process,
/// the test can also read what the app wired, such as its endpoints.
/// </summary>
public sealed class InProcessApp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly IHost _host;
    private readonly Task<int> _run;

    private InProcessApp(IHost host, Task<int> run, Uri address)
    {
        _host = host;
        _run = run;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Every route the app answers: pages, minimal API and Identity endpoints, hubs and static files.</summary>
    public IReadOnlyList<RouteEndpoint> Endpoints =>
        Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    /// <param name="settings">More settings as command-line arguments, e.g. <c>--Identity:SignInThrottle:AddressFailures=100</c>.</param>
    public static Task<InProcessApp> StartAsync(string connectionString, params string[] settings) =>
        StartAsync(connectionString, clock: null, settings);

    /// <param name="clock">
    /// The app's clock (e.g. a FakeTimeProvider the test moves on): everything the app times with
    /// TimeProvider, sign-in sessions and cookies included, follows it instead of the wall clock.
    /// </param>
    /// <param name="settings">More settings as command-line arguments, e.g. <c>--Identity:SignInThrottle:AddressFailures=100</c>.</param>
    public static async Task<InProcessApp> StartAsync(string connectionString, TimeProvider? clock, params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", Environments.Development,

            // The entry assembly here is the test host: name the app so that its static web assets are found.
            "--applicationName", typeof(Program).Assembly.GetName().Name!,
            "--contentRoot", AppContext.BaseDirectory,
            $"--ConnectionStrings:Default={connectionString}",
            .. TestKeys.SettingsFor(connectionString).Select(s => $"--{s.Key}={s.Value}"),
            "--Snapshots:Enabled=false",
            "--Screenshots:CaptureEnabled=false",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];

        // Program.cs keeps its host to itself; the hosting library announces each host it builds,
        // which is also how WebApplicationFactory finds it. Other tests build hosts at the same
        // time, so the one on this database is the one wanted.
        var built = new TaskCompletionSource<IHost>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var catcher = new HostCatcher(connectionString, clock, built);
        using var subscription = DiagnosticListener.AllListeners.Subscribe(catcher);

        var entryPoint = typeof(Program).Assembly.EntryPoint!;
        var run = Task.Factory.StartNew(() => Run(entryPoint, args), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await UntilAsync(built.Task, run, "build its host");
        var host = await built.Task;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await UntilAsync(started.Task, run, "start");
        }

        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new InProcessApp(host, run, new Uri(address));
    }

    /// <summary>Waits until the app serves the public files of the data as it is now (they are made a moment after each commit).</summary>
    public Task FreshPublicFilesAsync() => FreshPublicFiles.WaitAsync(Services);

    /// <summary>An HTTP client of its own (own cookies) that does not follow redirects, so a test sees where it is sent.</summary>
    public HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() })
        {
            BaseAddress = Address,
        };

    public async ValueTask DisposeAsync()
    {
        Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // Program.cs stops its host but leaves disposing it to the process's end.
            if (_host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                _host.Dispose();
            }
        }
    }

    private static int Run(MethodInfo entryPoint, string[] args)
    {
        try
        {
            return (int)entryPoint.Invoke(null, [args])!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException($"The app stopped with {ex.InnerException.GetType().Name}: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    private static async Task UntilAsync(Task wanted, Task<int> run, string what)
    {
        var first = await Task.WhenAny(wanted, run).WaitAsync(StartTimeout);
        if (first == run)
        {
            await run;
            throw new InvalidOperationException($"The app returned before it could {what}.");
        }
    }

    private sealed class HostCatcher(string connectionString, TimeProvider? clock, TaskCompletionSource<IHost> built)
        : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            // As WebApplicationFactory does: services added while the host is being built come after
            // Program.cs's own, so the test's clock is the one the app gets.
            if (clock is not null && value is { Key: "HostBuilding", Value: IHostBuilder building })
            {
                building.ConfigureServices((context, services) =>
                {
                    if (context.Configuration.GetConnectionString("Default") == connectionString)
                    {
                        services.RemoveAll<TimeProvider>();
                        services.AddSingleton(clock);
                    }
                });
            }

            if (value is { Key: "HostBuilt", Value: IHost host }
                && host.Services.GetService<IConfiguration>()?.GetConnectionString("Default") == connectionString)
            {
                built.TrySetResult(host);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
